//! The `key = value` options shared by all four macros
//! (`#[wrt::task(pool = 4, crate = wrt)]`).
//!
//! Parsing never stops at the first mistake: every bad option is reported
//! with its own span, then parsing resumes after the next top-level comma, so
//! one compile shows the user everything to fix.

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, LitStr, Member, Path, Token};

use crate::diag::Errors;

/// The syntax an option's value must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Any expression (`pool = LEDS * 2`, `executor = MyExec::new()`).
    Expr,
    /// A path without generics (`crate = wrt`, `entry = cortex_m_rt::entry`);
    /// a string literal holding one is accepted too, as tokio does.
    Path,
    /// A field name or tuple index (`state = exec_state`, `state = 0`).
    Field,
}

/// One option a macro accepts.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The key, e.g. `pool`.
    pub name: &'static str,
    /// What its value must look like.
    pub kind: ValueKind,
    /// A complete example used in messages, e.g. `pool = 4`.
    pub example: &'static str,
}

/// `crate = path`: where the generated code finds wrt-async-core. Every macro
/// accepts it.
pub const CRATE: OptionSpec = OptionSpec {
    name: "crate",
    kind: ValueKind::Path,
    example: "crate = wrt",
};

/// A parsed option value; its variant follows the option's [`ValueKind`].
#[derive(Clone)]
pub enum OptionValue {
    /// See [`ValueKind::Expr`].
    Expr(Expr),
    /// See [`ValueKind::Path`].
    Path(Path),
    /// See [`ValueKind::Field`].
    Field(Member),
}

/// One option as written by the user.
#[derive(Clone)]
pub struct ParsedOption {
    /// The key as written (its span points at the user's key).
    pub key: Ident,
    /// The value.
    pub value: OptionValue,
}

/// The options that parsed; each key at most once.
#[derive(Clone, Default)]
pub struct Options {
    entries: Vec<ParsedOption>,
}

impl Options {
    /// The option named `name`, if given.
    pub fn get(&self, name: &str) -> Option<&ParsedOption> {
        self.entries.iter().find(|entry| key_is(&entry.key, name))
    }

    /// The value of an expression option.
    pub fn expr(&self, name: &str) -> Option<&Expr> {
        match &self.get(name)?.value {
            OptionValue::Expr(expr) => Some(expr),
            _ => None,
        }
    }

    /// The value of a path option.
    pub fn path(&self, name: &str) -> Option<&Path> {
        match &self.get(name)?.value {
            OptionValue::Path(path) => Some(path),
            _ => None,
        }
    }

    /// The value of a field option.
    pub fn field(&self, name: &str) -> Option<&Member> {
        match &self.get(name)?.value {
            OptionValue::Field(member) => Some(member),
            _ => None,
        }
    }
}

/// Parses the attribute arguments of `#[macro_name(..)]` against `specs`,
/// reporting every problem into `errors` and returning the options that
/// parsed.
pub fn parse_options(
    macro_name: &str,
    attr: TokenStream,
    specs: &[OptionSpec],
    errors: &mut Errors,
) -> Options {
    let context = Context { macro_name, specs };
    let mut options = Options::default();
    let parser = |input: ParseStream<'_>| -> syn::Result<()> {
        while !input.is_empty() {
            let before = input.cursor();
            context.parse_one(input, &mut options, errors);
            if input.is_empty() {
                break;
            }
            if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
            } else {
                errors.at(input.span(), "expected `,` between options");
                skip_to_comma(input);
            }
            if input.cursor() == before {
                // Cannot happen with the steps above; guarantees termination
                // on any input anyway.
                skip_token(input);
            }
        }
        Ok(())
    };
    if let Err(error) = parser.parse2(attr) {
        errors.push(error);
    }
    options
}

/// What the messages need to know about the macro being parsed.
struct Context<'a> {
    macro_name: &'a str,
    specs: &'a [OptionSpec],
}

impl Context<'_> {
    /// Parses `key [= value]` up to (not including) the next top-level `,`.
    fn parse_one(&self, input: ParseStream<'_>, options: &mut Options, errors: &mut Errors) {
        let Ok(key) = input.call(Ident::parse_any) else {
            errors.at(
                input.span(),
                format!(
                    "expected an option such as `{}`; {}",
                    self.first_example(),
                    self.valid_list()
                ),
            );
            skip_to_comma(input);
            return;
        };
        let name = key.unraw().to_string();
        let Some(spec) = self.specs.iter().find(|spec| spec.name == name) else {
            let message = match suggestion(&name, self.specs) {
                Some(close) => format!(
                    "unknown option `{name}` for `#[{}]`; did you mean `{close}`? {}",
                    self.macro_name,
                    capitalize(&self.valid_list()),
                ),
                None => format!(
                    "unknown option `{name}` for `#[{}]`; {}",
                    self.macro_name,
                    self.valid_list(),
                ),
            };
            errors.at(key.span(), message);
            skip_value(input);
            return;
        };
        if options.get(spec.name).is_some() {
            errors.at(
                key.span(),
                format!("`{name}` is given more than once; keep only one `{name} = ..`"),
            );
            skip_value(input);
            return;
        }
        if !input.peek(Token![=]) {
            if at_separator(input) {
                errors.at(
                    key.span(),
                    format!("`{name}` needs a value, e.g. `{}`", spec.example),
                );
            } else {
                errors.at(
                    input.span(),
                    format!("expected `=` after `{name}`, e.g. `{}`", spec.example),
                );
                skip_to_comma(input);
            }
            return;
        }
        let Ok(eq) = input.parse::<Token![=]>() else {
            return;
        };
        if at_separator(input) {
            errors.at(
                eq.span,
                format!("expected a value after `{name} =`, e.g. `{}`", spec.example),
            );
            return;
        }
        match parse_value(input, spec) {
            Ok(value) => {
                if !at_separator(input) {
                    errors.at(
                        input.span(),
                        format!(
                            "unexpected tokens after the value of `{name}`; separate options with `,`"
                        ),
                    );
                    skip_to_comma(input);
                }
                options.entries.push(ParsedOption { key, value });
            }
            Err(error) => {
                errors.push(error);
                skip_to_comma(input);
            }
        }
    }

    fn first_example(&self) -> &'static str {
        self.specs
            .first()
            .map_or("crate = wrt", |spec| spec.example)
    }

    /// "valid options are `pool` and `crate`".
    fn valid_list(&self) -> String {
        let names: Vec<String> = self
            .specs
            .iter()
            .map(|spec| format!("`{}`", spec.name))
            .collect();
        match names.as_slice() {
            [] => format!("`#[{}]` takes no options", self.macro_name),
            [one] => format!("the only valid option is {one}"),
            [init @ .., last] => format!("valid options are {} and {last}", init.join(", ")),
        }
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Parses the value of `spec` with a message that says what was expected.
fn parse_value(input: ParseStream<'_>, spec: &OptionSpec) -> syn::Result<OptionValue> {
    let name = spec.name;
    match spec.kind {
        ValueKind::Expr => input
            .parse::<Expr>()
            .map(OptionValue::Expr)
            .map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("`{name}` needs an expression, e.g. `{}`", spec.example),
                )
            }),
        ValueKind::Path => {
            let expected = || format!("`{name}` needs a path, e.g. `{}`", spec.example);
            if input.peek(LitStr) {
                let lit: LitStr = input.parse()?;
                return lit
                    .parse_with(Path::parse_mod_style)
                    .map(OptionValue::Path)
                    .map_err(|_| syn::Error::new(lit.span(), expected()));
            }
            let span = input.span();
            input
                .call(Path::parse_mod_style)
                .map(OptionValue::Path)
                .map_err(|_| syn::Error::new(span, expected()))
        }
        ValueKind::Field => {
            let span = input.span();
            input
                .parse::<Member>()
                .map(OptionValue::Field)
                .map_err(|_| {
                    syn::Error::new(
                        span,
                        format!("`{name}` needs a field name, e.g. `{}`", spec.example),
                    )
                })
        }
    }
}

fn at_separator(input: ParseStream<'_>) -> bool {
    input.is_empty() || input.peek(Token![,])
}

/// After an unknown or repeated key: skips `= value` (parsed as an expression
/// when possible, so commas inside generics do not confuse recovery).
fn skip_value(input: ParseStream<'_>) {
    if input.peek(Token![=]) {
        let _ = input.parse::<Token![=]>();
        let fork = input.fork();
        if fork.parse::<Expr>().is_ok() && (fork.is_empty() || fork.peek(Token![,])) {
            let _ = input.parse::<Expr>();
            return;
        }
    }
    skip_to_comma(input);
}

/// Skips token trees up to the next top-level `,` (not consumed) or the end.
fn skip_to_comma(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if matches!(&tree, TokenTree::Punct(punct) if punct.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

fn skip_token(input: ParseStream<'_>) {
    let _ = input.step(|cursor| match cursor.token_tree() {
        Some((_, next)) => Ok(((), next)),
        None => Ok(((), *cursor)),
    });
}

/// `true` if `key` (raw or not) is `name`.
fn key_is(key: &Ident, name: &str) -> bool {
    key.unraw() == name
}

/// The valid option `name` was probably meant as, if any: one contains the
/// other (`pool_size`) or they differ by at most two edits (`pol`).
fn suggestion(name: &str, specs: &[OptionSpec]) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    specs.iter().map(|spec| spec.name).find(|valid| {
        (name.len() >= 3 && (name.contains(valid) || valid.contains(name.as_str())))
            || edit_distance(&name, valid) <= 2
    })
}

/// Levenshtein distance; option names are short, so the quadratic table is
/// tiny.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            let deletion = previous[j + 1] + 1;
            let insertion = current[j] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    const SPECS: &[OptionSpec] = &[
        OptionSpec {
            name: "pool",
            kind: ValueKind::Expr,
            example: "pool = 4",
        },
        CRATE,
        OptionSpec {
            name: "state",
            kind: ValueKind::Field,
            example: "state = exec_state",
        },
    ];

    fn parse(attr: TokenStream) -> (Options, String) {
        let mut errors = Errors::new();
        let options = parse_options("wrt::task", attr, SPECS, &mut errors);
        (options, errors.to_compile_errors().to_string())
    }

    #[test]
    fn parses_every_kind() {
        let (options, errors) = parse(quote!(pool = Foo::<A, B>::N, crate = ::a::b, state = s));
        assert!(errors.is_empty(), "{errors}");
        assert!(options.expr("pool").is_some());
        assert!(options.path("crate").is_some());
        assert!(matches!(options.field("state"), Some(Member::Named(ident)) if ident == "s"));
    }

    #[test]
    fn crate_accepts_a_string_literal() {
        let (options, errors) = parse(quote!(crate = "my::rt"));
        assert!(errors.is_empty(), "{errors}");
        let path = options.path("crate").expect("crate parsed");
        assert_eq!(quote!(#path).to_string(), "my :: rt");
    }

    #[test]
    fn reports_every_problem_at_once() {
        let (options, errors) = parse(quote!(pool = 1, pool = 2, size = 3, crate = 3, state));
        assert!(
            errors.contains("`pool` is given more than once"),
            "{errors}"
        );
        assert!(errors.contains("unknown option `size`"), "{errors}");
        assert!(errors.contains("`crate` needs a path"), "{errors}");
        assert!(errors.contains("`state` needs a value"), "{errors}");
        assert!(options.expr("pool").is_some(), "first `pool` kept");
    }

    #[test]
    fn suggests_close_names() {
        let (_, errors) = parse(quote!(pool_size = 3));
        assert!(errors.contains("did you mean `pool`?"), "{errors}");
        let (_, errors) = parse(quote!(crat = wrt));
        assert!(errors.contains("did you mean `crate`?"), "{errors}");
        let (_, errors) = parse(quote!(zzzzzz = 1));
        assert!(!errors.contains("did you mean"), "{errors}");
    }

    #[test]
    fn missing_value_and_separator() {
        let (_, errors) = parse(quote!(pool =));
        assert!(
            errors.contains("expected a value after `pool =`"),
            "{errors}"
        );
        let (_, errors) = parse(quote!(pool = 1 crate = x));
        assert!(
            errors.contains("unexpected tokens after the value"),
            "{errors}"
        );
        let (_, errors) = parse(quote!(pool(4)));
        assert!(errors.contains("expected `=` after `pool`"), "{errors}");
        let (_, errors) = parse(quote!(4));
        assert!(
            errors.contains("expected an option such as `pool = 4`"),
            "{errors}"
        );
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("pool", "pool"), 0);
        assert_eq!(edit_distance("pol", "pool"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
