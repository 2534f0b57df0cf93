//! Signature checks shared by the function macros, each reporting at the
//! narrowest span with a message that says what to change.

use syn::{ReturnType, Signature, Type};

use crate::diag::Errors;

/// How messages name the function being checked, e.g. "task functions" or
/// "`#[wrt::main]` functions".
#[derive(Clone, Copy)]
pub struct Subject {
    /// Plural noun phrase starting messages: "task functions".
    pub what: &'static str,
    /// Appended to the `async` message, e.g. a hint for sync code.
    pub sync_hint: &'static str,
}

/// `async` is required.
pub fn require_async(sig: &Signature, subject: Subject, errors: &mut Errors) {
    if sig.asyncness.is_none() {
        errors.at(
            sig.fn_token.span,
            format!(
                "{} must be `async fn`; add `async` before `fn`{}",
                subject.what, subject.sync_hint
            ),
        );
    }
}

/// No generic parameters and no `where` clause; `why` explains the rule.
pub fn reject_generics(sig: &Signature, subject: Subject, why: &str, errors: &mut Errors) {
    if !sig.generics.params.is_empty() || sig.generics.lt_token.is_some() {
        errors.spanned(
            &sig.generics,
            format!(
                "{} cannot be generic{why}; remove the generic parameters",
                subject.what
            ),
        );
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        errors.spanned(
            where_clause,
            format!(
                "{} cannot have a `where` clause{why}; remove it",
                subject.what
            ),
        );
    }
}

/// No `const`, no ABI, no `...`; `unsafe` only if `allow_unsafe`.
pub fn reject_qualifiers(
    sig: &Signature,
    subject: Subject,
    allow_unsafe: bool,
    errors: &mut Errors,
) {
    if let Some(constness) = &sig.constness {
        errors.at(
            constness.span,
            format!("{} cannot be `const fn`; remove `const`", subject.what),
        );
    }
    if !allow_unsafe {
        if let Some(unsafety) = &sig.unsafety {
            errors.at(
                unsafety.span,
                format!("{} cannot be `unsafe fn`; remove `unsafe`", subject.what),
            );
        }
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(
            abi,
            format!(
                "{} cannot have an ABI such as `extern \"C\"`; remove it",
                subject.what
            ),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(
            variadic,
            format!("{} cannot be variadic; remove `...`", subject.what),
        );
    }
}

/// No parameters at all; `instead` suggests what to do.
pub fn reject_params(sig: &Signature, subject: Subject, instead: &str, errors: &mut Errors) {
    if !sig.inputs.is_empty() {
        errors.spanned(
            &sig.inputs,
            format!("{} cannot take arguments{instead}", subject.what),
        );
    }
}

/// The declared return type, `None` for `-> ()` written or implied.
pub fn return_type(sig: &Signature) -> Option<&Type> {
    match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => match ty.as_ref() {
            Type::Tuple(tuple) if tuple.elems.is_empty() => None,
            Type::Paren(paren) => match paren.elem.as_ref() {
                Type::Tuple(tuple) if tuple.elems.is_empty() => None,
                _ => Some(ty),
            },
            _ => Some(ty),
        },
    }
}

/// `true` if `ty` can annotate a `let` binding on stable Rust: not `!`, no
/// `impl Trait`, no `_`. Generated code uses such an annotation to make the
/// body's type (and `?` conversions) follow the declared return type.
pub fn annotatable(ty: &Type) -> bool {
    struct Finder {
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type(&mut self, ty: &'ast Type) {
            match ty {
                Type::Never(_) | Type::ImplTrait(_) | Type::Infer(_) | Type::Macro(_) => {
                    self.found = true;
                }
                _ => syn::visit::visit_type(self, ty),
            }
        }
    }
    let mut finder = Finder { found: false };
    syn::visit::Visit::visit_type(&mut finder, ty);
    !finder.found
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    const SUBJECT: Subject = Subject {
        what: "task functions",
        sync_hint: "",
    };

    fn check(sig: Signature) -> String {
        let mut errors = Errors::new();
        require_async(&sig, SUBJECT, &mut errors);
        reject_generics(&sig, SUBJECT, "", &mut errors);
        reject_qualifiers(&sig, SUBJECT, false, &mut errors);
        errors.to_compile_errors().to_string()
    }

    #[test]
    fn accepts_a_plain_async_fn() {
        assert!(check(parse_quote!(async fn f(a: u8) -> u8)).is_empty());
    }

    #[test]
    fn reports_every_qualifier() {
        let errors = check(parse_quote!(const unsafe extern "C" fn f<T>(a: T, ...) where T: Copy));
        for needle in [
            "must be `async fn`",
            "cannot be generic",
            "`where` clause",
            "`const fn`",
            "`unsafe fn`",
            "ABI",
            "variadic",
        ] {
            assert!(errors.contains(needle), "{needle} missing in {errors}");
        }
    }

    #[test]
    fn unit_returns_are_none() {
        let sig: Signature = parse_quote!(fn f() -> ());
        assert!(return_type(&sig).is_none());
        let sig: Signature = parse_quote!(fn f() -> u8);
        assert!(return_type(&sig).is_some());
    }

    #[test]
    fn annotatable_types() {
        assert!(annotatable(
            &parse_quote!(Result<(), Box<dyn std::error::Error>>)
        ));
        assert!(!annotatable(&parse_quote!(!)));
        assert!(!annotatable(&parse_quote!(impl Sized)));
        assert!(!annotatable(&parse_quote!(Option<_>)));
    }
}
