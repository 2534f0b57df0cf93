//! The user's body as a nested `async fn`, for `#[wrt::main]` and
//! `#[wrt::test]`.
//!
//! `async fn __wrt_body() -> R { body }` inside the generated function gives
//! the body exactly the typing of an `async fn` with the declared return
//! type: `?` converts errors into the declared error type, a wrong tail
//! expression is reported at the tail against the user's `-> R`, a
//! diverging body is not followed by generated (unreachable) code, and the
//! body's `#![..]` attributes apply to it as written. The functions have no
//! parameters or generics (both are rejected), so nothing needs capturing.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::item_fn::FnItem;

/// The nested `async fn` and an expression calling it.
pub struct NestedBody {
    /// `async fn __wrt_body() -> R { .. }`.
    pub item: TokenStream,
    /// `__wrt_body()`: the body's future.
    pub future: TokenStream,
}

/// Builds the nested `async fn` for `func`.
pub fn nested_body(func: &FnItem) -> NestedBody {
    let name = Ident::new("__wrt_body", Span::call_site());
    let output = &func.sig.output;
    let body = &func.body;
    NestedBody {
        item: quote!(async fn #name() #output #body),
        future: quote!(#name()),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn keeps_the_declared_type_and_body() {
        let func = FnItem::parse(
            quote!(
                async fn main() -> Result<(), E> {
                    #![allow(x)]
                    Ok(())
                }
            ),
            "wrt::main",
            "`async fn main()`",
        )
        .expect("parses");
        let nested = nested_body(&func);
        assert_eq!(
            nested.item.to_string(),
            "async fn __wrt_body () -> Result < () , E > { # ! [allow (x)] Ok (()) }"
        );
        assert_eq!(nested.future.to_string(), "__wrt_body ()");
    }
}
