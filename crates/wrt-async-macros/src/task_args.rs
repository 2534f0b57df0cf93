//! A task's arguments: checked (they must be `'static` and concrete, since
//! the task outlives the call that spawned it) and given plain names for the
//! spawn function, which forwards them to the hidden `async fn`.

use proc_macro2::Span;
use quote::format_ident;
use syn::visit::{self, Visit};
use syn::{Attribute, FnArg, Ident, Pat, Signature, Type};

use crate::diag::Errors;
use crate::task_attrs;

/// One argument as the spawn function declares and forwards it.
pub struct TaskArg {
    /// The parameter's own attributes (kept on the spawn fn's parameter).
    pub attrs: Vec<Attribute>,
    /// Its `cfg`s, repeated on the forwarded argument.
    pub cfgs: Vec<Attribute>,
    /// The name it is bound to in the spawn function.
    pub ident: Ident,
    /// Its type.
    pub ty: Type,
}

/// The arguments of `sig`, reporting `self` receivers, borrowed types and
/// `impl Trait` into `errors`.
pub fn lower_args(sig: &Signature, errors: &mut Errors) -> Vec<TaskArg> {
    let mut args = Vec::new();
    for (index, input) in sig.inputs.iter().enumerate() {
        match input {
            FnArg::Receiver(receiver) => errors.spanned(
                receiver,
                "task functions cannot take `self`: a task outlives the call that spawns it; \
                 make it a free function and pass what it needs as owned or `'static` arguments",
            ),
            FnArg::Typed(typed) => {
                check_type(&typed.ty, errors);
                args.push(TaskArg {
                    attrs: typed.attrs.clone(),
                    cfgs: task_attrs::cfgs(&typed.attrs),
                    ident: binding(&typed.pat, index),
                    ty: (*typed.ty).clone(),
                });
            }
        }
    }
    args
}

/// The user's name for a plain `name: T` (or `mut name: T`) parameter, else
/// a generated one: the pattern itself stays on the `async fn`, which
/// destructures the value there.
fn binding(pat: &Pat, index: usize) -> Ident {
    match pat {
        Pat::Ident(pat_ident) if pat_ident.subpat.is_none() => pat_ident.ident.clone(),
        _ => format_ident!("__wrt_arg{}", index, span = Span::mixed_site()),
    }
}

/// Reports what in `ty` cannot be a task argument.
fn check_type(ty: &Type, errors: &mut Errors) {
    let mut checker = TypeChecker {
        errors,
        bound: Vec::new(),
    };
    checker.visit_type(ty);
}

struct TypeChecker<'e> {
    errors: &'e mut Errors,
    /// Lifetimes introduced by enclosing `for<'a>` binders: not borrows.
    bound: Vec<Ident>,
}

const STATIC_HINT: &str = "task arguments must be `'static`: the task keeps running after the call \
                           that spawned it returns";

impl<'ast> Visit<'ast> for TypeChecker<'_> {
    fn visit_type_reference(&mut self, reference: &'ast syn::TypeReference) {
        if reference.lifetime.is_none() {
            self.errors.at(
                reference.and_token.span,
                format!("{STATIC_HINT}; write `&'static ..` here or pass an owned value"),
            );
        }
        visit::visit_type_reference(self, reference);
    }

    fn visit_lifetime(&mut self, lifetime: &'ast syn::Lifetime) {
        if lifetime.ident != "static" && !self.bound.contains(&lifetime.ident) {
            self.errors.spanned(
                lifetime,
                format!("{STATIC_HINT}; replace `{lifetime}` with `'static`"),
            );
        }
    }

    fn visit_type_impl_trait(&mut self, impl_trait: &'ast syn::TypeImplTrait) {
        self.errors.spanned(
            impl_trait,
            "task arguments cannot be `impl Trait`: that makes the function generic, and each \
             task has one pool for one concrete future type; use a concrete type or \
             `Box<dyn Trait + Send>`",
        );
    }

    // Higher-ranked: `fn(&u8)` and `Fn(&u8)` borrow only for the call.
    fn visit_type_bare_fn(&mut self, _: &'ast syn::TypeBareFn) {}

    fn visit_parenthesized_generic_arguments(
        &mut self,
        _: &'ast syn::ParenthesizedGenericArguments,
    ) {
    }

    fn visit_trait_bound(&mut self, bound: &'ast syn::TraitBound) {
        let depth = self.bound.len();
        if let Some(binder) = &bound.lifetimes {
            self.bound
                .extend(binder.lifetimes.iter().filter_map(|param| match param {
                    syn::GenericParam::Lifetime(def) => Some(def.lifetime.ident.clone()),
                    _ => None,
                }));
        }
        visit::visit_trait_bound(self, bound);
        self.bound.truncate(depth);
    }

    // Array lengths and const arguments are not borrowed.
    fn visit_expr(&mut self, _: &'ast syn::Expr) {}

    // A macro's expansion is checked by the compiler.
    fn visit_type_macro(&mut self, _: &'ast syn::TypeMacro) {}
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    fn errors_of(sig: Signature) -> String {
        let mut errors = Errors::new();
        lower_args(&sig, &mut errors);
        errors.to_compile_errors().to_string()
    }

    #[test]
    fn accepts_static_and_higher_ranked_types() {
        let sig: Signature = parse_quote!(async fn f(
            a: &'static str,
            b: Option<&'static [u8]>,
            c: fn(&u8) -> &u8,
            d: Box<dyn Fn(&u8) + Send>,
            e: Box<dyn for<'a> Fn(&'a u8) + Send>,
            g: [u8; 4],
        ));
        assert_eq!(errors_of(sig), "");
    }

    #[test]
    fn rejects_borrows_and_impl_trait() {
        let sig: Signature = parse_quote!(async fn f(
            self,
            a: &u8,
            b: Option<&u8>,
            c: &'a u8,
            d: Cow<'_, str>,
            e: impl Send,
        ));
        let errors = errors_of(sig);
        assert_eq!(errors.matches("write `&'static ..`").count(), 2, "{errors}");
        assert!(errors.contains("replace `'a` with `'static`"), "{errors}");
        assert!(errors.contains("replace `'_` with `'static`"), "{errors}");
        assert!(errors.contains("cannot be `impl Trait`"), "{errors}");
        assert!(errors.contains("cannot take `self`"), "{errors}");
    }

    #[test]
    fn names_pattern_arguments() {
        let sig: Signature = parse_quote!(async fn f(mut a: u8, (b, c): (u8, u8), _: u8));
        let mut errors = Errors::new();
        let args = lower_args(&sig, &mut errors);
        let names: Vec<String> = args.iter().map(|a| a.ident.to_string()).collect();
        assert_eq!(names, ["a", "__wrt_arg1", "__wrt_arg2"]);
    }
}
