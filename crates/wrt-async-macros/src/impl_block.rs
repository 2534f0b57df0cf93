//! An `impl` block read for `#[wrt::executor]`: the header and the method
//! signatures are parsed, method bodies and other items are skipped as raw
//! tokens.
//!
//! Skipping bodies keeps a syntax error inside one method from hiding the
//! whole impl (rustc reports it where it is, the rest still expands), and
//! bounds what syn parses (see `limits`). The block itself is re-emitted
//! unchanged, so nothing here needs to rebuild it.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Generics, Signature, Token, Type, Visibility};

use crate::diag::Errors;
use crate::limits;

const MACRO: &str = "wrt::executor";

/// The parts of `impl<G> Type where .. { .. }` the macro needs.
pub struct ImplBlock {
    /// Generics with the where clause.
    pub generics: Generics,
    /// The implementing type.
    pub self_ty: Type,
    /// Every `fn` whose signature parsed.
    pub methods: Vec<Method>,
}

/// One method of the block.
pub struct Method {
    /// Its outer attributes.
    pub attrs: Vec<Attribute>,
    /// Its signature.
    pub sig: Signature,
}

/// Reads `item`; a wrong kind of item or an unreadable header is an `Err`,
/// an unreadable method signature is reported into `errors` and skipped.
pub fn parse(item: &TokenStream, errors: &mut Errors) -> syn::Result<ImplBlock> {
    let trees: Vec<TokenTree> = item.clone().into_iter().collect();
    let Some(body_at) = body_index(&trees, 0) else {
        return Err(not_an_impl(&trees));
    };
    let header: TokenStream = trees[..body_at].iter().cloned().collect();
    let mut too_deep = Errors::new();
    if !limits::check(&header, "this impl header", MACRO, &mut too_deep) {
        return Err(too_deep.into_error().unwrap_or_else(|| not_an_impl(&trees)));
    }
    let (generics, self_ty) = parse_header(header, &trees)?;
    if body_at + 1 != trees.len() {
        return Err(syn::Error::new(
            trees[body_at + 1].span(),
            "unexpected tokens after the `impl` block",
        ));
    }
    let TokenTree::Group(body) = &trees[body_at] else {
        return Err(not_an_impl(&trees));
    };
    Ok(ImplBlock {
        generics,
        self_ty,
        methods: methods(body, errors),
    })
}

fn not_an_impl(trees: &[TokenTree]) -> syn::Error {
    let item: TokenStream = trees.iter().cloned().collect();
    let is_type = trees.iter().any(|tree| {
        matches!(tree, TokenTree::Ident(ident) if ident == "struct" || ident == "enum" || ident == "union")
    });
    let message = if is_type {
        format!(
            "`#[{MACRO}]` goes on the `impl` block holding your executor's methods, not on the \
             type: write `#[{MACRO}] impl MyExecutor {{ fn spawn(..) .. }}`"
        )
    } else {
        format!(
            "`#[{MACRO}]` can only be applied to an inherent `impl` block: \
             `#[{MACRO}] impl MyExecutor {{ fn spawn(..) .. }}`"
        )
    };
    syn::Error::new_spanned(first_tokens(&item), message)
}

/// The first few tokens of `item`, to underline a small part of a
/// wrong item rather than all of it.
fn first_tokens(item: &TokenStream) -> TokenStream {
    item.clone()
        .into_iter()
        .skip_while(|tree| matches!(tree, TokenTree::Punct(p) if p.as_char() == '#'))
        .skip_while(
            |tree| matches!(tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket),
        )
        .take(2)
        .collect()
}

/// `#[attrs] unsafe? impl<G> Type where ..` → generics and type; a trait
/// impl is an error naming the trait.
fn parse_header(header: TokenStream, trees: &[TokenTree]) -> syn::Result<(Generics, Type)> {
    let parser = |input: ParseStream<'_>| {
        input.call(Attribute::parse_outer)?;
        input.parse::<Option<Token![unsafe]>>()?;
        if !input.peek(Token![impl]) {
            return Err(not_an_impl(trees));
        }
        input.parse::<Token![impl]>()?;
        // `impl<T>` generics, but not `impl <T as X>::Y` (a qualified type).
        let mut generics = if input.peek(Token![<]) && !input.peek2(Token![>]) {
            input.parse::<Generics>()?
        } else {
            Generics::default()
        };
        let negative = input.parse::<Option<Token![!]>>()?;
        let first: Type = input.parse()?;
        if negative.is_some() || input.peek(Token![for]) {
            let for_token = input.parse::<Token![for]>()?;
            let _self_ty: Type = input.parse()?;
            return Err(syn::Error::new_spanned(
                quote::quote!(#first #for_token),
                format!(
                    "`#[{MACRO}]` goes on an inherent `impl MyExecutor {{ .. }}` block: it writes \
                     the `WrtExecutor` impl itself; remove `{} for`",
                    quote::quote!(#first).to_string().replace(' ', "")
                ),
            ));
        }
        generics.where_clause = input.parse()?;
        Ok((generics, first))
    };
    parser.parse2(header)
}

/// Index of the first top-level `{ .. }` group at angle-bracket depth 0 at
/// or after `from`: a body, not a const argument like `Foo<{ N }>`.
fn body_index(trees: &[TokenTree], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut previous_joint_minus = false;
    for (index, tree) in trees.iter().enumerate().skip(from) {
        match tree {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace && depth == 0 => {
                return Some(index);
            }
            TokenTree::Punct(punct) => {
                match punct.as_char() {
                    '<' => depth += 1,
                    // `->` is not a closing bracket.
                    '>' if !previous_joint_minus => depth = depth.saturating_sub(1),
                    _ => {}
                }
                previous_joint_minus =
                    punct.as_char() == '-' && punct.spacing() == proc_macro2::Spacing::Joint;
                continue;
            }
            _ => {}
        }
        previous_joint_minus = false;
    }
    None
}

/// The methods of the block's body; other items are skipped.
fn methods(body: &Group, errors: &mut Errors) -> Vec<Method> {
    let trees: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut methods = Vec::new();
    let mut index = 0;
    while index < trees.len() {
        let end = item_end(&trees, index);
        if let Some(method) = method(&trees[index..end], errors) {
            methods.push(method);
        }
        // `item_end` always moves forward; the `max` makes that certain.
        index = end.max(index + 1);
    }
    methods
}

/// One past the last token of the item starting at `start`: a `fn` ends
/// with its body, anything else with `;` or a macro's `{ .. }`.
fn item_end(trees: &[TokenTree], start: usize) -> usize {
    let mut index = start;
    // Attributes (outer `#[..]`, inner `#![..]`).
    while matches!(trees.get(index), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        index += 1;
        if matches!(trees.get(index), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
            index += 1;
        }
        if matches!(trees.get(index), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
        {
            index += 1;
        }
        if is_inner_attr(trees, start, index) {
            return index;
        }
    }
    if fn_keyword(trees, index).is_some() {
        return body_index(trees, index).map_or(trees.len(), |body| body + 1);
    }
    let mut previous_bang = false;
    while let Some(tree) = trees.get(index) {
        index += 1;
        match tree {
            TokenTree::Punct(p) if p.as_char() == ';' => return index,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace && previous_bang => {
                return index;
            }
            _ => {}
        }
        previous_bang = matches!(tree, TokenTree::Punct(p) if p.as_char() == '!');
    }
    index
}

/// `#![..]` at the start of the block is an item of its own.
fn is_inner_attr(trees: &[TokenTree], start: usize, index: usize) -> bool {
    index == start + 3
        && matches!(trees.get(start + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!')
}

/// Index of `fn` if the tokens at `index` are `vis? qualifiers fn`.
fn fn_keyword(trees: &[TokenTree], mut index: usize) -> Option<usize> {
    while let Some(tree) = trees.get(index) {
        match tree {
            TokenTree::Ident(ident) if ident == "fn" => return Some(index),
            TokenTree::Ident(ident)
                if [
                    "pub", "const", "async", "unsafe", "extern", "default", "safe",
                ]
                .iter()
                .any(|word| ident == word) => {}
            // `pub(crate)`.
            TokenTree::Group(group) if group.delimiter() == Delimiter::Parenthesis => {}
            // `extern "C"`.
            TokenTree::Literal(_) => {}
            _ => return None,
        }
        index += 1;
    }
    None
}

/// The method in `item` (attributes, visibility, signature, body), if it is
/// one; an unreadable signature is reported.
fn method(item: &[TokenTree], errors: &mut Errors) -> Option<Method> {
    let body_at = item.len().checked_sub(1)?;
    if !matches!(&item[body_at], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace) {
        return None;
    }
    let head: TokenStream = item[..body_at].iter().cloned().collect();
    let fn_at = {
        let attrs_end = item
            .iter()
            .position(|tree| !is_attr_token(tree))
            .unwrap_or(item.len());
        fn_keyword(item, attrs_end)?
    };
    if !limits::check(&head, "this method signature", MACRO, errors) {
        return None;
    }
    let parser = |input: ParseStream<'_>| {
        let attrs = input.call(Attribute::parse_outer)?;
        input.parse::<Visibility>()?;
        let sig: Signature = input.parse()?;
        Ok(Method { attrs, sig })
    };
    match parser.parse2(head) {
        Ok(method) => Some(method),
        Err(error) => {
            errors.push(syn::Error::new(
                item[fn_at].span(),
                format!("`#[{MACRO}]` could not read this method's signature: {error}"),
            ));
            None
        }
    }
}

fn is_attr_token(tree: &TokenTree) -> bool {
    match tree {
        TokenTree::Punct(p) => p.as_char() == '#' || p.as_char() == '!',
        TokenTree::Group(g) => g.delimiter() == Delimiter::Bracket,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn read(item: TokenStream) -> (Option<ImplBlock>, String) {
        let mut errors = Errors::new();
        let block = parse(&item, &mut errors);
        let mut text = errors.to_compile_errors().to_string();
        let block = match block {
            Ok(block) => Some(block),
            Err(error) => {
                text.push_str(&error.to_string());
                None
            }
        };
        (block, text)
    }

    #[test]
    fn finds_methods_and_skips_other_items() {
        let (block, errors) = read(quote! {
            impl<const N: usize> Exec<{ N }> where [(); N]: Sized {
                #![allow(unused)]
                const X: u8 = { 1 };
                type T = u8;
                some_macro! { fn not_a_method() {} }
                other_macro!(x);
                /// Docs.
                #[cfg(test)]
                pub(crate) fn spawn(&self, f: Foo<{ N }>) -> Result<(), E> where E: Copy, { body!() }
                fn block_on<F: Future>(&self, f: F) -> F::Output { let = ; }
            }
        });
        let block = block.expect(&errors);
        assert!(errors.is_empty(), "{errors}");
        let names: Vec<String> = block
            .methods
            .iter()
            .map(|m| m.sig.ident.to_string())
            .collect();
        assert_eq!(names, ["spawn", "block_on"]);
        assert_eq!(block.methods[0].attrs.len(), 2);
        assert!(block.generics.where_clause.is_some());
    }

    #[test]
    fn rejects_trait_impls_and_types() {
        let (_, errors) = read(quote!(impl WrtExecutor for Exec {}));
        assert!(errors.contains("remove `WrtExecutor for`"), "{errors}");
        let (_, errors) = read(quote!(
            struct Exec {
                state: u8,
            }
        ));
        assert!(errors.contains("not on the type"), "{errors}");
        let (_, errors) = read(quote!(
            fn f() {}
        ));
        assert!(errors.contains("inherent `impl` block"), "{errors}");
        let (_, errors) = read(quote!());
        assert!(errors.contains("inherent `impl` block"), "{errors}");
    }
}
