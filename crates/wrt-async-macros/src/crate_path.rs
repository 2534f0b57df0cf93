//! Where generated code finds wrt-async-core.
//!
//! In order: the `crate = path` option; else the name under which the
//! user's Cargo.toml depends on the `wrt-async-core` package (so
//! `wrt = { package = "wrt-async-core", .. }` works without help); else
//! `::wrt_async_core`.
//!
//! Inside wrt-async-core itself (its unit tests, integration tests, examples
//! and doctests) the answer is `::wrt_async_core` too: tests, examples and
//! doctests link the library under that name, and the library declares
//! `extern crate self as wrt_async_core;` so the same path works in its own
//! unit tests.

use std::path::{Path as FsPath, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{Ident, Path};

use crate::manifest::{self, Lookup};

/// The package name looked up in the user's manifest.
const PACKAGE: &str = "wrt-async-core";

/// The path to the core crate for generated code: `explicit` when the user
/// gave `crate = ..`, else resolved from the manifest.
pub fn core_path(explicit: Option<&Path>) -> TokenStream {
    match explicit {
        Some(path) => path.to_token_stream(),
        None => {
            let name = dependency_name()
                .unwrap_or_else(|| Ident::new("wrt_async_core", Span::call_site()));
            quote!(::#name)
        }
    }
}

/// The dependency key of wrt-async-core in the manifest being compiled
/// (`CARGO_MANIFEST_DIR`), or `None` to use the default name: when it is
/// the package itself, or the manifest cannot be read (no cargo, a fuzz
/// harness, rust-analyzer without env).
fn dependency_name() -> Option<Ident> {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    match manifest::find(&text, PACKAGE, || workspace_root(&dir)) {
        // A key is a crate name with `-` for `_`; parsing rather than
        // `Ident::new` keeps a surprising name from panicking.
        Lookup::Key(key) => syn::parse_str::<Ident>(&key.replace('-', "_")).ok(),
        Lookup::Itself | Lookup::Absent => None,
    }
}

/// The root manifest of the workspace `dir`'s package belongs to: the
/// nearest enclosing directory whose Cargo.toml has a `[workspace]` table.
fn workspace_root(dir: &FsPath) -> Option<String> {
    dir.ancestors().skip(1).find_map(|up| {
        let text = std::fs::read_to_string(up.join("Cargo.toml")).ok()?;
        manifest::is_workspace_root(&text).then_some(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_wins() {
        let path: Path = syn::parse_quote!(my::rt);
        assert_eq!(core_path(Some(&path)).to_string(), "my :: rt");
    }

    #[test]
    fn falls_back_to_the_package_name() {
        // The macros crate does not depend on wrt-async-core, so the manifest
        // lookup finds nothing.
        assert_eq!(core_path(None).to_string(), ":: wrt_async_core");
    }
}
