//! The Rust side of a readable end, for both tiers: reading a future's one
//! value ([`FutureReader`]) and a stream chunk by chunk ([`StreamReader`]),
//! over any host-owned end that can start a read and poll for its
//! completion ([`ReadEnd`]).

use core::task::{Context, Poll};

use super::copy::{CopyDoneOf, CopyResult};
use super::error::ComponentError;
use super::state::Values;
use super::value::ComponentType;

/// A readable end owned by host code.
pub(crate) trait ReadEnd {
    /// Where a read's values arrive.
    type Values: Values;

    /// Starts a read of up to `n` elements; the completion if it finished
    /// at once.
    fn start_read(&self, n: usize) -> Result<Option<CopyDoneOf<Self::Values>>, ComponentError>;

    /// Polls for the completion of the read in progress, registering the
    /// task's waker before checking.
    fn poll_done(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<CopyDoneOf<Self::Values>, ComponentError>>;
}

/// Reading a future's one value: the read starts on the first poll.
#[derive(Debug, Default)]
pub(crate) struct FutureReader {
    pub(crate) started: bool,
    pub(crate) finished: bool,
}

impl FutureReader {
    /// Polls the read of `end`; `Pending` again after the output was
    /// returned.
    pub(crate) fn poll<E: ReadEnd, T: ComponentType>(
        &mut self,
        end: &E,
        cx: &mut Context<'_>,
    ) -> Poll<Result<T, ComponentError>> {
        if self.finished {
            return Poll::Pending;
        }
        if !self.started {
            self.started = true;
            match end.start_read(1) {
                Ok(Some(done)) => return Poll::Ready(self.finish(done)),
                Ok(None) => {}
                Err(e) => return Poll::Ready(self.fail(e)),
            }
        }
        match end.poll_done(cx) {
            Poll::Ready(Ok(done)) => Poll::Ready(self.finish(done)),
            Poll::Ready(Err(e)) => Poll::Ready(self.fail(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn fail<T>(&mut self, e: ComponentError) -> Result<T, ComponentError> {
        self.finished = true;
        Err(e)
    }

    fn finish<V: Values, T: ComponentType>(
        &mut self,
        mut done: CopyDoneOf<V>,
    ) -> Result<T, ComponentError> {
        self.finished = true;
        let result = done.result;
        match (result, done.values.pop_front()) {
            (CopyResult::Completed, Some(value)) => T::from_value(value),
            _ => Err(ComponentError::NoValue { handle: 0, result }),
        }
    }
}

/// Reading a stream: at most `chunk` elements per read; the next read only
/// starts once the previous chunk was handed out (the backpressure), and the
/// stream ends (`None`) after the writer was dropped.
#[derive(Debug)]
pub(crate) struct StreamReader<V> {
    /// Elements received and not handed out yet.
    pub(crate) received: V,
    reading: bool,
    pub(crate) ended: bool,
}

impl<V: Values> StreamReader<V> {
    pub(crate) const fn new() -> Self {
        Self {
            received: V::EMPTY,
            reading: false,
            ended: false,
        }
    }

    /// The next element of `end`, read `chunk` elements at a time.
    pub(crate) fn poll_next<E: ReadEnd<Values = V>, T: ComponentType>(
        &mut self,
        end: &E,
        chunk: usize,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<T, ComponentError>>> {
        loop {
            if let Some(value) = self.received.pop_front() {
                return Poll::Ready(Some(T::from_value(value)));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            if !self.reading {
                match end.start_read(chunk) {
                    Ok(Some(done)) => {
                        self.absorb(done);
                        continue;
                    }
                    Ok(None) => self.reading = true,
                    Err(e) => return Poll::Ready(Some(self.fail(e))),
                }
            }
            match end.poll_done(cx) {
                Poll::Ready(Ok(done)) => self.absorb(done),
                Poll::Ready(Err(e)) => return Poll::Ready(Some(self.fail(e))),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn fail<T>(&mut self, e: ComponentError) -> Result<T, ComponentError> {
        self.ended = true;
        Err(e)
    }

    /// A finished read: its elements are handed out next (the previous
    /// chunk was, or no read would have started).
    fn absorb(&mut self, done: CopyDoneOf<V>) {
        self.reading = false;
        self.received = done.values;
        if done.result == CopyResult::Dropped {
            self.ended = true;
        }
    }

    /// `Stream::size_hint`: what was received, exact once the stream ended.
    pub(crate) fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.received.len();
        (len, self.ended.then_some(len))
    }
}
