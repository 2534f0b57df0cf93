//! The values a future or stream carries: a small [`ComponentValue`] enum, its
//! [`ValueType`] tag, and typed access from Rust through [`ComponentType`].

#[cfg(feature = "alloc")]
use alloc::string::String;
#[cfg(feature = "alloc")]
use alloc::vec::Vec;
use core::fmt;

use super::error::ComponentError;

/// The element type of a `future<T>` or `stream<T>`: which
/// [`ComponentValue`] variant its values must be.
///
/// `Unit` stands for the spec's type-less `future` / `stream`, whose values
/// carry no data (only their timing means something).
///
/// ```
/// use wrt_async_core::component_model::{ComponentValue, ValueType};
///
/// assert_eq!(ComponentValue::U32(7).value_type(), ValueType::U32);
/// assert_eq!(ValueType::ListU8.to_string(), "list<u8>");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueType {
    /// No payload: `future` / `stream` without a `<T>`.
    Unit,
    /// `bool`
    Bool,
    /// `s32`
    S32,
    /// `u32`
    U32,
    /// `s64`
    S64,
    /// `u64`
    U64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `char` (a Unicode scalar value)
    Char,
    /// `string` (its values need the `alloc` feature)
    String,
    /// `list<u8>` (its values need the `alloc` feature)
    ListU8,
}

impl ValueType {
    /// Whether values of this type fit in a fixed size: every type but
    /// `string` and `list<u8>`. Only those are allowed in a
    /// [`BoundedComponentTable`](super::BoundedComponentTable).
    ///
    /// ```
    /// use wrt_async_core::component_model::ValueType;
    ///
    /// assert!(ValueType::F64.is_fixed_size());
    /// assert!(!ValueType::String.is_fixed_size());
    /// ```
    #[must_use]
    pub const fn is_fixed_size(self) -> bool {
        !matches!(self, Self::String | Self::ListU8)
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unit => "unit",
            Self::Bool => "bool",
            Self::S32 => "s32",
            Self::U32 => "u32",
            Self::S64 => "s64",
            Self::U64 => "u64",
            Self::F32 => "f32",
            Self::F64 => "f64",
            Self::Char => "char",
            Self::String => "string",
            Self::ListU8 => "list<u8>",
        })
    }
}

/// One value of a future or stream, owned by the host.
///
/// The `String` and `ListU8` variants exist only with the `alloc` feature
/// (the enum is `#[non_exhaustive]`, so code matching on it keeps compiling
/// when another crate of the build enables `alloc`).
///
/// ```
/// use wrt_async_core::component_model::{ComponentValue, ValueType};
///
/// let v = ComponentValue::String("hi".into());
/// assert_eq!(v.value_type(), ValueType::String);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ComponentValue {
    /// The single value of the type-less `future` / `stream`.
    Unit,
    /// A `bool`.
    Bool(bool),
    /// An `s32`.
    S32(i32),
    /// A `u32`.
    U32(u32),
    /// An `s64`.
    S64(i64),
    /// A `u64`.
    U64(u64),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
    /// A `char`.
    Char(char),
    /// A `string`.
    #[cfg(feature = "alloc")]
    String(String),
    /// A `list<u8>`.
    #[cfg(feature = "alloc")]
    ListU8(Vec<u8>),
}

impl ComponentValue {
    /// The type tag of this value.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentValue, ValueType};
    ///
    /// assert_eq!(ComponentValue::ListU8(vec![1, 2]).value_type(), ValueType::ListU8);
    /// ```
    #[must_use]
    pub fn value_type(&self) -> ValueType {
        match self {
            Self::Unit => ValueType::Unit,
            Self::Bool(_) => ValueType::Bool,
            Self::S32(_) => ValueType::S32,
            Self::U32(_) => ValueType::U32,
            Self::S64(_) => ValueType::S64,
            Self::U64(_) => ValueType::U64,
            Self::F32(_) => ValueType::F32,
            Self::F64(_) => ValueType::F64,
            Self::Char(_) => ValueType::Char,
            #[cfg(feature = "alloc")]
            Self::String(_) => ValueType::String,
            #[cfg(feature = "alloc")]
            Self::ListU8(_) => ValueType::ListU8,
        }
    }
}

/// A Rust type that stands for one [`ValueType`]: converts to and from
/// [`ComponentValue`].
///
/// The bridges ([`ComponentFuture`](super::ComponentFuture),
/// [`ComponentStream`](super::ComponentStream), ...) check that the declared
/// element type of a handle equals `T::VALUE_TYPE` before they take it.
///
/// ```
/// use wrt_async_core::component_model::{ComponentType, ComponentValue, ValueType};
///
/// assert_eq!(<u32 as ComponentType>::VALUE_TYPE, ValueType::U32);
/// assert_eq!(7u32.into_value(), ComponentValue::U32(7));
/// assert_eq!(u32::from_value(ComponentValue::U32(7)), Ok(7));
/// assert!(u32::from_value(ComponentValue::Bool(true)).is_err());
/// ```
pub trait ComponentType: Sized {
    /// The element type this Rust type maps to.
    const VALUE_TYPE: ValueType;

    /// Wraps `self` into a [`ComponentValue`] of type [`Self::VALUE_TYPE`].
    fn into_value(self) -> ComponentValue;

    /// Unwraps a value of type [`Self::VALUE_TYPE`].
    ///
    /// # Errors
    /// [`ComponentError::TypeMismatch`] if `value` is of another type.
    fn from_value(value: ComponentValue) -> Result<Self, ComponentError>;
}

/// Implements [`ComponentType`] for a Rust type and its variant.
macro_rules! component_type {
    ($($rust:ty => $variant:ident),* $(,)?) => {$(
        impl ComponentType for $rust {
            const VALUE_TYPE: ValueType = ValueType::$variant;

            fn into_value(self) -> ComponentValue {
                ComponentValue::$variant(self)
            }

            fn from_value(value: ComponentValue) -> Result<Self, ComponentError> {
                match value {
                    ComponentValue::$variant(v) => Ok(v),
                    other => Err(ComponentError::TypeMismatch {
                        expected: ValueType::$variant,
                        found: other.value_type(),
                    }),
                }
            }
        }
    )*};
}

component_type! {
    bool => Bool,
    i32 => S32,
    u32 => U32,
    i64 => S64,
    u64 => U64,
    f32 => F32,
    f64 => F64,
    char => Char,
}

#[cfg(feature = "alloc")]
component_type! {
    String => String,
    Vec<u8> => ListU8,
}

impl ComponentType for () {
    const VALUE_TYPE: ValueType = ValueType::Unit;

    fn into_value(self) -> ComponentValue {
        ComponentValue::Unit
    }

    fn from_value(value: ComponentValue) -> Result<Self, ComponentError> {
        match value {
            ComponentValue::Unit => Ok(()),
            other => Err(ComponentError::TypeMismatch {
                expected: ValueType::Unit,
                found: other.value_type(),
            }),
        }
    }
}
