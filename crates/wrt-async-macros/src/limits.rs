//! A bound on how deeply nested the input handed to `syn` may be.
//!
//! syn parses recursively, with large stack frames in unoptimised builds
//! (about 20 KiB per level of `&&&..T`), so adversarial input (a hundred
//! `&` in a type, `- - - 1` in an option) could overflow the stack: an
//! abort, not a panic, that nothing can catch. The macros never parse
//! function bodies, only attributes, options and signatures, whose real
//! nesting is a handful of levels. [`nesting`] over-approximates how deep
//! syn will recurse on some tokens, without recursing itself; pieces deeper
//! than [`MAX_NESTING`] are refused with an error instead of parsed.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use crate::diag::Errors;

/// The deepest [`nesting`] parsed. Real signatures stay under 16 (e.g.
/// `Option<Box<dyn Fn(&u8) -> Result<(), E> + Send>>` is 6); at 32 levels
/// syn's recursion stays far below a 2 MiB stack even unoptimised.
pub const MAX_NESTING: usize = 32;

/// Over-approximates syn's recursion depth when parsing `stream`: group
/// nesting, plus open `<` brackets, plus runs of prefix operators and
/// keywords (`& & & T`, `- - 1`, `return return`), plus right-nested
/// chains (`->`, `=`, `|`, `@`, `else`) within one comma-separated piece.
/// Stops counting once past `cap`, so it is cheap on huge inputs.
pub fn nesting(stream: &TokenStream, cap: usize) -> usize {
    struct Frame {
        trees: proc_macro2::token_stream::IntoIter,
        base: usize,
        angle: usize,
        chain: usize,
        run: usize,
        /// The previous token was a joint `-` or `=`: a following `>` is
        /// part of `->`/`=>`, not a closing bracket.
        arrow_head: bool,
        /// The previous token was a lifetime's `'`: the identifier after
        /// it does not end a run (`&'a &'a T`).
        quote: bool,
    }
    let frame = |trees: TokenStream, base| Frame {
        trees: trees.into_iter(),
        base,
        angle: 0,
        chain: 0,
        run: 0,
        arrow_head: false,
        quote: false,
    };
    let mut deepest = 0;
    let mut stack = vec![frame(stream.clone(), 0)];
    while let Some(top) = stack.last_mut() {
        let Some(tree) = top.trees.next() else {
            stack.pop();
            continue;
        };
        let level = top.base + top.angle + top.chain + top.run;
        deepest = deepest.max(level);
        if deepest > cap {
            return deepest;
        }
        let arrow_head = std::mem::take(&mut top.arrow_head);
        let quote = std::mem::take(&mut top.quote);
        match tree {
            TokenTree::Group(group) => {
                top.run = 0;
                let inner = frame(group.stream(), level + 1);
                stack.push(inner);
            }
            TokenTree::Punct(punct) => {
                let joint = punct.spacing() == Spacing::Joint;
                match punct.as_char() {
                    ',' | ';' => {
                        top.chain = 0;
                        top.run = 0;
                    }
                    '<' => top.angle += 1,
                    '>' if arrow_head => top.chain += 1,
                    '>' => top.angle = top.angle.saturating_sub(1),
                    '=' | '|' | '@' => {
                        top.chain += 1;
                        top.arrow_head = joint;
                    }
                    '\'' => top.quote = true,
                    // Path separators and attributes start no recursion.
                    ':' | '#' => {}
                    other => {
                        top.run += 1;
                        top.arrow_head = other == '-' && joint;
                    }
                }
            }
            TokenTree::Ident(ident) => {
                let word = ident.to_string();
                if word == "else" {
                    top.chain += 1;
                } else if PREFIX_KEYWORDS.contains(&word.as_str()) {
                    top.run += 1;
                } else if !quote {
                    top.run = 0;
                }
            }
            TokenTree::Literal(_) => top.run = 0,
        }
    }
    deepest
}

/// Keywords that start a nested type, pattern or expression.
const PREFIX_KEYWORDS: &[&str] = &[
    "async", "box", "break", "const", "dyn", "for", "if", "impl", "in", "let", "loop", "match",
    "move", "mut", "ref", "return", "static", "unsafe", "while", "yield",
];

/// `true` if `stream` is shallow enough to parse; otherwise reports why at
/// its first token.
pub fn check(stream: &TokenStream, what: &str, macro_name: &str, errors: &mut Errors) -> bool {
    if nesting(stream, MAX_NESTING) <= MAX_NESTING {
        return true;
    }
    errors.spanned(
        stream.clone().into_iter().next(),
        format!(
            "`#[{macro_name}]` cannot check {what}: it nests more than {MAX_NESTING} levels deep; \
             simplify it (e.g. with a type alias)"
        ),
    );
    false
}

/// `item` without its last top-level `{ .. }` group: everything of a
/// function but its body.
pub fn without_body(item: &TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = item.clone().into_iter().collect();
    if matches!(trees.last(), Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace)
    {
        trees.pop();
    }
    trees.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use quote::quote;

    use super::*;

    fn depth(source: &str) -> usize {
        nesting(&TokenStream::from_str(source).expect("lexes"), 1000)
    }

    #[test]
    fn real_signatures_are_shallow() {
        for source in [
            "async fn f(x: Option<Box<dyn Fn(&u8) -> Result<(), E> + Send>>)",
            "pub async fn blink(led: &'static Led, period_ms: u32, (a, b): (u8, u8)) -> !",
            "#[cfg_attr(all(feature = \"x\", not(test)), allow(unused))] #[doc = \" Docs.\"]",
            "pool = LEDS * 2, crate = ::my::wrt, executor = MyExec::new(16).named(\"main\")",
            "fn block_on<'a, F: Future + 'a>(&'a self, f: F) -> Result<F::Output, ExecutorError> \
             where F::Output: Send",
            "async fn g(m: HashMap<String, Vec<Option<Arc<Mutex<Box<dyn Fn(Vec<u8>) -> Pin<Box<\
             dyn Future<Output = Result<(), Error>> + Send>> + Send>>>>>>)",
        ] {
            let depth = depth(source);
            assert!(depth <= MAX_NESTING / 2, "{depth} for {source}");
        }
    }

    #[test]
    fn recursive_shapes_count() {
        for prefix in [
            "& ",
            "- ",
            "Option<",
            "&'a ",
            "-",
            "-> fn() ",
            "|x| ",
            "a = ",
            "if a {} else ",
            "x @ ",
            "return ",
            "!",
        ] {
            let depth = depth(&format!("{}u8", prefix.repeat(40)));
            assert!(depth >= 40, "{depth} for {prefix:?}");
        }
        assert!(depth(&format!("{}u8{}", "(".repeat(40), ")".repeat(40))) >= 40);
    }

    #[test]
    fn commas_end_chains() {
        assert!(depth(&"a = 1, ".repeat(100)) < 4);
    }

    #[test]
    fn strips_the_body() {
        let head = without_body(&quote!(
            async fn f(x: u8) {
                x;
            }
        ));
        assert_eq!(head.to_string(), "async fn f (x : u8)");
    }
}
