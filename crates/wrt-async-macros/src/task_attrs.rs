//! Which of a task's attributes go on the public spawn function and which on
//! the hidden `async fn` holding the body.
//!
//! * docs and attributes about calling the function (`deprecated`,
//!   `must_use`, `inline`, `cold`, `track_caller`, `doc`) → the spawn fn;
//! * `cfg`/`cfg_attr` and lint levels → both, so both exist together and a
//!   lint is silenced wherever it fires; `#[expect(..)]` becomes
//!   `#[allow(..)]` because the lint fires in only one of the two functions
//!   and the other copy would report an unfulfilled expectation;
//! * everything else (`#[tracing::instrument]` and other attribute macros,
//!   tool attributes) → the `async fn`, which is the function the user wrote.

use proc_macro2::Span;
use syn::{Attribute, Ident, Meta};

/// A task's attributes, split.
#[derive(Default)]
pub struct SplitAttrs {
    /// For the public spawn function.
    pub outer: Vec<Attribute>,
    /// For the hidden `async fn`.
    pub inner: Vec<Attribute>,
}

/// Splits `attrs` as described in the module docs.
pub fn split(attrs: &[Attribute]) -> SplitAttrs {
    let mut split = SplitAttrs::default();
    for attr in attrs {
        match Placement::of(attr) {
            Placement::Outer => split.outer.push(attr.clone()),
            Placement::Inner => split.inner.push(attr.clone()),
            Placement::Both => {
                let attr = expect_to_allow(attr);
                split.outer.push(attr.clone());
                split.inner.push(attr);
            }
        }
    }
    split
}

/// `#[cfg]`/`#[cfg_attr]` attributes only: what must also guard a call
/// argument.
pub fn cfgs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|attr| matches!(name(attr).as_deref(), Some("cfg" | "cfg_attr")))
        .cloned()
        .collect()
}

enum Placement {
    Outer,
    Inner,
    Both,
}

impl Placement {
    fn of(attr: &Attribute) -> Self {
        match name(attr).as_deref() {
            Some("doc" | "deprecated" | "must_use" | "inline" | "cold" | "track_caller") => {
                Self::Outer
            }
            Some("cfg" | "cfg_attr" | "allow" | "warn" | "deny" | "forbid" | "expect") => {
                Self::Both
            }
            _ => Self::Inner,
        }
    }
}

/// The attribute's name if its path is a single identifier.
fn name(attr: &Attribute) -> Option<String> {
    attr.path().get_ident().map(ToString::to_string)
}

/// `#[expect(lint)]` → `#[allow(lint)]`; anything else unchanged.
fn expect_to_allow(attr: &Attribute) -> Attribute {
    let mut attr = attr.clone();
    if let Meta::List(list) = &mut attr.meta {
        if list.path.is_ident("expect") {
            let span = list
                .path
                .get_ident()
                .map_or_else(Span::call_site, Ident::span);
            list.path = Ident::new("allow", span).into();
        }
    }
    attr
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::parse_quote;

    use super::*;

    fn names(attrs: &[Attribute]) -> Vec<String> {
        attrs.iter().map(|a| quote!(#a).to_string()).collect()
    }

    #[test]
    fn splits_by_purpose() {
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[doc = " Blinks."]),
            parse_quote!(#[cfg(feature = "led")]),
            parse_quote!(#[expect(unused_variables)]),
            parse_quote!(#[tracing::instrument]),
            parse_quote!(#[deprecated]),
        ];
        let split = split(&attrs);
        assert_eq!(
            names(&split.outer),
            [
                "# [doc = \" Blinks.\"]",
                "# [cfg (feature = \"led\")]",
                "# [allow (unused_variables)]",
                "# [deprecated]"
            ]
        );
        assert_eq!(
            names(&split.inner),
            [
                "# [cfg (feature = \"led\")]",
                "# [allow (unused_variables)]",
                "# [tracing :: instrument]"
            ]
        );
    }

    #[test]
    fn keeps_only_cfgs_for_arguments() {
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[cfg(x)]),
            parse_quote!(#[allow(unused)]),
            parse_quote!(#[cfg_attr(y, allow(unused))]),
        ];
        assert_eq!(cfgs(&attrs).len(), 2);
    }
}
