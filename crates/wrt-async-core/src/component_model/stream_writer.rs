//! The host's writable end of a `stream<T>`: [`host_stream`],
//! [`ComponentStreamWriter`] and its writes as Rust futures, with
//! backpressure.

use alloc::collections::VecDeque;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::copy::CopyResult;
use super::error::ComponentError;
use super::host::HostEnd;
use super::pair::{Buffer, Done, Kind};
use super::stream_bridge::{ComponentStream, DEFAULT_CHUNK};
use super::value::{ComponentType, ComponentValue};

/// Creates a `stream<T>` owned by the host (the spec's `stream.new` done by
/// host code): the writer, and the readable end to read as a Rust stream or
/// to hand to a component ([`ComponentStream::lower_into`]).
///
/// ```
/// use wrt_async_core::component_model::host_stream;
///
/// let (mut writer, stream) = host_stream::<u32>();
/// let mut numbers = stream.bridge();
/// let got = wrt_async_core::with_async(async move {
///     let written = writer.send(7);
///     // `send` finishes once the reader took the value: poll both.
///     let (sent, got) = both(written, numbers.next()).await;
///     (sent.unwrap().written, got)
/// });
/// assert_eq!(got.unwrap(), (1, Some(Ok(7))));
/// # async fn both<A: core::future::Future, B: core::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
/// #     let (mut a, mut b) = (core::pin::pin!(a), core::pin::pin!(b));
/// #     let (mut ra, mut rb) = (None, None);
/// #     core::future::poll_fn(|cx| {
/// #         if ra.is_none() { if let core::task::Poll::Ready(v) = a.as_mut().poll(cx) { ra = Some(v) } }
/// #         if rb.is_none() { if let core::task::Poll::Ready(v) = b.as_mut().poll(cx) { rb = Some(v) } }
/// #         if ra.is_some() && rb.is_some() { core::task::Poll::Ready(()) } else { core::task::Poll::Pending }
/// #     }).await;
/// #     (ra.unwrap(), rb.unwrap())
/// # }
/// ```
pub fn host_stream<T: ComponentType>() -> (ComponentStreamWriter<T>, ComponentStream<T>) {
    let (readable, writable) = HostEnd::new_pair(Kind::Stream, T::VALUE_TYPE);
    (
        ComponentStreamWriter {
            end: writable,
            chunk: DEFAULT_CHUNK,
            _value: core::marker::PhantomData,
        },
        ComponentStream::from_end(readable),
    )
}

/// The writable end of a host-created `stream<T>`; see [`host_stream`].
///
/// Each write hands at most `chunk` elements to the stream and waits until
/// the reader consumed (some of) them before handing more: a fast writer is
/// held back by a slow reader instead of piling elements up. Dropping the
/// writer (or [`close`](Self::close)) ends the stream.
///
/// ```
/// use wrt_async_core::component_model::{host_stream, ComponentTable, CopyStatus};
///
/// let table = ComponentTable::new();
/// let (writer, stream) = host_stream::<u32>();
/// let r = stream.lower_into(&table).unwrap();
/// writer.close();
/// let CopyStatus::Done(done) = table.stream_read(r, 8).unwrap() else { unreachable!() };
/// assert_eq!(done.result, wrt_async_core::component_model::CopyResult::Dropped);
/// ```
pub struct ComponentStreamWriter<T> {
    end: HostEnd,
    chunk: usize,
    _value: core::marker::PhantomData<fn(T)>,
}

impl<T: ComponentType> ComponentStreamWriter<T> {
    /// Sets the most elements one write hands to the stream (at least 1;
    /// default [`DEFAULT_CHUNK`]).
    ///
    /// ```
    /// use wrt_async_core::component_model::host_stream;
    ///
    /// let (writer, _stream) = host_stream::<u32>();
    /// let writer = writer.with_chunk(0);
    /// assert_eq!(writer.chunk(), 1);
    /// ```
    #[must_use]
    pub fn with_chunk(mut self, chunk: usize) -> Self {
        self.chunk = chunk.max(1);
        self
    }

    /// The most elements one write hands to the stream.
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_stream, DEFAULT_CHUNK};
    ///
    /// let (writer, _stream) = host_stream::<u32>();
    /// assert_eq!(writer.chunk(), DEFAULT_CHUNK);
    /// ```
    #[must_use]
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// Writes one value; finishes once the reader took it (`written == 1`)
    /// or the reader was dropped (`reader_dropped`).
    ///
    /// ```
    /// use wrt_async_core::component_model::host_stream;
    ///
    /// let (mut writer, stream) = host_stream::<u32>();
    /// drop(stream);
    /// let outcome = wrt_async_core::with_async(writer.send(1)).unwrap().unwrap();
    /// assert!(outcome.reader_dropped);
    /// assert_eq!(outcome.written, 0);
    /// ```
    pub fn send(&mut self, value: T) -> StreamWrite<'_, T> {
        StreamWrite::new(self, Source::One(Some(value)))
    }

    /// Writes every element of `values`, `chunk` at a time; finishes once
    /// the reader took them all, or the reader was dropped (then `written`
    /// says how many it took).
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_stream, ComponentTable, ComponentValue};
    ///
    /// let table = ComponentTable::new();
    /// let (writer, stream) = host_stream::<u32>();
    /// let mut writer = writer.with_chunk(2);
    /// let r = stream.lower_into(&table).unwrap();
    /// let outcome = wrt_async_core::with_async(async {
    ///     let mut write = core::pin::pin!(writer.write_all(&[1, 2, 3]));
    ///     // The component reads one element at a time while the write waits.
    ///     let mut seen = Vec::new();
    ///     core::future::poll_fn(|cx| {
    ///         if let core::task::Poll::Ready(out) = write.as_mut().poll(cx) {
    ///             return core::task::Poll::Ready(out);
    ///         }
    ///         if let Ok(wrt_async_core::component_model::CopyStatus::Done(done)) = table.stream_read(r, 1) {
    ///             seen.extend(done.values);
    ///         }
    ///         cx.waker().wake_by_ref();
    ///         core::task::Poll::Pending
    ///     })
    ///     .await
    ///     .map(|outcome| (outcome.written, seen))
    /// });
    /// let (written, seen) = outcome.unwrap().unwrap();
    /// assert_eq!(written, 3);
    /// assert_eq!(seen, [ComponentValue::U32(1), ComponentValue::U32(2), ComponentValue::U32(3)]);
    /// ```
    pub fn write_all<'a>(&'a mut self, values: &'a [T]) -> StreamWrite<'a, T>
    where
        T: Clone,
    {
        StreamWrite::new(self, Source::Slice(values, T::clone))
    }

    /// Ends the stream: drops the writable end (the reader sees `DROPPED`).
    ///
    /// ```
    /// use wrt_async_core::component_model::host_stream;
    ///
    /// let (writer, stream) = host_stream::<u32>();
    /// writer.close();
    /// let mut bridge = stream.bridge();
    /// assert_eq!(wrt_async_core::with_async(bridge.next()).unwrap(), None);
    /// ```
    pub fn close(self) {
        drop(self);
    }
}

impl<T: ComponentType> fmt::Debug for ComponentStreamWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentStreamWriter")
            .field("value_type", &T::VALUE_TYPE)
            .field("chunk", &self.chunk)
            .finish_non_exhaustive()
    }
}

/// What a [`StreamWrite`] achieved.
///
/// ```
/// use wrt_async_core::component_model::StreamWriteOutcome;
///
/// let outcome = StreamWriteOutcome { written: 3, reader_dropped: false };
/// assert_eq!(outcome.written, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct StreamWriteOutcome {
    /// Elements the reader consumed.
    pub written: usize,
    /// The readable end was dropped before everything was consumed.
    pub reader_dropped: bool,
}

/// Where a write's elements come from.
enum Source<'a, T> {
    One(Option<T>),
    Slice(&'a [T], fn(&T) -> T),
}

/// Future of [`ComponentStreamWriter::send`] and
/// [`ComponentStreamWriter::write_all`].
///
/// Dropping it before it finished cancels the write in progress: elements
/// the reader already took stay taken, the rest are not written.
///
/// ```
/// use wrt_async_core::component_model::host_stream;
///
/// let (mut writer, stream) = host_stream::<u32>();
/// drop(writer.write_all(&[1, 2, 3])); // cancelled before anything was written
/// drop(writer);
/// let mut bridge = stream.bridge();
/// assert_eq!(wrt_async_core::with_async(bridge.next()).unwrap(), None);
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct StreamWrite<'a, T> {
    end: &'a HostEnd,
    chunk: usize,
    source: Source<'a, T>,
    /// Elements handed back by the last write, written first next time.
    carry: VecDeque<ComponentValue>,
    in_flight: bool,
    outcome: StreamWriteOutcome,
    finished: bool,
}

impl<'a, T: ComponentType> StreamWrite<'a, T> {
    fn new(writer: &'a mut ComponentStreamWriter<T>, source: Source<'a, T>) -> Self {
        Self {
            end: &writer.end,
            chunk: writer.chunk,
            source,
            carry: VecDeque::new(),
            in_flight: false,
            outcome: StreamWriteOutcome::default(),
            finished: false,
        }
    }

    /// The next write's elements: the carried-over ones, topped up to
    /// `chunk` from the source.
    fn next_batch(&mut self) -> VecDeque<ComponentValue> {
        let mut batch = core::mem::take(&mut self.carry);
        while batch.len() < self.chunk {
            let next = match &mut self.source {
                Source::One(value) => value.take(),
                Source::Slice(values, clone) => values.split_first().map(|(first, rest)| {
                    *values = rest;
                    clone(first)
                }),
            };
            match next {
                Some(value) => batch.push_back(value.into_value()),
                None => break,
            }
        }
        batch
    }

    /// Takes a finished write into account; `Some` when the whole write is
    /// over.
    fn absorb(&mut self, done: Done) -> Option<StreamWriteOutcome> {
        self.in_flight = false;
        self.outcome.written += done.progress as usize;
        self.carry = done.values;
        if done.result == CopyResult::Dropped {
            self.outcome.reader_dropped = true;
            self.finished = true;
            return Some(self.outcome);
        }
        None
    }
}

// No field is structurally pinned.
impl<T> Unpin for StreamWrite<'_, T> {}

impl<T: ComponentType> Future for StreamWrite<'_, T> {
    type Output = Result<StreamWriteOutcome, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Pending;
        }
        loop {
            if !this.in_flight {
                let batch = this.next_batch();
                if batch.is_empty() {
                    this.finished = true;
                    return Poll::Ready(Ok(this.outcome));
                }
                match this.end.start(|ty| Buffer::write(batch, ty)) {
                    Ok(Some(done)) => {
                        if let Some(outcome) = this.absorb(done) {
                            return Poll::Ready(Ok(outcome));
                        }
                        continue;
                    }
                    Ok(None) => this.in_flight = true,
                    Err(e) => {
                        this.finished = true;
                        return Poll::Ready(Err(e));
                    }
                }
            }
            match this.end.poll_done(cx) {
                Poll::Ready(Ok(done)) => {
                    if let Some(outcome) = this.absorb(done) {
                        return Poll::Ready(Ok(outcome));
                    }
                }
                Poll::Ready(Err(e)) => {
                    this.finished = true;
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T> Drop for StreamWrite<'_, T> {
    fn drop(&mut self) {
        if self.in_flight {
            // Takes the unwritten elements back; the end is idle again.
            let _cancelled = self.end.cancel();
        }
    }
}

impl<T> fmt::Debug for StreamWrite<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWrite")
            .field("outcome", &self.outcome)
            .field("in_flight", &self.in_flight)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
