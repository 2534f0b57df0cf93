//! The expansion functions must return tokens, never panic, on any input:
//! a fuzz harness will call them with arbitrary token streams. These feed
//! them a list of odd inputs, each alone and in every attr/item pairing.

use std::str::FromStr;

use proc_macro2::TokenStream;

use crate::executor::expand_executor;
use crate::limits::MAX_NESTING;
use crate::main::expand_main;
use crate::task::expand_task;
use crate::test::expand_test;

type Expand = fn(TokenStream, TokenStream) -> TokenStream;

const EXPANSIONS: [(&str, Expand); 4] = [
    ("main", expand_main),
    ("task", expand_task),
    ("executor", expand_executor),
    ("test", expand_test),
];

fn tokens(source: &str) -> TokenStream {
    TokenStream::from_str(source)
        .unwrap_or_else(|error| panic!("bad test input {source:?}: {error}"))
}

const ODD_ATTRS: &[&str] = &[
    "",
    "pool = ",
    "pool = 1, pool = 2",
    "crate = 3",
    "crate = \"not a path!\"",
    "crate = \"a ( b\", entry = \"}\"",
    "crate = ::a::b,",
    "pool",
    "pool = = 3",
    ", , ,",
    "= 4",
    "4",
    "pool = 0",
    "pool = 99999999999999999999999999999999",
    "pool = -1",
    "pool = \"4\"",
    "pool = Foo::<A, B>::N, crate = wrt",
    "executor = ",
    "executor = MyExec { state: ExecutorState::new() }",
    "entry = ",
    "entry = a::b, executor = x",
    "state = 0",
    "state = 1.5",
    "r#pool = 2",
    "crate = crate",
    "self = 1",
    "pool = |x| x + 1, crate = r#async",
    "(((pool = 1)))",
    "[] {} ()",
    "# [ doc ] ! ? ; : :: -> => <",
    "pool = < > < <",
];

const ODD_ITEMS: &[&str] = &[
    "",
    "fn",
    "async",
    "async fn",
    "async fn f",
    "async fn f()",
    "async fn f();",
    "async fn f() {}",
    "async fn f() {} extra tokens",
    "fn main() {}",
    "async fn main() -> ! { loop {} }",
    "async fn main() -> impl Sized {}",
    "async fn r#type(r#fn: u8) {}",
    "async fn f(self) {}",
    "async fn f(&self, x: &u8) {}",
    "async fn f(x: u8, ...) {}",
    "const unsafe extern \"C\" fn f<'a, T: 'a, const N: usize>(x: &'a T) where T: Copy {}",
    "async fn f((a, b): (u8, u8), _: u16, mut c: u32, ref d: u64, e @ _: u8) {}",
    "async fn f(x: Option<&u8>, y: impl Send, z: fn(&u8), w: [&u8; 2]) -> &u8 { x }",
    "#[test] #[should_panic(expected = \"x\")] async fn t() { #![allow(unused)] }",
    "#[cfg(any())] pub(crate) async fn f(#[cfg(x)] a: u8) {}",
    "struct S { state: u8 }",
    "enum E {}",
    "impl S {}",
    "impl WrtExecutor for S { fn spawn(&self) {} }",
    "impl<T> S<T> where T: Copy { fn spawn(&mut self, a: u8, b: u8) -> bool {} }",
    "impl S { fn block_on(&self, f: u8) {} async fn poll_once(self) {} fn shutdown<T>(&self) {} }",
    "impl S { fn spawn_task(&self, t: TaskRef) {} fn register(&self) {} const X: u8 = 1; m! {} }",
    "impl S { #![allow(x)] fn spawn(&self, f: Foo<{ N }>) -> Result<(), E> where E: Copy, { } }",
    "impl S { fn spawn(&self, f: F) {} } trailing",
    "impl <T as X>::Y { fn spawn(&self, f: F) {} }",
    "impl ! S {}",
    "impl S { fn }",
    "impl S { fn spawn() }",
    "impl S { pub(crate) unsafe extern \"C\" fn spawn(&self, f: F) {} }",
    "mod m { async fn f() {} }",
    "{ { { } } }",
    "; ; ;",
    "# ! [ x ]",
    "< < < >",
    "'a 'b 'static",
    "1 2.0 \"s\" b'x' 'c'",
];

#[test]
fn odd_inputs_never_panic() {
    for (name, expand) in EXPANSIONS {
        for attr in ODD_ATTRS {
            for item in ODD_ITEMS {
                let out = expand(tokens(attr), tokens(item));
                // Every expansion is either code or code with errors; an
                // empty expansion would silently delete the user's item.
                if !item.is_empty() {
                    assert!(
                        !out.is_empty(),
                        "{name}: `{attr}` / `{item}` expanded to nothing"
                    );
                }
            }
        }
    }
}

#[test]
fn wrong_input_reports_an_error() {
    for (name, expand) in EXPANSIONS {
        for item in ["", "struct S;", "; ; ;", "fn"] {
            let out = expand(TokenStream::new(), tokens(item)).to_string();
            assert!(out.contains("compile_error"), "{name} on `{item}`: {out}");
        }
    }
}

#[test]
fn twenty_arguments() {
    let args: Vec<String> = (0..20)
        .map(|i| format!("a{i}: u{}", 8 << (i % 4)))
        .collect();
    let item = tokens(&format!("async fn many({}) {{}}", args.join(", ")));
    let out = expand_task(tokens("pool = 3"), item.clone()).to_string();
    assert!(out.contains("at most 16 arguments"), "{out}");
    assert!(
        out.contains("a19"),
        "the stand-in keeps every argument: {out}"
    );
    for (_, expand) in EXPANSIONS {
        let _ = expand(TokenStream::new(), item.clone());
    }
}

/// `true` if `out` reports an error, looking only at top-level tokens (the
/// output may hold the user's deeply nested item, too deep for a recursive
/// `to_string`).
fn reports_error(out: &TokenStream) -> bool {
    out.clone().into_iter().any(
        |tree| matches!(tree, proc_macro2::TokenTree::Ident(ident) if ident == "compile_error"),
    )
}

/// The shapes syn recurses on, `n` levels deep: (attr, item) pairs.
fn deep_inputs(n: usize) -> Vec<(String, String)> {
    let fn_with = |ty: String| (String::new(), format!("async fn f(x: {ty}) {{}}"));
    let attr_with = |expr: String| (format!("pool = {expr}"), "async fn f() {}".to_string());
    vec![
        fn_with(format!("{}u8", "& ".repeat(n))),
        fn_with(format!("{}u8", "&'static ".repeat(n))),
        fn_with(format!("{}u8{}", "Option<".repeat(n), ">".repeat(n))),
        fn_with(format!("{}u8{}", "(".repeat(n), ",)".repeat(n))),
        fn_with(format!("fn(){}", " -> fn()".repeat(n))),
        fn_with(format!("[u8; {}1]", "- ".repeat(n))),
        (
            String::new(),
            format!("async fn f({}x: u8) {{}}", "a @ ".repeat(n)),
        ),
        (
            String::new(),
            format!("#[doc = {}1] async fn f() {{}}", "- ".repeat(n)),
        ),
        attr_with(format!("{}1", "- ".repeat(n))),
        attr_with(format!("{}1", "!".repeat(n))),
        attr_with(format!("{}1", "|| ".repeat(n))),
        attr_with(format!("{}1", "a = ".repeat(n))),
        attr_with(format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        attr_with(format!("if a {{ 1 }}{}", " else if a { 1 }".repeat(n))),
        (
            String::new(),
            format!("impl S {{ fn spawn(&self, f: {}u8) {{}} }}", "& ".repeat(n)),
        ),
        (
            String::new(),
            format!("impl {}S {{ fn spawn(&self, f: F) {{}} }}", "& ".repeat(n)),
        ),
    ]
}

/// Inputs far deeper than anything real are refused with an error (not a
/// stack overflow); on the default 2 MiB test thread stack.
#[test]
fn deep_inputs_are_refused() {
    for (attr, item) in deep_inputs(20_000) {
        for (name, expand) in EXPANSIONS {
            let out = expand(tokens(&attr), tokens(&item));
            assert!(reports_error(&out), "{name}: {:.60} / {:.60}", attr, item);
        }
    }
}

/// A deep `#![..]` in a body is left there for rustc, never parsed.
#[test]
fn deep_inner_attributes_stay_in_the_body() {
    let item = tokens(&format!(
        "async fn f() {{ #![doc = {}1] }}",
        "- ".repeat(20_000)
    ));
    for (_, expand) in EXPANSIONS {
        let _ = expand(TokenStream::new(), item.clone());
    }
}

/// What the limit lets through is parsed fine, in every recursive shape,
/// on the default 2 MiB test thread stack of an unoptimised build.
#[test]
fn the_limit_itself_is_safe() {
    for (attr, item) in deep_inputs(MAX_NESTING) {
        for (_, expand) in EXPANSIONS {
            let _ = expand(tokens(&attr), tokens(&item));
        }
    }
}
