//! [`Chunk`]: up to `N` values stored inline, the no-heap tier's buffer.

use core::fmt;
use core::mem;
use core::ops::Deref;

use super::super::state::Values;
use super::super::value::ComponentValue;

/// Up to `N` [`ComponentValue`]s stored inline: what a bounded table's
/// buffers hold and what its completions hand back
/// ([`BoundedCopyDone::values`](super::BoundedCopyDone)). Read it as a
/// slice (it dereferences to `[ComponentValue]`).
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyStatusOf, ValueType};
///
/// let table = BoundedComponentTable::<4, 2, 8>::new();
/// let (r, w) = table.stream_new(ValueType::U32).unwrap();
/// table.stream_write(w, &[ComponentValue::U32(1), ComponentValue::U32(2)]).unwrap();
/// let CopyStatusOf::Done(read) = table.stream_read(r, 8).unwrap() else { unreachable!() };
/// assert_eq!(read.values.len(), 2);
/// assert_eq!(read.values[1], ComponentValue::U32(2));
/// assert_eq!(read.values, [ComponentValue::U32(1), ComponentValue::U32(2)]);
/// ```
#[derive(Clone)]
pub struct Chunk<const N: usize> {
    /// `items[start..end]` are the values; the others are `Unit` fillers.
    items: [ComponentValue; N],
    start: usize,
    end: usize,
}

impl<const N: usize> Chunk<N> {
    /// An empty chunk.
    ///
    /// ```
    /// let chunk = wrt_async_core::component_model::Chunk::<4>::new();
    /// assert!(chunk.is_empty());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            items: [const { ComponentValue::Unit }; N],
            start: 0,
            end: 0,
        }
    }

    /// The values, in order.
    ///
    /// ```
    /// let chunk = wrt_async_core::component_model::Chunk::<4>::new();
    /// assert_eq!(chunk.as_slice(), []);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[ComponentValue] {
        &self.items[self.start..self.end]
    }

    /// A chunk of the first `N` values of `values` at most.
    pub(crate) fn from_prefix(values: &[ComponentValue]) -> Self {
        let mut chunk = Self::new();
        for value in values.iter().take(N) {
            Values::push_back(&mut chunk, value.clone());
        }
        chunk
    }
}

impl<const N: usize> Values for Chunk<N> {
    const EMPTY: Self = Self::new();

    fn push_back(&mut self, value: ComponentValue) {
        // Buffers are never longer than `N` (reads and writes are clamped),
        // so there is always room; a value beyond would have no slot.
        if let Some(slot) = self.items.get_mut(self.end) {
            *slot = value;
            self.end += 1;
        }
    }

    fn pop_front(&mut self) -> Option<ComponentValue> {
        if self.start == self.end {
            return None;
        }
        let value = mem::replace(&mut self.items[self.start], ComponentValue::Unit);
        self.start += 1;
        if self.start == self.end {
            // Empty again: the whole array is free for the next values.
            (self.start, self.end) = (0, 0);
        }
        Some(value)
    }

    fn len(&self) -> usize {
        self.end - self.start
    }
}

impl<const N: usize> Default for Chunk<N> {
    /// Same as [`Chunk::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Deref for Chunk<N> {
    type Target = [ComponentValue];

    fn deref(&self) -> &[ComponentValue] {
        self.as_slice()
    }
}

impl<const N: usize> PartialEq for Chunk<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<const N: usize, const M: usize> PartialEq<[ComponentValue; M]> for Chunk<N> {
    fn eq(&self, other: &[ComponentValue; M]) -> bool {
        self.as_slice() == other
    }
}

impl<const N: usize> PartialEq<[ComponentValue]> for Chunk<N> {
    fn eq(&self, other: &[ComponentValue]) -> bool {
        self.as_slice() == other
    }
}

impl<const N: usize> fmt::Debug for Chunk<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}
