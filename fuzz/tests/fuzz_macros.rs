//! Fuzzes the four expansion functions of wrt-async-macros for a fixed time
//! budget: every input must expand, without a panic, to code (which may
//! contain `compile_error!`s), never to nothing; and where the input item is
//! valid Rust syntax, the expansion must be valid Rust syntax too (a macro
//! that emits garbage shows users errors in code they never wrote).
//!
//! Inputs (attribute arguments and item), from a seeded generator:
//! - grammar: `fn` items and `impl` blocks built from a small Rust grammar
//!   (attributes, qualifiers, generics, patterns, types, bodies; executor
//!   methods with their receivers and signatures), with attribute arguments
//!   built from the macros' options and odd values;
//! - mutations of those at the token-tree level: tokens deleted, duplicated,
//!   swapped, replaced, inserted; groups re-delimited, flattened, wrapped,
//!   mutated inside; subtrees spliced in from other inputs; truncation;
//! - token soup: random identifiers, keywords, punctuation, literals and
//!   groups;
//! - deep nesting around the macros' limit (`MAX_NESTING`).
//!
//! Budget: `WRT_FUZZ_SECONDS` (default 1) per macro, at most
//! `WRT_FUZZ_CASES` (default unlimited) inputs each. Seed:
//! `WRT_FUZZ_SEED` (default: from the clock; printed, so a failure can be
//! replayed: the same seed gives the same inputs in the same order).

use std::panic::{self, AssertUnwindSafe};
use std::str::FromStr;
use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use wrt_macro_fuzz::{Expand, MACROS, MAX_NESTING};

// ------------------------------------------------------------------ random

/// SplitMix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

// ------------------------------------------------------------------ grammar

const IDENTS: &[&str] = &[
    "f",
    "main",
    "task",
    "blink",
    "worker",
    "run_it",
    "tick",
    "x",
    "y",
    "T",
    "U",
    "E",
    "F",
    "N",
    "Self",
    "self",
    "crate",
    "super",
    "async",
    "await",
    "fn",
    "impl",
    "pub",
    "const",
    "unsafe",
    "extern",
    "move",
    "static",
    "mut",
    "ref",
    "dyn",
    "where",
    "for",
    "loop",
    "match",
    "if",
    "else",
    "return",
    "type",
    "trait",
    "struct",
    "enum",
    "union",
    "mod",
    "use",
    "let",
    "_",
    "pool",
    "executor",
    "entry",
    "state",
    "spawn",
    "spawn_task",
    "block_on",
    "poll_once",
    "shutdown",
    "is_running",
    "stats",
    "wrt",
    "wrt_async_core",
    "TaskRef",
    "BoxedFuture",
    "ExecutorError",
    "Future",
    "Output",
    "Send",
    "Sync",
    "Box",
    "Pin",
    "Option",
    "Result",
];

const RAW_IDENTS: &[&str] = &["type", "fn", "async", "match", "pool", "r#x"];

const PUNCTS: &[char] = &[
    '=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':', '#',
    '$', '?',
];

const TYPES: &[&str] = &[
    "u8",
    "u32",
    "usize",
    "bool",
    "()",
    "&'static str",
    "String",
    "Option<u8>",
    "Vec<u32>",
    "(u8, u16)",
    "[u8; 4]",
    "&'static [u8]",
    "Box<dyn Fn() + Send>",
    "fn(u8) -> u8",
    "impl Send",
    "impl Future<Output = u8>",
    "&u8",
    "&'a T",
    "&mut u8",
    "T",
    "Self",
    "core::time::Duration",
    "Result<u8, E>",
    "*const u8",
    "dyn Send",
    "!",
    "_",
    "<T as Trait>::Assoc",
    "BoxedFuture<'static, ()>",
    "TaskRef",
];

const PATTERNS: &[&str] = &[
    "x",
    "mut x",
    "_",
    "(a, b)",
    "ref r",
    "r#type",
    "Point { x, y }",
    "[a, b]",
    "a @ _",
    "&x",
];

const BODIES: &[&str] = &[
    "{}",
    "{ 1 }",
    "{ let x = 1; x }",
    "{ async {}.await; }",
    "{ loop {} }",
    "{ #![allow(unused)] }",
    "{ Ok(()) }",
    "{ todo!() }",
    "{ return; }",
    "{ let v = vec![1, 2]; drop(v); }",
    "{ self.runtime.spawn(fut); Ok(()) }",
    "{ match x { _ => {} } }",
    "{ unsafe { core::hint::unreachable_unchecked() } }",
];

const FN_ATTRS: &[&str] = &[
    "#[doc = \"generated\"]",
    "#[inline]",
    "#[allow(unused)]",
    "#[cfg(all())]",
    "#[must_use]",
    "#[test]",
    "#[should_panic(expected = \"x\")]",
    "#[ignore]",
    "/// A doc comment.\n",
    "#[cfg_attr(all(), inline)]",
];

const OPTION_KEYS: &[&str] = &[
    "pool", "pool", "crate", "crate", "executor", "entry", "state", "unknown", "r#pool", "self",
    "Pool", "crate_",
];

const OPTION_VALUES: &[&str] = &[
    "1",
    "4",
    "0",
    "usize::MAX",
    "-1",
    "99999999999999999999999999",
    "2 * 4",
    "N",
    "Foo::<A>::N",
    "{ 3 }",
    "\"4\"",
    "4u8",
    "1.5",
    "::wrt",
    "wrt_async_core",
    "crate",
    "crate::x",
    "&MY_EXEC",
    "MyExec::new()",
    "&'static X",
    "|x| x",
    "if a { 1 } else { 2 }",
    "[1, 2]",
    "(1,)",
    "state",
    "r#async",
    "Some(Ex)",
    "board::start",
    "Tokio { state: ExecutorState::new() }",
];

fn gen_type(rng: &mut Rng, depth: usize) -> String {
    if depth < 3 && rng.percent(20) {
        let inner = gen_type(rng, depth + 1);
        match rng.below(5) {
            0 => format!("Option<{inner}>"),
            1 => format!("&{inner}"),
            2 => format!("({inner}, {})", gen_type(rng, depth + 1)),
            3 => format!("[{inner}; 2]"),
            _ => format!("Box<{inner}>"),
        }
    } else {
        rng.pick(TYPES).to_string()
    }
}

fn gen_params(rng: &mut Rng, receivers: bool) -> String {
    let mut params = Vec::new();
    if receivers && rng.percent(10) {
        params.push(
            rng.pick(&["self", "&self", "&mut self", "mut self"])
                .to_string(),
        );
    }
    for _ in 0..rng.below(5) {
        params.push(format!("{}: {}", rng.pick(PATTERNS), gen_type(rng, 0)));
    }
    params.join(", ")
}

/// A syntactically valid `fn` item.
fn gen_fn(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(3) {
        s += rng.pick(FN_ATTRS);
        s += " ";
    }
    s += rng.pick(&["", "", "", "pub ", "pub(crate) ", "pub(super) "]);
    if rng.percent(5) {
        s += "const ";
    }
    if rng.percent(88) {
        s += "async ";
    }
    if rng.percent(5) {
        s += "unsafe ";
    }
    if rng.percent(3) {
        s += "extern \"C\" ";
    }
    s += "fn ";
    s += rng.pick(&[
        "f", "main", "task", "blink", "worker", "r#type", "run_it", "tick",
    ]);
    if rng.percent(12) {
        s += rng.pick(&[
            "<T>",
            "<'a>",
            "<T: Send + 'static>",
            "<const N: usize>",
            "<T, U>",
        ]);
    }
    s += &format!("({})", gen_params(rng, true));
    if rng.percent(40) {
        s += &format!(" -> {}", gen_type(rng, 0));
    }
    if rng.percent(5) {
        s += " where T: Copy";
    }
    s += " ";
    s += rng.pick(BODIES);
    s
}

/// A syntactically valid `impl` block, mostly of executor-like methods.
fn gen_impl(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.percent(10) {
        s += rng.pick(FN_ATTRS);
    }
    s += "impl";
    let generic = rng.percent(10);
    if generic {
        s += "<T: Send>";
    }
    s += " ";
    if rng.percent(5) {
        s += "WrtExecutor for ";
    }
    s += rng.pick(&["MyExec", "Tokio", "Embassy", "Wrapper", "crate::Exec"]);
    if generic {
        s += "<T>";
    }
    if rng.percent(5) {
        s += " where T: Copy";
    }
    s += " {";
    if rng.percent(5) {
        // Inner attributes come first.
        s += " #![allow(unused)]";
    }
    for _ in 0..rng.below(6) {
        s += " ";
        if rng.percent(12) {
            s += rng.pick(&["const X: u8 = 1;", "type T = u8;", "m! {}"]);
            continue;
        }
        if rng.percent(10) {
            s += rng.pick(&["#[inline] ", "#[doc = \"m\"] ", "#[cfg(all())] "]);
        }
        s += rng.pick(&["", "", "", "pub ", "pub(crate) "]);
        if rng.percent(5) {
            s += rng.pick(&["async ", "const ", "unsafe "]);
        }
        let name = rng.pick(&[
            "spawn",
            "spawn",
            "spawn_task",
            "block_on",
            "block_on",
            "poll_once",
            "shutdown",
            "is_running",
            "stats",
            "helper",
            "new",
        ]);
        s += "fn ";
        s += name;
        let receiver = rng.pick(&[
            "&self",
            "&self",
            "&self",
            "&mut self",
            "self",
            "&'static self",
            "",
        ]);
        let (generics, args, ret) = match name {
            "spawn" => (
                "",
                rng.pick(&[
                    "fut: BoxedFuture<'static, ()>",
                    "fut: F",
                    "f: Pin<Box<dyn Future<Output = ()> + Send>>",
                    "",
                ]),
                rng.pick(&[
                    "-> Result<(), ExecutorError>",
                    "-> Result<TaskHandle, ExecutorError>",
                    "",
                    "-> u8",
                ]),
            ),
            "spawn_task" => (
                "",
                rng.pick(&["task: TaskRef", "task: TaskRef, x: u8", ""]),
                rng.pick(&["-> Result<(), ExecutorError>", ""]),
            ),
            "block_on" => (
                rng.pick(&["<F: Future>", "<F>", "", "<F: Future, G>"]),
                rng.pick(&["fut: F", "fut: Pin<&mut dyn Future<Output = ()>>", ""]),
                rng.pick(&["-> F::Output", "", "-> Result<F::Output, ExecutorError>"]),
            ),
            _ => (
                "",
                rng.pick(&["", "x: u8"]),
                rng.pick(&["", "-> Result<(), ExecutorError>", "-> bool", "-> Self"]),
            ),
        };
        let comma = if receiver.is_empty() || args.is_empty() {
            ""
        } else {
            ", "
        };
        s += &format!(
            "{generics}({receiver}{comma}{args}) {ret} {}",
            rng.pick(BODIES)
        );
    }
    s += " }";
    s
}

/// Attribute arguments: mostly `key = value` options, some malformed.
fn gen_attr(rng: &mut Rng) -> String {
    let mut parts = Vec::new();
    for _ in 0..rng.below(4) {
        parts.push(match rng.below(20) {
            0 => rng.pick(OPTION_KEYS).to_string(),
            1 => format!("{} =", rng.pick(OPTION_KEYS)),
            2 => format!("= {}", rng.pick(OPTION_VALUES)),
            3 => rng.pick(OPTION_VALUES).to_string(),
            _ => format!("{} = {}", rng.pick(OPTION_KEYS), rng.pick(OPTION_VALUES)),
        });
    }
    let mut s = parts.join(", ");
    if rng.percent(10) {
        s += ",";
    }
    s
}

/// Documented usage (docs/macros.md), with variations: each macro must
/// accept it, with no `compile_error!`.
fn gen_canonical(rng: &mut Rng, name: &str) -> (String, String) {
    let docs = if rng.percent(30) {
        "/// Documented.\n#[allow(unused)] "
    } else {
        ""
    };
    let vis = rng.pick(&["", "pub ", "pub(crate) "]);
    let body = rng.pick(&[
        "{}",
        "{ let x = 1; let _ = x; }",
        "{ async {}.await; }",
        "{ #![allow(unused)] }",
    ]);
    let crate_option = if rng.percent(20) {
        "crate = ::wrt_async_core"
    } else {
        ""
    };
    match name {
        "main" => {
            let option = rng.pick(&[
                "",
                "executor = MyExec::new()",
                "executor = &EXEC",
                "entry = cortex_m_rt::entry",
            ]);
            let ret = if option.starts_with("entry") {
                ""
            } else {
                rng.pick(&["", "-> ()", "-> Result<(), std::io::Error>"])
            };
            let attr = [option, crate_option]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            (attr, format!("{docs}async fn main() {ret} {body}"))
        }
        "task" => {
            let pool = rng.pick(&[
                "",
                "pool = 4",
                "pool = LEDS",
                "pool = LEDS * 2",
                "pool = size_of::<u32>()",
            ]);
            let params: Vec<String> = (0..rng.below(5))
                .map(|i| {
                    format!(
                        "{}a{i}: {}",
                        rng.pick(&["", "mut "]),
                        rng.pick(&[
                            "u8",
                            "u32",
                            "&'static str",
                            "Option<u16>",
                            "[u8; 4]",
                            "Vec<u8>",
                            "(u8, bool)"
                        ])
                    )
                })
                .collect();
            let ret = rng.pick(&["", "-> u32", "-> Result<(), Error>", "-> &'static str"]);
            let attr = [pool, crate_option]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            (
                attr,
                format!(
                    "{docs}{vis}async fn blink({}) {ret} {body}",
                    params.join(", ")
                ),
            )
        }
        "test" => {
            let option = rng.pick(&["", "", "executor = MyExec::new()"]);
            let ret = rng.pick(&["", "-> Result<(), String>"]);
            let attr = [option, crate_option]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            (attr, format!("{docs}async fn adds() {ret} {body}"))
        }
        _ => {
            let state = rng.pick(&["", "state = st", "state = 0"]);
            let mut methods = vec![rng
                .pick(&[
                    "fn spawn(&self, fut: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> { self.rt.spawn(fut); Ok(()) }",
                    "fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> { self.rt.spawn(task); Ok(()) }",
                ])
                .to_string()];
            if rng.percent(50) {
                methods.push(
                    "fn block_on<F: Future>(&self, fut: F) -> F::Output { self.rt.block_on(fut) }"
                        .into(),
                );
            }
            if rng.percent(30) {
                methods.push("fn shutdown(&self) { self.rt.stop(); }".into());
            }
            if rng.percent(30) {
                methods.push("fn poll_once(&self) -> Result<(), ExecutorError> { Ok(()) }".into());
            }
            let attr = [state, crate_option]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            (
                attr,
                format!("{docs}impl Tokio {{ {} }}", methods.join(" ")),
            )
        }
    }
}

/// Deep nesting around the macros' limit, in a type or an option value.
fn gen_deep(rng: &mut Rng) -> (String, String) {
    let n = MAX_NESTING - 4 + rng.below(48);
    let (open, close) = match rng.below(5) {
        0 => ("& ".repeat(n), String::new()),
        1 => ("Option<".repeat(n), ">".repeat(n)),
        2 => ("(".repeat(n), ",)".repeat(n)),
        3 => ("- ".repeat(n), String::new()),
        _ => ("[".repeat(n), "]".repeat(n)),
    };
    if rng.percent(50) {
        (
            String::new(),
            format!("async fn f(x: {open}u8{close}) {{}}"),
        )
    } else {
        (
            format!("pool = {open}1{close}"),
            "async fn f() {}".to_string(),
        )
    }
}

// ------------------------------------------------------------------ tokens

fn tokens(source: &str) -> TokenStream {
    TokenStream::from_str(source).unwrap_or_else(|e| panic!("generator bug: {source:?}: {e}"))
}

fn random_ident(rng: &mut Rng) -> Ident {
    if rng.percent(5) {
        let raw = rng.pick(RAW_IDENTS).trim_start_matches("r#");
        return Ident::new_raw(raw, Span::call_site());
    }
    let name = rng.pick(IDENTS);
    // `self`, `Self`, `crate`, `super` and `_` are identifiers to
    // proc_macro but cannot be raw; everything here is a plain one.
    Ident::new(name, Span::call_site())
}

fn random_literal(rng: &mut Rng) -> Literal {
    match rng.below(9) {
        0 => Literal::u8_suffixed(rng.next() as u8),
        1 => Literal::usize_unsuffixed(rng.below(10)),
        2 => Literal::u64_unsuffixed(rng.next()),
        3 => Literal::i32_unsuffixed(-(rng.below(100) as i32)),
        4 => Literal::f64_unsuffixed((rng.below(1000) as f64) / 7.0),
        5 => Literal::string(rng.pick(&["", "x", "}", "a ( b", "::wrt", "\u{1F980}"])),
        6 => Literal::character(rng.pick(&["a", "'", "\\", "\u{0}"]).chars().next().unwrap()),
        7 => Literal::byte_string(b"bytes"),
        _ => Literal::from_str("1_000u32").unwrap(),
    }
}

/// One random token tree; groups (up to `depth`) hold token soup.
fn random_tree(rng: &mut Rng, depth: usize) -> TokenTree {
    match rng.below(10) {
        0..=3 => TokenTree::Ident(random_ident(rng)),
        4..=6 => {
            let ch = PUNCTS[rng.below(PUNCTS.len())];
            let spacing = if rng.percent(30) {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            TokenTree::Punct(Punct::new(ch, spacing))
        }
        7 => TokenTree::Literal(random_literal(rng)),
        8 if depth == 0 => TokenTree::Literal(random_literal(rng)),
        _ => {
            let delimiter = random_delimiter(rng);
            TokenTree::Group(Group::new(delimiter, soup(rng, depth.saturating_sub(1))))
        }
    }
}

fn random_delimiter(rng: &mut Rng) -> Delimiter {
    match rng.below(4) {
        0 => Delimiter::Parenthesis,
        1 => Delimiter::Brace,
        2 => Delimiter::Bracket,
        _ => Delimiter::None,
    }
}

/// Up to a dozen random token trees.
fn soup(rng: &mut Rng, depth: usize) -> TokenStream {
    let mut trees = Vec::new();
    for _ in 0..rng.below(12) {
        // A lifetime: the only way rustc hands a macro a `'`.
        if rng.percent(4) {
            trees.push(TokenTree::Punct(Punct::new('\'', Spacing::Joint)));
            trees.push(TokenTree::Ident(Ident::new(
                rng.pick(&["a", "static", "_"]),
                Span::call_site(),
            )));
            continue;
        }
        trees.push(random_tree(rng, depth));
    }
    trees.into_iter().collect()
}

/// A random subtree of `stream`, for splicing into another input.
fn random_subtree(rng: &mut Rng, stream: &TokenStream) -> Option<TokenTree> {
    let trees: Vec<TokenTree> = stream.clone().into_iter().collect();
    if trees.is_empty() {
        return None;
    }
    let tree = trees[rng.below(trees.len())].clone();
    match &tree {
        TokenTree::Group(group) if rng.percent(50) => {
            random_subtree(rng, &group.stream()).or(Some(tree))
        }
        _ => Some(tree),
    }
}

/// One token-level mutation of `stream` (`donor` supplies spliced trees).
fn mutate(rng: &mut Rng, stream: TokenStream, donor: &TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let len = trees.len();
    let at = rng.below(len + 1);
    match rng.below(12) {
        0 if len > 0 => {
            trees.remove(at.min(len - 1));
        }
        1 if len > 0 => {
            let tree = trees[at.min(len - 1)].clone();
            trees.insert(at.min(len - 1), tree);
        }
        2 if len > 1 => trees.swap(rng.below(len), rng.below(len)),
        3 if len > 0 => {
            let i = rng.below(len);
            trees[i] = match &trees[i] {
                TokenTree::Literal(_) => TokenTree::Literal(random_literal(rng)),
                _ => TokenTree::Ident(random_ident(rng)),
            };
        }
        4 => trees.insert(at, random_tree(rng, 1)),
        5..=7 => {
            // Mutate inside a group: where signatures and bodies are.
            let groups: Vec<usize> = (0..len)
                .filter(|&i| matches!(trees[i], TokenTree::Group(_)))
                .collect();
            if let Some(&i) = groups.get(rng.below(groups.len().max(1))) {
                if let TokenTree::Group(group) = &trees[i] {
                    let inner = mutate(rng, group.stream(), donor);
                    let delimiter = if rng.percent(10) {
                        random_delimiter(rng)
                    } else {
                        group.delimiter()
                    };
                    trees[i] = TokenTree::Group(Group::new(delimiter, inner));
                }
            }
        }
        8 if len > 0 => {
            // Flatten a group into its contents.
            let i = rng.below(len);
            if let TokenTree::Group(group) = trees[i].clone() {
                trees.splice(i..=i, group.stream());
            }
        }
        9 if len > 0 => {
            // Wrap a range into a new group.
            let start = rng.below(len);
            let end = start + rng.below(len - start) + 1;
            let inner: TokenStream = trees.drain(start..end).collect();
            trees.insert(
                start,
                TokenTree::Group(Group::new(random_delimiter(rng), inner)),
            );
        }
        10 => {
            if let Some(tree) = random_subtree(rng, donor) {
                trees.insert(at, tree);
            }
        }
        _ if len > 0 => trees.truncate(rng.below(len)),
        _ => trees.push(random_tree(rng, 2)),
    }
    trees.into_iter().collect()
}

// ------------------------------------------------------------------ checks

/// Top-level `compile_error` tokens (a recursive `to_string` of a deep
/// output could itself overflow the stack).
fn reports_error(out: &TokenStream) -> bool {
    out.clone()
        .into_iter()
        .any(|tree| matches!(tree, TokenTree::Ident(ident) if ident == "compile_error"))
}

#[derive(Default)]
struct Tally {
    canonical: usize,
    grammar: usize,
    mutated: usize,
    soup: usize,
    deep: usize,
    with_errors: usize,
    findings: Vec<String>,
}

impl Tally {
    fn total(&self) -> usize {
        self.canonical + self.grammar + self.mutated + self.soup + self.deep
    }
}

fn input_for(rng: &mut Rng, name: &str) -> (String, String) {
    let item = match (name, rng.percent(90)) {
        ("executor", true) => gen_impl(rng),
        ("executor", false) => gen_fn(rng),
        (_, true) => gen_fn(rng),
        (_, false) => gen_impl(rng),
    };
    let attr = if rng.percent(35) {
        String::new()
    } else {
        gen_attr(rng)
    };
    (attr, item)
}

fn fuzz_one(name: &str, expand: Expand, rng: &mut Rng, tally: &mut Tally) {
    enum Kind {
        Canonical,
        Grammar,
        Mutated,
        Soup,
        Deep,
    }
    let roll = rng.below(100);
    let (kind, attr, item) = if roll < 10 {
        let (attr, item) = gen_canonical(rng, name);
        (Kind::Canonical, tokens(&attr), tokens(&item))
    } else if roll < 30 {
        let (attr, item) = input_for(rng, name);
        (Kind::Grammar, tokens(&attr), tokens(&item))
    } else if roll < 85 {
        // Half of the mutants start from documented usage, which gets
        // furthest into the expansion code before a mutation trips it.
        let (attr, item) = if rng.percent(50) {
            gen_canonical(rng, name)
        } else {
            input_for(rng, name)
        };
        let (_, donor) = input_for(rng, name);
        let donor = tokens(&donor);
        let (mut attr, mut item) = (tokens(&attr), tokens(&item));
        for _ in 0..1 + rng.below(4) {
            if rng.percent(30) {
                attr = mutate(rng, attr, &donor);
            } else {
                item = mutate(rng, item, &donor);
            }
        }
        (Kind::Mutated, attr, item)
    } else if roll < 97 {
        let attr = if rng.percent(50) {
            soup(rng, 3)
        } else {
            tokens(&gen_attr(rng))
        };
        let item = if rng.percent(50) {
            soup(rng, 3)
        } else {
            tokens(&gen_fn(rng))
        };
        (Kind::Soup, attr, item)
    } else {
        let (attr, item) = gen_deep(rng);
        (Kind::Deep, tokens(&attr), tokens(&item))
    };
    let describe = || format!("#[wrt::{name}({attr})] {item}");
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| expand(attr.clone(), item.clone())));
    let out = match outcome {
        Ok(out) => out,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            tally
                .findings
                .push(format!("panic ({message}) on {}", describe()));
            return;
        }
    };
    if !item.is_empty() && out.is_empty() {
        tally
            .findings
            .push(format!("empty expansion of {}", describe()));
    }
    if reports_error(&out) {
        tally.with_errors += 1;
    }
    match kind {
        Kind::Canonical => {
            tally.canonical += 1;
            if reports_error(&out) {
                tally
                    .findings
                    .push(format!("documented usage refused: {}:\n{out}", describe()));
            } else if let Err(error) = syn::parse2::<syn::File>(out.clone()) {
                tally.findings.push(format!(
                    "unparsable expansion ({error}) of {}:\n{out}",
                    describe()
                ));
            }
        }
        Kind::Grammar => {
            tally.grammar += 1;
            // Valid syntax in, valid syntax out: errors are reported as
            // `compile_error!` items beside (or instead of) the item.
            if let Err(error) = syn::parse2::<syn::File>(out.clone()) {
                tally.findings.push(format!(
                    "unparsable expansion ({error}) of {}:\n{out}",
                    describe()
                ));
            }
        }
        Kind::Mutated => tally.mutated += 1,
        Kind::Soup => tally.soup += 1,
        Kind::Deep => tally.deep += 1,
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn expansions_never_panic_and_always_return_code() {
    let seconds = env_number("WRT_FUZZ_SECONDS").unwrap_or(1);
    let max_cases = env_number("WRT_FUZZ_CASES").unwrap_or(u64::MAX) as usize;
    let seed = env_number("WRT_FUZZ_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    println!(
        "macro fuzzing: seed {seed} (replay with WRT_FUZZ_SEED={seed}), {seconds} s per macro"
    );

    // Panics are the findings: keep the default hook from printing each.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut findings = Vec::new();
    for (index, (name, expand)) in MACROS.into_iter().enumerate() {
        let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let mut tally = Tally::default();
        let start = Instant::now();
        let budget = Duration::from_secs(seconds);
        while start.elapsed() < budget && tally.total() < max_cases {
            fuzz_one(name, expand, &mut rng, &mut tally);
        }
        println!(
            "macro fuzzing: {name}: {} inputs in {:.1} s ({} documented usage, {} grammar, \
             {} mutated, {} soup, {} deep; {} expanded with compile_error!), {} findings",
            tally.total(),
            start.elapsed().as_secs_f64(),
            tally.canonical,
            tally.grammar,
            tally.mutated,
            tally.soup,
            tally.deep,
            tally.with_errors,
            tally.findings.len(),
        );
        findings.extend(tally.findings.into_iter().map(|f| format!("{name}: {f}")));
    }
    panic::set_hook(hook);
    assert!(
        findings.is_empty(),
        "{} findings (seed {seed}); the first ones:\n{}",
        findings.len(),
        findings
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
