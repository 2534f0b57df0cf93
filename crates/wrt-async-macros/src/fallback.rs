//! What `#[wrt::main]` and `#[wrt::test]` emit next to their errors: a
//! stand-in keeping the function's name, attributes and visibility (so
//! `main` still exists and nothing else breaks), with the user's function
//! nested inside it so its body is still type-checked (rust-analyzer keeps
//! completing in it).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ReturnType;

use crate::item_fn::FnItem;

/// The stand-in for `func`: `fn name() -> R { nested user fn; unreachable }`.
/// `keep_output` keeps the declared return type `R`; pass `false` when the
/// return type itself is what was reported.
pub fn stand_in(func: &FnItem, keep_output: bool) -> TokenStream {
    let attrs = &func.attrs;
    let vis = &func.vis;
    let ident = &func.sig.ident;
    // A return type naming the (rejected) generic parameters would not
    // resolve outside the nested fn.
    let output = if keep_output && func.sig.generics.params.is_empty() {
        func.sig.output.clone()
    } else {
        ReturnType::Default
    };
    let nested = nested_fn(func);
    quote! {
        #(#attrs)*
        #vis fn #ident() #output {
            #nested
            ::core::unreachable!("the attribute macro on this function was used incorrectly; see the errors above")
        }
    }
}

/// The user's fn as a nested item named `__wrt_body`; nothing for a `self`
/// receiver (an error of its own outside an `impl`).
fn nested_fn(func: &FnItem) -> TokenStream {
    if func.sig.receiver().is_some() {
        return TokenStream::new();
    }
    let mut sig = func.sig.clone();
    sig.ident = format_ident!("__wrt_body");
    // Reported already; each would be a second error next to `async`.
    sig.constness = None;
    sig.abi = None;
    sig.variadic = None;
    let body = &func.body;
    // Never called (the stand-in only exists next to errors): warnings about
    // that would only add noise.
    quote! {
        #[allow(dead_code, unused_variables)]
        #sig #body
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn keeps_name_and_nests_the_body() {
        let func = FnItem::parse(
            quote!(
                #[ignore]
                pub fn check(x: u8) -> Result<(), E> {
                    body()
                }
            ),
            "wrt::test",
            "an `async fn`",
        )
        .expect("parses");
        let out = stand_in(&func, true).to_string();
        assert!(
            out.starts_with("# [ignore] pub fn check () -> Result < () , E >"),
            "{out}"
        );
        assert!(
            out.contains("fn __wrt_body (x : u8) -> Result < () , E > { body () }"),
            "{out}"
        );
    }
}
