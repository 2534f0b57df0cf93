//! The user methods `#[wrt::executor]` builds on, recognised by name and
//! checked for the shape the generated `WrtExecutor` impl calls them with.
//! Argument and return *types* are left to the compiler: generated calls
//! are spanned at the user's types, so a mismatch is reported there.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, GenericParam, ReturnType, Signature, Type};

use crate::diag::Errors;
use crate::impl_block::Method;
use crate::task_attrs;

/// What a recognised method does for the executor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `fn spawn(&self, future: BoxedFuture<'static, ()>)`.
    Spawn,
    /// `fn spawn_task(&self, task: TaskRef)`.
    SpawnTask,
    /// `fn block_on<F: Future>(&self, future: F) -> F::Output`.
    BlockOn,
    /// `fn poll_once(&self)`.
    PollOnce,
    /// `fn shutdown(&self)`: extra cleanup after the state stopped.
    Shutdown,
    /// `fn stats(&self) -> Option<ExecutorStats>`.
    Stats,
}

impl Role {
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "spawn" => Self::Spawn,
            "spawn_task" => Self::SpawnTask,
            "block_on" => Self::BlockOn,
            "poll_once" => Self::PollOnce,
            "shutdown" => Self::Shutdown,
            "stats" => Self::Stats,
            _ => return None,
        })
    }

    /// The signature to suggest in messages.
    pub fn expected(self) -> &'static str {
        match self {
            Self::Spawn => {
                "fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError>"
            }
            Self::SpawnTask => "fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError>",
            Self::BlockOn => "fn block_on<F: Future>(&self, future: F) -> F::Output",
            Self::PollOnce => "fn poll_once(&self) -> Result<(), ExecutorError>",
            Self::Shutdown => "fn shutdown(&self)",
            Self::Stats => "fn stats(&self) -> Option<ExecutorStats>",
        }
    }

    fn arguments(self) -> usize {
        match self {
            Self::Spawn | Self::SpawnTask | Self::BlockOn => 1,
            Self::PollOnce | Self::Shutdown | Self::Stats => 0,
        }
    }
}

/// How a method reports its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    /// `()`: it cannot fail.
    Unit,
    /// `Result<.., ExecutorError>`.
    Result,
    /// Something else: `F::Output` for `block_on`, the stats for `stats`.
    Value,
}

/// One recognised, well-formed user method.
pub struct UserMethod {
    /// What it is for.
    pub role: Role,
    /// Its `cfg`s, repeated on the trait method that calls it.
    pub cfgs: Vec<Attribute>,
    /// How it reports its outcome.
    pub returns: Returns,
    /// Span of the return type (or of the name when there is none), where
    /// a wrong return type is reported.
    pub return_span: Span,
    /// Span of the argument's type, where a wrong argument type is reported.
    pub argument_span: Span,
}

/// The recognised methods of an executor impl.
#[derive(Default)]
pub struct Recognized {
    /// In source order; a role may appear more than once under different
    /// `cfg`s.
    pub methods: Vec<UserMethod>,
    /// The user wrote their own `register`, so none is generated.
    pub has_register: bool,
}

impl Recognized {
    /// The methods with `role`.
    pub fn with(&self, role: Role) -> impl Iterator<Item = &UserMethod> {
        self.methods
            .iter()
            .filter(move |method| method.role == role)
    }

    /// `true` if some method has `role`.
    pub fn has(&self, role: Role) -> bool {
        self.with(role).next().is_some()
    }
}

/// Recognises the methods in `methods`, reporting misshapen ones.
pub fn recognize(methods: &[Method], errors: &mut Errors) -> Recognized {
    let mut recognized = Recognized::default();
    for method in methods {
        let name = method.sig.ident.to_string();
        if name == "register" || name == "__wrt_state" {
            recognized.has_register |= name == "register";
            continue;
        }
        let Some(role) = Role::of(&name) else {
            continue;
        };
        if let Some(user) = check(role, method, errors) {
            recognized.methods.push(user);
        }
    }
    recognized
}

/// Checks one method of `role`; `None` (with errors reported) if the
/// generated code could not call it.
fn check(role: Role, method: &Method, errors: &mut Errors) -> Option<UserMethod> {
    let sig = &method.sig;
    let name = &sig.ident;
    // Collected apart, so that whether this method is usable is known.
    let mut local = Errors::new();
    if let Some(asyncness) = &sig.asyncness {
        local.at(
            asyncness.span,
            format!(
                "`{name}` must not be `async`: the executor calls it synchronously; expected `{}`",
                role.expected()
            ),
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        local.at(
            unsafety.span,
            format!("`{name}` must be safe to call; remove `unsafe`"),
        );
    }
    if let Some(abi) = &sig.abi {
        local.spanned(abi, format!("`{name}` cannot have an ABI; remove it"));
    }
    if let Some(variadic) = &sig.variadic {
        local.spanned(variadic, format!("`{name}` cannot be variadic"));
    }
    check_receiver(role, sig, &mut local);
    let arguments: Vec<&syn::PatType> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if arguments.len() != role.arguments() {
        let message = match role.arguments() {
            0 => format!(
                "`{name}` takes no arguments besides `&self`; expected `{}`",
                role.expected()
            ),
            _ => format!(
                "`{name}` takes exactly one argument besides `&self`; expected `{}`",
                role.expected()
            ),
        };
        match arguments.get(role.arguments()) {
            Some(extra) => local.spanned(extra, message),
            None => local.at(sig.paren_token.span.join(), message),
        }
    }
    check_generics(
        role,
        sig,
        arguments.first().map(|arg| arg.ty.as_ref()),
        &mut local,
    );
    let returns = returns(role, sig, &mut local);
    let ok = local.is_empty();
    errors.push_all(local);
    ok.then(|| UserMethod {
        role,
        cfgs: task_attrs::cfgs(&method.attrs),
        returns,
        return_span: match &sig.output {
            ReturnType::Default => name.span(),
            ReturnType::Type(_, ty) => ty.span(),
        },
        argument_span: arguments
            .first()
            .map_or_else(|| name.span(), |arg| arg.ty.span()),
    })
}

/// `&self` (any lifetime, or `self: &Self`) is required.
fn check_receiver(role: Role, sig: &Signature, errors: &mut Errors) {
    let name = &sig.ident;
    let Some(receiver) = sig.receiver() else {
        errors.at(
            sig.paren_token.span.join(),
            format!(
                "`{name}` must take `&self`: the executor calls it as a method; expected `{}`",
                role.expected()
            ),
        );
        return;
    };
    let shared = match receiver.ty.as_ref() {
        Type::Reference(reference) => reference.mutability.is_none(),
        _ => false,
    };
    if receiver.mutability.is_some() || !shared {
        let found = if matches!(receiver.ty.as_ref(), Type::Reference(r) if r.mutability.is_some())
        {
            "`&mut self`"
        } else {
            "`self` by value"
        };
        errors.spanned(
            receiver,
            format!(
                "`{name}` must take `&self`, not {found}: an executor is shared as \
                 `&'static dyn WrtExecutor`; use interior mutability (atomics, a mutex) for state"
            ),
        );
    }
}

/// Only `block_on` is generic: over exactly one type, its argument's.
fn check_generics(role: Role, sig: &Signature, argument: Option<&Type>, errors: &mut Errors) {
    let name = &sig.ident;
    let type_params: Vec<&syn::TypeParam> = sig.generics.type_params().collect();
    let const_params = sig
        .generics
        .params
        .iter()
        .any(|param| matches!(param, GenericParam::Const(_)));
    if role != Role::BlockOn {
        if !type_params.is_empty() || const_params {
            errors.spanned(
                &sig.generics,
                format!("`{name}` cannot be generic; expected `{}`", role.expected()),
            );
        }
        return;
    }
    let takes_its_param = match (type_params.as_slice(), argument) {
        ([param], Some(Type::Path(path))) => {
            path.qself.is_none() && path.path.is_ident(&param.ident)
        }
        _ => false,
    };
    if !takes_its_param || const_params {
        let span = if sig.generics.params.is_empty() {
            argument.map_or_else(|| name.span(), Spanned::span)
        } else {
            sig.generics.span()
        };
        errors.at(
            span,
            format!(
                "`block_on` must be generic over the future it runs: `{}` \
                 (the executor hands it a `Pin<&mut dyn Future<Output = ()>>`)",
                Role::BlockOn.expected()
            ),
        );
    }
}

/// Classifies the return type: `()` or `Result<..>` everywhere, and any
/// value for `block_on` (its `F::Output`) and `stats`.
fn returns(role: Role, sig: &Signature, errors: &mut Errors) -> Returns {
    let ty = match &sig.output {
        ReturnType::Default => return Returns::Unit,
        ReturnType::Type(_, ty) => ty.as_ref(),
    };
    if matches!(ty, Type::Tuple(tuple) if tuple.elems.is_empty()) {
        return Returns::Unit;
    }
    let is_result = matches!(ty, Type::Path(path)
        if path.path.segments.last().is_some_and(|segment| segment.ident == "Result"));
    match role {
        _ if is_result => Returns::Result,
        Role::BlockOn | Role::Stats => Returns::Value,
        _ => {
            errors.spanned(
                ty,
                format!(
                    "`{}` must return `()` or `Result<(), ExecutorError>`; expected `{}`",
                    sig.ident,
                    role.expected()
                ),
            );
            Returns::Unit
        }
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    fn check_one(sig: Signature) -> (Option<UserMethod>, String) {
        let mut errors = Errors::new();
        let method = Method {
            attrs: Vec::new(),
            sig,
        };
        let role = Role::of(&method.sig.ident.to_string()).expect("a role");
        let user = check(role, &method, &mut errors);
        (user, errors.to_compile_errors().to_string())
    }

    #[test]
    fn accepts_the_documented_shapes() {
        for sig in [
            parse_quote!(fn spawn(&self, f: BoxedFuture<'static, ()>) -> Result<(), ExecutorError>),
            parse_quote!(fn spawn(&self, f: BoxedFuture<'static, ()>)),
            parse_quote!(fn spawn_task(&'static self, t: TaskRef) -> Result<(), ExecutorError>),
            parse_quote!(fn block_on<F: Future>(&self, f: F) -> F::Output),
            parse_quote!(fn block_on<'a, F>(self: &Self, f: F) -> Result<F::Output, E> where F: Future + 'a),
            parse_quote!(fn poll_once(&self) -> Result<(), ExecutorError>),
            parse_quote!(fn shutdown(&self)),
            parse_quote!(fn stats(&self) -> Option<ExecutorStats>),
        ] {
            let (user, errors) = check_one(sig);
            assert!(user.is_some() && errors.is_empty(), "{errors}");
        }
    }

    #[test]
    fn reports_wrong_shapes() {
        let cases: [(Signature, &str); 8] = [
            (parse_quote!(fn spawn(&mut self, f: F)), "not `&mut self`"),
            (parse_quote!(fn spawn(self, f: F)), "not `self` by value"),
            (parse_quote!(fn spawn(f: F)), "must take `&self`"),
            (parse_quote!(fn spawn(&self)), "exactly one argument"),
            (parse_quote!(fn shutdown(&self, now: bool)), "no arguments"),
            (
                parse_quote!(fn block_on(&self, f: Pin<Box<dyn Future<Output = ()>>>)),
                "must be generic",
            ),
            (
                parse_quote!(async fn poll_once(&self)),
                "must not be `async`",
            ),
            (
                parse_quote!(fn spawn(&self, f: F) -> bool),
                "must return `()` or `Result",
            ),
        ];
        for (sig, needle) in cases {
            let (user, errors) = check_one(sig);
            assert!(user.is_none(), "{needle}");
            assert!(errors.contains(needle), "{needle} missing in {errors}");
        }
    }
}
