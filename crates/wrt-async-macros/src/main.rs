//! `#[wrt::main]`: runs an `async fn main` on the current executor.
//!
//! ```text
//! #[wrt::main]
//! async fn main() -> Result<(), E> { body }
//! ```
//! becomes
//! ```text
//! fn main() -> Result<(), E> {
//!     async fn __wrt_body() -> Result<(), E> { body }
//!     CRATE::__private::block_on_main(__wrt_body())
//! }
//! ```
//! With `executor = EXPR`, `CRATE::__private::register_main(EXPR);` comes
//! before the call. With `entry = path` (no_std) it becomes
//! `#[path] fn main() -> ! { async fn __wrt_body() { body } CRATE::__private::run_entry(__wrt_body()) }`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::body::{NestedBody, nested_body};
use crate::crate_path::core_path;
use crate::diag::Errors;
use crate::fallback;
use crate::fn_macro::{self, FnMacro};
use crate::item_fn::FnItem;
use crate::options::{self, OptionSpec, Options, ValueKind};
use crate::signature::{self, Subject};

const MACRO: &str = "wrt::main";

const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "executor",
        kind: ValueKind::Expr,
        example: "executor = MyExecutor::new()",
    },
    OptionSpec {
        name: "entry",
        kind: ValueKind::Path,
        example: "entry = cortex_m_rt::entry",
    },
    options::CRATE,
];

const SUBJECT: Subject = Subject {
    what: "`#[wrt::main]` functions",
    sync_hint: "",
};

/// Expands `#[wrt::main(attr)] item`. Never panics; on error returns
/// `compile_error!`s plus a stand-in `fn` of the same name.
pub fn expand_main(attr: TokenStream, item: TokenStream) -> TokenStream {
    let FnMacro {
        mut errors,
        options,
        func,
    } = match fn_macro::parse(MACRO, OPTIONS, "`async fn main()`", attr, item) {
        Ok(parsed) => parsed,
        Err(output) => return output,
    };
    let output_ok = check(&func, &options, &mut errors);
    if !errors.is_empty() {
        let mut tokens = fallback::stand_in(&func, output_ok);
        tokens.extend(errors.to_compile_errors());
        return tokens;
    }
    let krate = core_path(options.path("crate"));
    match options.path("entry") {
        Some(entry) => expand_entry(&func, &krate, entry, options.expr("executor")),
        None => expand_std(&func, &krate, options.expr("executor")),
    }
}

/// Reports what is wrong with `func` and its options; returns `false` if
/// the return type is among it.
fn check(func: &FnItem, options: &Options, errors: &mut Errors) -> bool {
    let sig = &func.sig;
    signature::require_async(sig, SUBJECT, errors);
    signature::reject_params(
        sig,
        SUBJECT,
        "; read command-line arguments with `std::env::args()`",
        errors,
    );
    signature::reject_generics(sig, SUBJECT, "", errors);
    signature::reject_qualifiers(sig, SUBJECT, false, errors);
    if options.get("entry").is_none() {
        return true;
    }
    if signature::return_type(sig).is_some() {
        errors.spanned(
            &sig.output,
            "with `entry = ..`, main never returns, so it cannot return a value; remove the \
             return type (the body must end in `()`)",
        );
        return false;
    }
    true
}

fn expand_std(func: &FnItem, krate: &TokenStream, executor: Option<&syn::Expr>) -> TokenStream {
    let attrs = &func.attrs;
    let vis = &func.vis;
    let ident = &func.sig.ident;
    let output = &func.sig.output;
    let NestedBody { item, future } = nested_body(func);
    let register = executor.map(|executor| quote!(#krate::__private::register_main(#executor);));
    quote! {
        #(#attrs)*
        #vis fn #ident() #output {
            #item
            #register
            #krate::__private::block_on_main(#future)
        }
    }
}

/// `run_entry` resolves `current_executor()` after the registration, so a
/// registered executor (e.g. a static with a `wfe` idle hook) drives the body
/// and every task it spawns.
fn expand_entry(
    func: &FnItem,
    krate: &TokenStream,
    entry: &syn::Path,
    executor: Option<&syn::Expr>,
) -> TokenStream {
    let attrs = &func.attrs;
    let vis = &func.vis;
    let ident = &func.sig.ident;
    let NestedBody { item, future } = nested_body(func);
    let register = executor.map(|executor| quote!(#krate::__private::register_main(#executor);));
    quote! {
        #(#attrs)*
        #[#entry]
        #vis fn #ident() -> ! {
            #item
            #register
            #krate::__private::run_entry(#future)
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn runs_the_body_on_the_current_executor() {
        let out = expand_main(
            quote!(),
            quote!(
                async fn main() {
                    work().await;
                }
            ),
        )
        .to_string();
        assert!(out.starts_with("fn main () {"), "{out}");
        assert!(
            out.contains(":: wrt_async_core :: __private :: block_on_main (__wrt_body ())"),
            "{out}"
        );
    }

    #[test]
    fn registers_the_executor_first() {
        let out = expand_main(
            quote!(executor = Mine::new(), crate = wrt),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        assert!(
            out.contains("wrt :: __private :: register_main (Mine :: new ()) ;"),
            "{out}"
        );
    }

    #[test]
    fn entry_makes_a_diverging_main() {
        let out = expand_main(
            quote!(entry = cortex_m_rt::entry),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        assert!(
            out.starts_with("# [cortex_m_rt :: entry] fn main () -> !"),
            "{out}"
        );
        assert!(out.contains("run_entry"), "{out}");
    }

    #[test]
    fn entry_registers_the_executor_before_running() {
        let out = expand_main(
            quote!(entry = e, executor = &EXEC),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        let register = out.find("register_main (& EXEC)").expect(&out);
        let run = out.find("run_entry").expect(&out);
        assert!(register < run, "{out}");
    }

    #[test]
    fn entry_rejects_return_types() {
        let out = expand_main(
            quote!(entry = e),
            quote!(
                async fn main() -> u8 {
                    1
                }
            ),
        )
        .to_string();
        assert!(out.contains("main never returns"), "{out}");
        assert!(
            out.starts_with("fn main () {"),
            "stand-in drops the rejected type: {out}"
        );
    }
}
