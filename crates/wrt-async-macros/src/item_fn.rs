//! A function item whose body is kept as raw tokens.
//!
//! Like `syn::ItemFn`, except the body is not parsed: a syntax error inside
//! the body then shows up as rustc's own error at the right place instead of
//! failing the whole macro (which would break IDE completion in the body),
//! and deep expressions in the body cost no parsing.

use proc_macro2::{Group, TokenStream};
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Signature, Visibility};

/// `#[attrs] vis sig { body }`.
#[derive(Clone)]
pub struct FnItem {
    /// Outer attributes, in order.
    pub attrs: Vec<Attribute>,
    /// Visibility.
    pub vis: Visibility,
    /// The signature, fully parsed.
    pub sig: Signature,
    /// The `{ .. }` body group, untouched.
    pub body: Group,
}

impl FnItem {
    /// Parses `item` as a function; on failure the error says what
    /// `macro_name` must be applied to.
    pub fn parse(item: TokenStream, macro_name: &str, expected: &str) -> syn::Result<Self> {
        let parser = |input: ParseStream<'_>| parse_fn(input, macro_name, expected);
        parser.parse2(item)
    }
}

impl ToTokens for FnItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}

fn parse_fn(input: ParseStream<'_>, macro_name: &str, expected: &str) -> syn::Result<FnItem> {
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    let start = input.span();
    let sig: Signature = input.parse().map_err(|error| {
        let mut wrong_item = syn::Error::new(
            start,
            format!("`#[{macro_name}]` can only be applied to {expected}"),
        );
        // Keep syn's detail when the item does look like a fn.
        if looks_like_fn(input) {
            wrong_item.combine(error);
        }
        wrong_item
    })?;
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!(
            "expected the function body `{{ .. }}`: `#[{macro_name}]` needs a function with a body"
        )));
    }
    let body: Group = input.parse()?;
    if !input.is_empty() {
        return Err(input.error("unexpected tokens after the function body"));
    }
    Ok(FnItem {
        attrs,
        vis,
        sig,
        body,
    })
}

/// `true` if the next tokens start a function signature (qualifiers then
/// `fn`), so a signature error is worth showing as is.
fn looks_like_fn(input: ParseStream<'_>) -> bool {
    let fork = input.fork();
    let _ = fork.parse::<Option<syn::Token![const]>>();
    let _ = fork.parse::<Option<syn::Token![async]>>();
    let _ = fork.parse::<Option<syn::Token![unsafe]>>();
    let _ = fork.parse::<Option<syn::Abi>>();
    fork.peek(syn::Token![fn])
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn keeps_a_body_with_syntax_errors() {
        let item = FnItem::parse(
            quote!(async fn f() { let = ; }),
            "wrt::task",
            "an `async fn`",
        )
        .expect("the body is not parsed");
        assert_eq!(item.sig.ident, "f");
    }

    #[test]
    fn says_what_the_macro_needs() {
        let error = FnItem::parse(
            quote!(
                struct S;
            ),
            "wrt::task",
            "an `async fn`",
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            error.contains("`#[wrt::task]` can only be applied to an `async fn`"),
            "{error}"
        );
        let error = FnItem::parse(
            quote!(
                fn f();
            ),
            "wrt::task",
            "an `async fn`",
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(error.contains("expected the function body"), "{error}");
    }
}
