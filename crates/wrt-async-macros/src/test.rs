//! `#[wrt::test]`: an `async fn` test on a fresh executor of its own.
//!
//! ```text
//! #[wrt::test]
//! async fn adds() -> Result<(), E> { body }
//! ```
//! becomes
//! ```text
//! #[::core::prelude::v1::test]
//! fn adds() -> Result<(), E> {
//!     async fn __wrt_body() -> Result<(), E> { body }
//!     let executor: &'static CRATE::FallbackExecutor = {
//!         static EXECUTOR: CRATE::FallbackExecutor = CRATE::FallbackExecutor::new();
//!         &EXECUTOR
//!     };
//!     match executor.block_on(__wrt_body()) { Ok(out) => out, Err(e) => panic!(..) }
//! }
//! ```
//! The executor driving a thread is the current one there, so tasks the
//! body spawns (through `current_executor()` or a `#[wrt::task]`) land on
//! the test's own executor. A panic in the body propagates unchanged, so
//! `#[should_panic(expected = "..")]` works.
//!
//! With `executor = EXPR`, nothing is registered globally: the test leaks
//! `EXPR` into a `&'static dyn WrtExecutor` and runs the body on it with
//! `CRATE::__private::block_on_test`, which makes it current meanwhile.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Ident};

use crate::body::{NestedBody, nested_body};
use crate::crate_path::core_path;
use crate::diag::Errors;
use crate::fallback;
use crate::fn_macro::{self, FnMacro};
use crate::item_fn::FnItem;
use crate::options::{self, OptionSpec, ValueKind};
use crate::signature::{self, Subject};

const MACRO: &str = "wrt::test";

const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "executor",
        kind: ValueKind::Expr,
        example: "executor = MyExecutor::new()",
    },
    options::CRATE,
];

const SUBJECT: Subject = Subject {
    what: "`#[wrt::test]` functions",
    sync_hint: " (or use `#[test]` for a synchronous test)",
};

/// Expands `#[wrt::test(attr)] item`. Never panics; on error returns
/// `compile_error!`s plus a stand-in `fn` of the same name.
pub fn expand_test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let FnMacro {
        mut errors,
        options,
        func,
    } = match fn_macro::parse(MACRO, OPTIONS, "an `async fn`", attr, item) {
        Ok(parsed) => parsed,
        Err(output) => return output,
    };
    check(&func, &mut errors);
    if !errors.is_empty() {
        let mut tokens = fallback::stand_in(&func, true);
        tokens.extend(errors.to_compile_errors());
        return tokens;
    }
    let krate = core_path(options.path("crate"));
    expand(&func, &krate, options.expr("executor"))
}

fn check(func: &FnItem, errors: &mut Errors) {
    let sig = &func.sig;
    signature::require_async(sig, SUBJECT, errors);
    signature::reject_params(
        sig,
        SUBJECT,
        ": the test harness calls them without any; build the inputs in the body",
        errors,
    );
    signature::reject_generics(sig, SUBJECT, "", errors);
    signature::reject_qualifiers(sig, SUBJECT, false, errors);
    for attr in &func.attrs {
        if is_test_attr(attr) {
            let path = attr.path();
            errors.spanned(
                attr,
                format!(
                    "`#[wrt::test]` already makes this function a test; remove `#[{}]`",
                    quote!(#path).to_string().replace(' ', "")
                ),
            );
        }
    }
}

/// `#[test]`, `#[core::prelude::v1::test]`, `#[tokio::test]`, ...: another
/// attribute that would make the function a test a second time.
fn is_test_attr(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "test")
}

fn expand(func: &FnItem, krate: &TokenStream, executor: Option<&syn::Expr>) -> TokenStream {
    let attrs = &func.attrs;
    let vis = &func.vis;
    let ident = &func.sig.ident;
    let output = &func.sig.output;
    let NestedBody { item, future } = nested_body(func);
    let executor_local = Ident::new("__wrt_executor", Span::mixed_site());
    let run = match executor {
        Some(executor) => quote! {
            let #executor_local: &'static dyn #krate::WrtExecutor =
                #krate::__private::leak_executor(#executor);
            #krate::__private::block_on_test(#executor_local, #future)
        },
        None => {
            let output_value = Ident::new("output", Span::mixed_site());
            let error = Ident::new("error", Span::mixed_site());
            quote! {
                let #executor_local: &'static #krate::FallbackExecutor = {
                    static EXECUTOR: #krate::FallbackExecutor = #krate::FallbackExecutor::new();
                    &EXECUTOR
                };
                match #executor_local.block_on(#future) {
                    ::core::result::Result::Ok(#output_value) => #output_value,
                    ::core::result::Result::Err(#error) => ::core::panic!(
                        "#[wrt::test]: the executor could not run the test: {}",
                        #error
                    ),
                }
            }
        }
    };
    quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #ident() #output {
            #item
            #run
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn runs_on_a_fresh_fallback_executor() {
        let out = expand_test(
            quote!(),
            quote!(
                #[ignore]
                async fn t() {}
            ),
        )
        .to_string();
        assert!(
            out.starts_with("# [:: core :: prelude :: v1 :: test] # [ignore] fn t ()"),
            "{out}"
        );
        assert!(
            out.contains("static EXECUTOR : :: wrt_async_core :: FallbackExecutor"),
            "{out}"
        );
    }

    #[test]
    fn custom_executor_is_leaked_not_registered() {
        let out = expand_test(
            quote!(executor = Mine),
            quote!(
                async fn t() {}
            ),
        )
        .to_string();
        assert!(out.contains("leak_executor (Mine)"), "{out}");
        assert!(out.contains("block_on_test"), "{out}");
        assert!(!out.contains("register"), "{out}");
    }

    #[test]
    fn rejects_a_second_test_attribute_and_arguments() {
        let out = expand_test(
            quote!(),
            quote!(
                #[test]
                async fn t(x: u8) {}
            ),
        )
        .to_string();
        assert!(out.contains("remove `#[test]`"), "{out}");
        assert!(out.contains("cannot take arguments"), "{out}");
    }
}
