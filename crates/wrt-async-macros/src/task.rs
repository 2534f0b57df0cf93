//! `#[wrt::task(pool = N)]`: an `async fn` becomes a spawn function backed by
//! a static pool of `N` task slots, sized at compile time on stable Rust.
//!
//! ```text
//! #[wrt::task(pool = 2)]
//! pub async fn blink(led: u8) { .. }
//! ```
//! becomes
//! ```text
//! #[doc(hidden)]
//! async fn __wrt_task_blink(led: u8) { .. }            // the user's fn, renamed
//!
//! pub fn blink(led: u8) -> CRATE::SpawnToken<()> {
//!     const __WRT_POOL_SIZE: usize = { let size: usize = 2; assert!(size > 0, ".."); size };
//!     const __WRT_SIZE: usize = CRATE::__private::pool_size::<_, (u8,), _, __WRT_POOL_SIZE>(__wrt_task_blink);
//!     const __WRT_ALIGN: usize = CRATE::__private::pool_align::<_, (u8,), _, __WRT_POOL_SIZE>(__wrt_task_blink);
//!     static __WRT_POOL: CRATE::__private::TaskPoolStorage<__WRT_SIZE, __WRT_ALIGN> =
//!         unsafe { transmute(CRATE::__private::pool_new::<_, (u8,), _, __WRT_POOL_SIZE>(__wrt_task_blink)) };
//!     let pool = unsafe { CRATE::__private::pool_ref::<..>(&__WRT_POOL, __wrt_task_blink) };
//!     pool.claim(move || __wrt_task_blink(led))
//! }
//! ```
//! The hidden fn lives next to the spawn fn, not inside it, so the pool's
//! items are not in scope of the user's body, and the body can spawn its own
//! task again through `blink(..)`: the spawn fn's return type is spelled out,
//! so the future's layout does not depend on the pool.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, ReturnType, Signature, Type, Visibility};

use crate::crate_path::core_path;
use crate::diag::Errors;
use crate::fn_macro::{self, FnMacro};
use crate::item_fn::FnItem;
use crate::options::{self, OptionSpec, ValueKind};
use crate::signature::{self, Subject};
use crate::task_args::{self, TaskArg};
use crate::task_attrs;

const MACRO: &str = "wrt::task";

const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "pool",
        kind: ValueKind::Expr,
        example: "pool = 4",
    },
    options::CRATE,
];

const SUBJECT: Subject = Subject {
    what: "task functions",
    sync_hint: "",
};

/// Expands `#[wrt::task(attr)] item`. Never panics; on error returns
/// `compile_error!`s plus a stand-in with the same signature.
pub fn expand_task(attr: TokenStream, item: TokenStream) -> TokenStream {
    let FnMacro {
        mut errors,
        options,
        func,
    } = match fn_macro::parse(MACRO, OPTIONS, "an `async fn`", attr, item) {
        Ok(parsed) => parsed,
        Err(output) => return output,
    };
    let krate = core_path(options.path("crate"));

    check_signature(&func.sig, &mut errors);
    let args = task_args::lower_args(&func.sig, &mut errors);
    check_argument_count(&func.sig, &mut errors);
    let pool = pool_size(options.expr("pool"), &mut errors);

    let task = Task {
        func: &func,
        krate: &krate,
        args: &args,
        inner: inner_ident(&func.sig.ident),
    };
    if errors.is_empty() {
        task.expand(&pool)
    } else {
        let mut tokens = task.stand_in();
        tokens.extend(errors.to_compile_errors());
        tokens
    }
}

fn check_signature(sig: &Signature, errors: &mut Errors) {
    signature::require_async(sig, SUBJECT, errors);
    signature::reject_generics(
        sig,
        SUBJECT,
        " (each task has one static pool, sized for one concrete future type)",
        errors,
    );
    if let Some(unsafety) = &sig.unsafety {
        errors.at(
            unsafety.span,
            "task functions cannot be `unsafe fn`: the task runs after the spawning call \
             returned, where no caller can uphold a safety contract; remove `unsafe` and use \
             `unsafe { .. }` blocks inside",
        );
    }
    // `unsafe` is reported above with a task-specific reason.
    signature::reject_qualifiers(sig, SUBJECT, true, errors);
}

/// The most arguments a task may take: `__private::TaskFn` is implemented
/// for functions of up to this many arguments.
const MAX_ARGUMENTS: usize = 16;

fn check_argument_count(sig: &Signature, errors: &mut Errors) {
    let extra: Vec<&syn::FnArg> = sig.inputs.iter().skip(MAX_ARGUMENTS).collect();
    if !extra.is_empty() {
        errors.spanned(
            quote!(#(#extra),*),
            format!(
                "task functions take at most {MAX_ARGUMENTS} arguments; pass the others together \
                 in a struct or tuple"
            ),
        );
    }
}

/// The pool size expression, 1 by default. A literal 0 is reported here;
/// any other zero fails const evaluation at the expression (see `expand`).
fn pool_size(pool: Option<&Expr>, errors: &mut Errors) -> Expr {
    let Some(pool) = pool else {
        return syn::parse_quote!(1);
    };
    if let Expr::Lit(ExprLit {
        lit: Lit::Int(int), ..
    }) = pool
    {
        if int.base10_parse::<u128>().is_ok_and(|n| n == 0) {
            errors.at(
                int.span(),
                "`pool` must be at least 1: a pool without slots could never run the task",
            );
        }
    }
    pool.clone()
}

/// `__wrt_task_<name>`, valid for raw identifiers too (`r#type`).
fn inner_ident(ident: &Ident) -> Ident {
    format_ident!("__wrt_task_{}", ident.unraw(), span = ident.span())
}

struct Task<'a> {
    func: &'a FnItem,
    krate: &'a TokenStream,
    args: &'a [TaskArg],
    inner: Ident,
}

impl Task<'_> {
    /// The hidden `async fn` plus the spawn fn.
    fn expand(&self, pool: &Expr) -> TokenStream {
        let krate = self.krate;
        let inner = &self.inner;
        let attrs = task_attrs::split(&self.func.attrs);
        let outer_attrs = &attrs.outer;
        let vis = &self.func.vis;
        let ident = &self.func.sig.ident;
        let params = self.params();
        let output = self.output_type();
        let hidden = self.hidden_fn(&attrs.inner);
        let forwarded = self.args.iter().map(|arg| {
            let cfgs = &arg.cfgs;
            let ident = &arg.ident;
            quote!(#(#cfgs)* #ident)
        });

        // Spanned at the user's `N`: a non-`usize` N is a type error there,
        // and a zero N fails the assertion there.
        let pool_span = pool.span();
        let size = Ident::new("size", Span::mixed_site());
        let pool_size = quote_spanned! {pool_span=>
            const __WRT_POOL_SIZE: usize = {
                let #size: usize = #pool;
                ::core::assert!(
                    #size > 0,
                    "`#[wrt::task(pool = N)]` needs N >= 1: a pool without slots could never run the task"
                );
                #size
            };
        };
        let pool_local = Ident::new("pool", Span::mixed_site());
        // The argument tuple, spelled out when it can be: with `Args` known,
        // a task that is not `Send` is reported once per use, not twice.
        let args_ty = if self.args.iter().all(|arg| arg.cfgs.is_empty()) {
            let types = self.args.iter().map(|arg| &arg.ty);
            quote!((#(#types,)*))
        } else {
            quote!(_)
        };
        // `unsafe_code` is allowed so that `#![deny(unsafe_code)]` crates can
        // use tasks: the two `unsafe` blocks are the macro's, with their
        // contracts upheld right here (`forbid` cannot be overridden).
        quote! {
            #hidden

            #(#outer_attrs)*
            #[allow(unsafe_code)]
            #vis fn #ident(#(#params),*) -> #krate::SpawnToken<#output> {
                #pool_size
                const __WRT_SIZE: usize =
                    #krate::__private::pool_size::<_, #args_ty, _, __WRT_POOL_SIZE>(#inner);
                const __WRT_ALIGN: usize =
                    #krate::__private::pool_align::<_, #args_ty, _, __WRT_POOL_SIZE>(#inner);
                // SAFETY: `pool_new` builds an empty `TaskPool` for this very
                // function; `pool_size`/`pool_align` gave the storage its exact
                // size and alignment.
                static __WRT_POOL: #krate::__private::TaskPoolStorage<__WRT_SIZE, __WRT_ALIGN> =
                    unsafe {
                        ::core::mem::transmute(
                            #krate::__private::pool_new::<_, #args_ty, _, __WRT_POOL_SIZE>(#inner),
                        )
                    };
                // SAFETY: `__WRT_POOL` was initialised by `pool_new` with the
                // same function and size just above.
                let #pool_local = unsafe {
                    #krate::__private::pool_ref::<_, #args_ty, _, __WRT_POOL_SIZE, __WRT_SIZE, __WRT_ALIGN>(
                        &__WRT_POOL,
                        #inner,
                    )
                };
                #pool_local.claim(move || #inner(#(#forwarded),*))
            }
        }
    }

    /// On error: the user's fn, renamed and hidden (so its body is still
    /// type-checked, e.g. by rust-analyzer), plus a spawn fn with the
    /// intended signature whose body never runs, so callers keep compiling.
    fn stand_in(&self) -> TokenStream {
        let krate = self.krate;
        let attrs = task_attrs::split(&self.func.attrs);
        let outer_attrs = &attrs.outer;
        let vis = &self.func.vis;
        let sig = &self.func.sig;
        let ident = &sig.ident;
        let (impl_generics, _, where_clause) = sig.generics.split_for_impl();
        let params = self.params();
        // The body never runs, so `!` must satisfy the token's type: fine
        // for a named type, not for every `impl Trait`.
        let output = match &sig.output {
            _ if sig.asyncness.is_none() => quote!(()),
            ReturnType::Type(_, ty) if !signature::annotatable(ty) => {
                quote!(impl ::core::marker::Sized)
            }
            _ => self.output_type(),
        };
        // A `self` receiver or `...` would be an error of its own in a free
        // function; leave the body out then.
        let hidden = if sig.receiver().is_none() && sig.variadic.is_none() {
            self.hidden_fn(&attrs.inner)
        } else {
            TokenStream::new()
        };
        // The body never uses the parameters; warning about them would only
        // add noise next to the real errors.
        quote! {
            #hidden

            #(#outer_attrs)*
            #[allow(unused_variables)]
            #vis fn #ident #impl_generics (#(#params),*) -> #krate::SpawnToken<#output> #where_clause {
                ::core::unreachable!("`#[wrt::task]` was used incorrectly; see the errors above")
            }
        }
    }

    /// The user's fn under the hidden name, private, with the attributes
    /// meant for the body. `const`/ABI qualifiers are dropped (they are
    /// reported, and would be errors of their own next to `async`).
    fn hidden_fn(&self, inner_attrs: &[syn::Attribute]) -> TokenStream {
        let mut sig = self.func.sig.clone();
        sig.ident = self.inner.clone();
        sig.constness = None;
        sig.abi = None;
        let body = &self.func.body;
        let vis = Visibility::Inherited;
        // `dead_code` is allowed because an unused task is already reported
        // once, at the spawn fn the user named.
        quote! {
            #(#inner_attrs)*
            #[doc(hidden)]
            #[allow(non_snake_case, dead_code)]
            #vis #sig #body
        }
    }

    fn params(&self) -> Vec<TokenStream> {
        self.args
            .iter()
            .map(|arg| {
                let attrs = &arg.attrs;
                let ident = &arg.ident;
                let ty = &arg.ty;
                quote!(#(#attrs)* #ident: #ty)
            })
            .collect()
    }

    /// `T` in `SpawnToken<T>`: the declared output; `!` cannot be a type
    /// argument on stable, so a never-returning task's token hides it.
    fn output_type(&self) -> TokenStream {
        match &self.func.sig.output {
            ReturnType::Default => quote!(()),
            ReturnType::Type(_, ty) => match ty.as_ref() {
                Type::Never(never) => quote_spanned!(never.span()=> impl ::core::marker::Sized),
                ty => quote!(#ty),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expand(attr: TokenStream, item: TokenStream) -> String {
        expand_task(attr, item).to_string()
    }

    #[test]
    fn expands_a_task() {
        let out = expand(
            quote!(pool = 2),
            quote!(
                pub async fn blink(led: u8) {}
            ),
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("async fn __wrt_task_blink"), "{out}");
        assert!(
            out.contains("pub fn blink (led : u8) -> :: wrt_async_core :: SpawnToken < () >"),
            "{out}"
        );
        assert!(
            out.contains("claim (move || __wrt_task_blink (led))"),
            "{out}"
        );
    }

    #[test]
    fn never_returning_tasks_hide_the_output() {
        let out = expand(
            quote!(),
            quote!(
                async fn forever() -> ! {
                    loop {}
                }
            ),
        );
        assert!(
            out.contains("SpawnToken < impl :: core :: marker :: Sized >"),
            "{out}"
        );
    }

    #[test]
    fn literal_zero_pool_is_an_error() {
        let out = expand(
            quote!(pool = 0),
            quote!(
                async fn f() {}
            ),
        );
        assert!(out.contains("`pool` must be at least 1"), "{out}");
    }

    #[test]
    fn stand_in_keeps_the_signature() {
        let out = expand(
            quote!(),
            quote!(
                fn not_async(x: u8) {}
            ),
        );
        assert!(out.contains("must be `async fn`"), "{out}");
        assert!(
            out.contains("fn not_async (x : u8) -> :: wrt_async_core :: SpawnToken < () >"),
            "{out}"
        );
        assert!(out.contains("fn __wrt_task_not_async"), "{out}");
    }

    #[test]
    fn raw_identifiers_are_fine() {
        let out = expand(
            quote!(),
            quote!(
                async fn r#type() {}
            ),
        );
        assert!(out.contains("__wrt_task_type"), "{out}");
    }

    #[test]
    fn reports_several_errors_at_once() {
        let out = expand(
            quote!(pool = 1, pool = 2, size = 3),
            quote!(
                const fn f<T>(a: &u8, b: impl Send)
                where
                    T: Copy,
                {
                }
            ),
        );
        for needle in [
            "more than once",
            "unknown option `size`",
            "must be `async fn`",
            "cannot be generic",
            "`where` clause",
            "`const fn`",
            "write `&'static ..`",
            "`impl Trait`",
        ] {
            assert!(out.contains(needle), "{needle} missing in {out}");
        }
    }
}
