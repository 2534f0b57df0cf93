//! `#[wrt::executor]`: a complete `WrtExecutor` impl from the few methods a
//! backend really has.
//!
//! ```text
//! #[wrt::executor]                     // or (state = my_field, crate = wrt)
//! impl TokioExecutor {
//!     fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> { .. }
//!     fn block_on<F: Future>(&self, future: F) -> F::Output { .. }
//! }
//! ```
//! re-emits the block unchanged and adds
//! ```text
//! impl TokioExecutor {
//!     pub fn register(&'static self) -> Result<&'static Self, ExecutorError> { .. }
//!     fn __wrt_state(&self) -> &ExecutorState { &self.state }
//! }
//! impl CRATE::WrtExecutor for TokioExecutor {
//!     fn spawn(&'static self, future: BoxedFuture<'static, ()>) -> Result<TaskHandle, ExecutorError> {
//!         self.__wrt_state().check_running()?;          // NotRunning after shutdown
//!         let id = self.__wrt_state().next_id();        // unique ids
//!         Self::spawn(self, future)?;                   // the user's method
//!         Ok(TaskHandle { id, waker: None })
//!     }
//!     fn block_on_dyn(&'static self, future: Pin<&mut dyn Future<Output = ()>>) -> Result<(), ExecutorError> {
//!         self.__wrt_state().check_running()?;
//!         let _current = CRATE::__private::enter(self);  // tasks spawned inside land here
//!         Self::block_on(self, future);
//!         Ok(())
//!     }
//!     fn is_running(&self) -> bool { self.__wrt_state().is_running() }
//!     fn shutdown(&self) -> Result<(), ExecutorError> {
//!         if self.__wrt_state().stop() { /* the user's shutdown, if any */ }
//!         Ok(())
//!     }
//! }
//! ```
//! `spawn_task`, `poll_once` and `stats` are forwarded the same way when the
//! user wrote them; otherwise the trait's defaults apply.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Member};

use crate::crate_path::core_path;
use crate::diag::Errors;
use crate::executor_methods::{self, Recognized, Returns, Role, UserMethod};
use crate::impl_block::{self, ImplBlock};
use crate::limits;
use crate::options::{self, OptionSpec, ValueKind};

const MACRO: &str = "wrt::executor";

const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "state",
        kind: ValueKind::Field,
        example: "state = exec_state",
    },
    options::CRATE,
];

/// Expands `#[wrt::executor(attr)] item`. Never panics; the impl block is
/// always re-emitted, with `compile_error!`s instead of the generated impls
/// when something is wrong.
pub fn expand_executor(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::new();
    let mut tokens = item.clone();
    if !limits::check(&attr, "these options", MACRO, &mut errors) {
        tokens.extend(errors.to_compile_errors());
        return tokens;
    }
    let options = options::parse_options(MACRO, attr, OPTIONS, &mut errors);
    let block = match impl_block::parse(&item, &mut errors) {
        Ok(block) => block,
        Err(error) => {
            errors.push(error);
            tokens.extend(errors.to_compile_errors());
            return tokens;
        }
    };
    let recognized = executor_methods::recognize(&block.methods, &mut errors);
    if !recognized.has(Role::Spawn) && !recognized.has(Role::SpawnTask) && errors.is_empty() {
        errors.spanned(
            &block.self_ty,
            format!(
                "`#[{MACRO}]` needs a `spawn` or a `spawn_task` method to run tasks with; add \
                 `{}` (heap) or `{}` (no heap)",
                Role::Spawn.expected(),
                Role::SpawnTask.expected()
            ),
        );
    }
    if !errors.is_empty() {
        tokens.extend(errors.to_compile_errors());
        return tokens;
    }
    let state = options
        .field("state")
        .cloned()
        .unwrap_or_else(|| Member::Named(Ident::new("state", block.self_ty.span())));
    let generator = Generator {
        krate: core_path(options.path("crate")),
        block: &block,
        state,
    };
    tokens.extend(generator.helpers(&recognized));
    tokens.extend(generator.trait_impl(&recognized));
    tokens
}

struct Generator<'a> {
    krate: TokenStream,
    block: &'a ImplBlock,
    state: Member,
}

/// Identifiers of generated locals: hygienic, so user code cannot clash.
fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// A local located at `span` (where a type error about it is reported)
/// but still hygienic.
fn local_at(name: &str, span: Span) -> Ident {
    Ident::new(name, span.resolved_at(Span::mixed_site()))
}

impl Generator<'_> {
    /// `register` (unless the user wrote one) and the state accessor.
    fn helpers(&self, recognized: &Recognized) -> TokenStream {
        let krate = &self.krate;
        let self_ty = &self.block.self_ty;
        let (impl_generics, _, where_clause) = self.block.generics.split_for_impl();
        // Spanned at the field name: a missing field or one of another
        // type is reported there.
        let field = {
            let state = &self.state;
            let span = self.state.span().resolved_at(Span::call_site());
            quote_spanned!(span=> &self.#state)
        };
        let register = (!recognized.has_register).then(|| {
            quote! {
                /// Registers this executor as the global one, which
                /// `current_executor()` returns on threads no executor
                /// drives; returns `self` for chaining. Put the executor in a
                /// `static`, or leak it: `Box::leak(Box::new(exec)).register()`.
                ///
                /// # Errors
                /// `ExecutorError::AlreadyRegistered` if an executor was
                /// registered before (the first registration wins).
                // Generated for every executor; not every program registers.
                #[allow(dead_code)]
                pub fn register(
                    &'static self,
                ) -> ::core::result::Result<&'static Self, #krate::ExecutorError> {
                    #krate::register_executor_static(self)?;
                    ::core::result::Result::Ok(self)
                }
            }
        });
        quote! {
            impl #impl_generics #self_ty #where_clause {
                #register

                /// The `ExecutorState` field named by `#[wrt::executor(state = ..)]`.
                #[doc(hidden)]
                #[inline]
                fn __wrt_state(&self) -> &#krate::ExecutorState {
                    #field
                }
            }
        }
    }

    fn trait_impl(&self, recognized: &Recognized) -> TokenStream {
        let krate = &self.krate;
        let self_ty = &self.block.self_ty;
        let (impl_generics, _, where_clause) = self.block.generics.split_for_impl();
        let spawn = recognized
            .with(Role::Spawn)
            .map(|m| self.spawn(m, Role::Spawn));
        let spawn_task = recognized
            .with(Role::SpawnTask)
            .map(|m| self.spawn(m, Role::SpawnTask));
        let block_on = recognized.with(Role::BlockOn).map(|m| self.block_on(m));
        let poll_once = recognized.with(Role::PollOnce).map(|m| self.poll_once(m));
        let stats = recognized.with(Role::Stats).map(|m| self.stats(m));
        let shutdown = self.shutdown(recognized);
        quote! {
            impl #impl_generics #krate::WrtExecutor for #self_ty #where_clause {
                #(#spawn)*
                #(#spawn_task)*
                #(#block_on)*
                #(#poll_once)*
                #(#stats)*

                fn is_running(&self) -> bool {
                    self.__wrt_state().is_running()
                }

                #shutdown
            }
        }
    }

    /// `spawn` or `spawn_task`: refuse after shutdown, take an id, hand
    /// over to the user's method.
    fn spawn(&self, method: &UserMethod, role: Role) -> TokenStream {
        let krate = &self.krate;
        let cfgs = &method.cfgs;
        let argument = local_at("task", method.argument_span);
        let (name, argument_ty) = match role {
            Role::SpawnTask => ("spawn_task", quote!(#krate::TaskRef)),
            _ => ("spawn", quote!(#krate::BoxedFuture<'static, ()>)),
        };
        let name = Ident::new(name, Span::call_site());
        let id = local("id");
        let call = self.call_checked(
            method,
            |span| quote_spanned!(span=> Self::#name(self, #argument)),
        );
        quote! {
            #(#cfgs)*
            fn #name(
                &'static self,
                #argument: #argument_ty,
            ) -> ::core::result::Result<#krate::TaskHandle, #krate::ExecutorError> {
                self.__wrt_state().check_running()?;
                let #id = self.__wrt_state().next_id();
                #call
                ::core::result::Result::Ok(#krate::TaskHandle {
                    id: #id,
                    waker: ::core::option::Option::None,
                })
            }
        }
    }

    /// `block_on_dyn` through the user's generic `block_on`, with the
    /// executor current on this thread meanwhile.
    fn block_on(&self, method: &UserMethod) -> TokenStream {
        let krate = &self.krate;
        let cfgs = &method.cfgs;
        let future = local_at("future", method.argument_span);
        let current = local("current");
        let call = |span| quote_spanned!(span=> Self::block_on(self, #future));
        let run = match method.returns {
            Returns::Result => self.call_checked(method, call),
            // The output of a `Future<Output = ()>`: `()`, unless the
            // user's `block_on` does not return `F::Output`.
            Returns::Unit | Returns::Value => {
                let call = call(method.return_span.resolved_at(Span::call_site()));
                let output = local("output");
                quote!(let #output: () = #call;)
            }
        };
        quote! {
            #(#cfgs)*
            fn block_on_dyn(
                &'static self,
                #future: ::core::pin::Pin<&mut (dyn ::core::future::Future<Output = ()> + '_)>,
            ) -> ::core::result::Result<(), #krate::ExecutorError> {
                self.__wrt_state().check_running()?;
                let #current = #krate::__private::enter(self);
                #run
                ::core::mem::drop(#current);
                ::core::result::Result::Ok(())
            }
        }
    }

    fn poll_once(&self, method: &UserMethod) -> TokenStream {
        let krate = &self.krate;
        let cfgs = &method.cfgs;
        let call = self.call_checked(method, |span| quote_spanned!(span=> Self::poll_once(self)));
        quote! {
            #(#cfgs)*
            fn poll_once(&'static self) -> ::core::result::Result<(), #krate::ExecutorError> {
                #call
                ::core::result::Result::Ok(())
            }
        }
    }

    fn stats(&self, method: &UserMethod) -> TokenStream {
        let krate = &self.krate;
        let cfgs = &method.cfgs;
        let call =
            quote_spanned!(method.return_span.resolved_at(Span::call_site())=> Self::stats(self));
        quote! {
            #(#cfgs)*
            fn stats(&self) -> ::core::option::Option<#krate::ExecutorStats> {
                #call
            }
        }
    }

    /// `shutdown`: flip the state once, then run the user's cleanup.
    fn shutdown(&self, recognized: &Recognized) -> TokenStream {
        let krate = &self.krate;
        let cleanups = recognized.with(Role::Shutdown).map(|method| {
            let cfgs = &method.cfgs;
            let call =
                self.call_checked(method, |span| quote_spanned!(span=> Self::shutdown(self)));
            quote! {
                #(#cfgs)*
                {
                    #call
                }
            }
        });
        quote! {
            fn shutdown(&self) -> ::core::result::Result<(), #krate::ExecutorError> {
                if self.__wrt_state().stop() {
                    #(#cleanups)*
                }
                ::core::result::Result::Ok(())
            }
        }
    }

    /// `call;` for a method returning `()`, else `call?;` with the `?`
    /// at the user's return type: an error type that does not convert into
    /// `ExecutorError` is reported there. `call` builds the call spanned as
    /// given.
    fn call_checked(&self, method: &UserMethod, call: impl Fn(Span) -> TokenStream) -> TokenStream {
        let call = call(Span::call_site());
        match method.returns {
            Returns::Result => {
                let question = quote_spanned!(method.return_span=> ?);
                quote!(#call #question;)
            }
            Returns::Unit | Returns::Value => quote!(#call;),
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn generates_the_trait_impl() {
        let out = expand_executor(
            quote!(state = flags),
            quote! {
                impl Exec {
                    fn spawn(&self, f: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> { Ok(()) }
                    fn block_on<F: Future>(&self, f: F) -> F::Output { todo() }
                    fn shutdown(&self) {}
                }
            },
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(
            out.contains("impl :: wrt_async_core :: WrtExecutor for Exec"),
            "{out}"
        );
        assert!(out.contains("fn block_on_dyn"), "{out}");
        assert!(out.contains("& self . flags"), "{out}");
        assert!(out.contains("pub fn register"), "{out}");
        assert!(
            !out.contains("fn spawn_task"),
            "the trait default applies: {out}"
        );
    }

    #[test]
    fn needs_a_spawn_method() {
        let out = expand_executor(quote!(), quote!(impl Exec { fn helper(&self) {} })).to_string();
        assert!(
            out.contains("needs a `spawn` or a `spawn_task` method"),
            "{out}"
        );
        assert!(
            out.starts_with("impl Exec"),
            "the block is re-emitted: {out}"
        );
    }

    #[test]
    fn keeps_a_user_register() {
        let out = expand_executor(
            quote!(),
            quote! {
                impl Exec {
                    fn spawn_task(&self, t: TaskRef) {}
                    fn register(self) {}
                }
            },
        )
        .to_string();
        assert!(!out.contains("pub fn register"), "{out}");
    }
}
