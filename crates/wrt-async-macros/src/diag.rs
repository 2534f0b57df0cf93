//! Collecting spanned errors, so that one expansion reports every mistake at
//! once instead of making the user fix them one compile at a time.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Errors found while expanding one macro invocation, combined into a single
/// [`syn::Error`] (which emits one `compile_error!` per message).
#[derive(Default)]
pub struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an error that already carries its span(s).
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Adds every error of `other`.
    pub fn push_all(&mut self, other: Errors) {
        if let Some(error) = other.combined {
            self.push(error);
        }
    }

    /// Adds `message` at `span`.
    pub fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Adds `message` spanning all of `tokens` (first to last token, so the
    /// whole construct is underlined on stable Rust too).
    pub fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// `true` while nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.combined.is_none()
    }

    /// The combined error, if any.
    pub fn into_error(self) -> Option<syn::Error> {
        self.combined
    }

    /// The `compile_error!` invocations, empty when there were no errors.
    pub fn to_compile_errors(&self) -> TokenStream {
        self.combined
            .as_ref()
            .map(syn::Error::to_compile_error)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combines_messages_in_order() {
        let mut errors = Errors::new();
        assert!(errors.is_empty());
        assert!(errors.to_compile_errors().is_empty());
        errors.at(Span::call_site(), "first");
        errors.spanned(quote::quote!(a b c), "second");
        let text = errors.to_compile_errors().to_string();
        let first = text.find("first").expect("first message emitted");
        let second = text.find("second").expect("second message emitted");
        assert!(first < second);
        assert_eq!(text.matches("compile_error").count(), 2);
    }
}
