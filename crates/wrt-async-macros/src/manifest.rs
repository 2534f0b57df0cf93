//! Reads, from a Cargo manifest, the key under which it depends on a
//! package: `wrt = { package = "wrt-async-core", .. }` gives `wrt`.
//!
//! Our own small reader rather than a TOML crate: the one the macros used
//! (`proc-macro-crate`, through `toml_edit`) kept both cores of a clean build
//! busy for two seconds before `syn` could start, a quarter of the clean
//! build of a small program (docs/performance.md). Only what a manifest can
//! say about a dependency's name is read: table headers (`[dependencies]`,
//! `[dev-dependencies]`, `[build-dependencies]`, their `[target.'..'.*]`
//! forms, `[dependencies.key]`, `[workspace.dependencies]`, `[package]`),
//! `key = ..` entries with inline tables (also across lines) and dotted keys,
//! the three kinds of strings, and comments. Anything else is skipped.

use std::collections::HashMap;

/// What a manifest says about one package.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The manifest is that package's own.
    Itself,
    /// It depends on the package under this key.
    Key(String),
    /// It does not depend on it.
    Absent,
}

/// Looks up `package` in `manifest`. `workspace_root` gives the text of the
/// workspace's root manifest, asked for only when a `{ workspace = true }`
/// entry may rename the package there.
pub fn find(
    manifest: &str,
    package: &str,
    workspace_root: impl FnOnce() -> Option<String>,
) -> Lookup {
    let deps = Dependencies::read(manifest);
    if deps.package_name.as_deref() == Some(package) {
        return Lookup::Itself;
    }
    if let Some(key) = deps.key_of(package, None) {
        return Lookup::Key(key);
    }
    let inherits = deps
        .member
        .iter()
        .any(|d| d.workspace && d.package.is_none());
    if inherits {
        if let Some(root) = workspace_root() {
            let root = Dependencies::read(&root);
            if let Some(key) = deps.key_of(package, Some(&root.workspace)) {
                return Lookup::Key(key);
            }
        }
    }
    Lookup::Absent
}

/// Whether `manifest` is a workspace's root manifest (has `[workspace]`).
pub fn is_workspace_root(manifest: &str) -> bool {
    statements(manifest).iter().any(|s| s == "[workspace]")
}

/// One dependency entry.
#[derive(Debug, Default, Clone)]
struct Dependency {
    key: String,
    package: Option<String>,
    workspace: bool,
}

/// Which dependency table a header opens.
#[derive(Clone, Copy, PartialEq)]
enum Table {
    /// `[dependencies]` and its dev, build and target forms.
    Member,
    /// `[workspace.dependencies]`.
    Workspace,
    /// `[package]`.
    Package,
    Other,
}

#[derive(Default)]
struct Dependencies {
    package_name: Option<String>,
    /// In the order of the manifest: `[dependencies]` tables first (the
    /// first match wins), as the reader sorts them.
    member: Vec<Dependency>,
    workspace: HashMap<String, Dependency>,
}

impl Dependencies {
    fn read(manifest: &str) -> Self {
        let mut out = Self::default();
        // Entries of a `[dependencies.key]`-style table, until the next header.
        let mut open: Option<(Table, Dependency)> = None;
        let mut table = Table::Other;
        let mut normal_first = Vec::new();
        let mut others = Vec::new();
        let mut in_normal = false;
        for statement in statements(manifest) {
            if let Some(header) = statement.strip_prefix('[') {
                out.close(&mut open, in_normal, &mut normal_first, &mut others);
                let header = header.trim_start_matches('[');
                let header = header.trim_end().trim_end_matches(']');
                let path = dotted(header);
                let (kind, key, normal) = classify(&path);
                table = kind;
                in_normal = normal;
                if let Some(key) = key {
                    open = Some((
                        kind,
                        Dependency {
                            key,
                            ..Dependency::default()
                        },
                    ));
                    table = Table::Other;
                }
                continue;
            }
            let Some((key, value)) = split_pair(&statement) else {
                continue;
            };
            let key = dotted(key);
            if let Some((_, dep)) = &mut open {
                if key.len() == 1 {
                    apply_field(dep, &key[0], value);
                }
                continue;
            }
            match table {
                Table::Package if key == ["name"] => out.package_name = string(value),
                Table::Member | Table::Workspace => {
                    let mut dep = Dependency {
                        key: key[0].clone(),
                        ..Dependency::default()
                    };
                    match key.len() {
                        1 => {
                            if let Some(fields) = value.trim().strip_prefix('{') {
                                let fields = fields.trim_end().trim_end_matches('}');
                                for field in split_top(fields, ',') {
                                    if let Some((name, v)) = split_pair(field) {
                                        apply_field(&mut dep, name.trim(), v);
                                    }
                                }
                            }
                        }
                        2 => apply_field(&mut dep, &key[1], value),
                        _ => continue,
                    }
                    if table == Table::Workspace {
                        merge(out.workspace.entry(dep.key.clone()).or_default(), dep);
                    } else if in_normal {
                        normal_first.push(dep);
                    } else {
                        others.push(dep);
                    }
                }
                _ => {}
            }
        }
        out.close(&mut open, in_normal, &mut normal_first, &mut others);
        normal_first.extend(others);
        out.member = normal_first;
        out
    }

    fn close(
        &mut self,
        open: &mut Option<(Table, Dependency)>,
        in_normal: bool,
        normal_first: &mut Vec<Dependency>,
        others: &mut Vec<Dependency>,
    ) {
        match open.take() {
            Some((Table::Workspace, dep)) => {
                merge(self.workspace.entry(dep.key.clone()).or_default(), dep)
            }
            Some((Table::Member, dep)) if in_normal => normal_first.push(dep),
            Some((Table::Member, dep)) => others.push(dep),
            _ => {}
        }
    }

    /// The first member dependency that is `package`; a `workspace = true`
    /// entry takes its package from `workspace` when given.
    fn key_of(
        &self,
        package: &str,
        workspace: Option<&HashMap<String, Dependency>>,
    ) -> Option<String> {
        self.member.iter().find_map(|dep| {
            let inherited = match (dep.workspace, workspace) {
                (true, Some(ws)) => ws.get(&dep.key).and_then(|d| d.package.as_deref()),
                _ => None,
            };
            let name = dep.package.as_deref().or(inherited).unwrap_or(&dep.key);
            (name == package).then(|| dep.key.clone())
        })
    }
}

/// Dotted entries (`wrt.package = ..`) of one dependency add up.
fn merge(into: &mut Dependency, from: Dependency) {
    into.key = from.key;
    into.package = from.package.or(into.package.take());
    into.workspace |= from.workspace;
}

fn apply_field(dep: &mut Dependency, field: &str, value: &str) {
    match field {
        "package" => dep.package = string(value),
        "workspace" => dep.workspace = value.trim() == "true",
        _ => {}
    }
}

/// What a header's path opens: the kind of table, the dependency key of a
/// `[dependencies.key]` table, and whether it is a normal (not dev, build)
/// dependency table.
fn classify(path: &[String]) -> (Table, Option<String>, bool) {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let (table, rest) = match path.as_slice() {
        ["package"] => return (Table::Package, None, false),
        ["workspace", "dependencies", rest @ ..] => (Table::Workspace, rest),
        ["target", _, kind, rest @ ..] | [kind, rest @ ..] => {
            let normal = *kind == "dependencies";
            let member = normal
                || matches!(
                    *kind,
                    "dev-dependencies"
                        | "dev_dependencies"
                        | "build-dependencies"
                        | "build_dependencies"
                );
            if !member {
                return (Table::Other, None, false);
            }
            return match rest {
                [] => (Table::Member, None, normal),
                [key] => (Table::Member, Some((*key).to_owned()), normal),
                _ => (Table::Other, None, false),
            };
        }
        [] => return (Table::Other, None, false),
    };
    match rest {
        [] => (table, None, false),
        [key] => (table, Some((*key).to_owned()), false),
        _ => (Table::Other, None, false),
    }
}

/// The manifest as logical statements: comments removed, lines joined while
/// a bracket or brace is open, blank ones dropped.
fn statements(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut chars = manifest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let triple = chars.peek() == Some(&c) && {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek() == Some(&c)
                };
                current.push(c);
                if triple {
                    current.push(chars.next().unwrap_or(c));
                    current.push(chars.next().unwrap_or(c));
                }
                copy_string(&mut chars, &mut current, c, triple);
            }
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                end_line(&mut out, &mut current, depth);
            }
            '\n' => end_line(&mut out, &mut current, depth),
            '{' | '[' => {
                // A header's brackets are not open values.
                if !(c == '[' && current.trim().is_empty()) || depth > 0 {
                    depth += 1;
                }
                current.push(c);
            }
            '}' | ']' => {
                if depth > 0 {
                    depth -= 1;
                }
                current.push(c);
            }
            _ => current.push(c),
        }
    }
    end_line(&mut out, &mut current, 0);
    out
}

fn end_line(out: &mut Vec<String>, current: &mut String, depth: i32) {
    if depth > 0 {
        current.push(' ');
        return;
    }
    let statement = current.trim();
    if !statement.is_empty() {
        out.push(statement.to_owned());
    }
    current.clear();
}

/// Copies the rest of a string that began with `quote` (its opening quotes
/// are copied already). Basic strings have escapes; literal ones do not.
fn copy_string(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
    quote: char,
    triple: bool,
) {
    let mut run = 0;
    while let Some(c) = chars.next() {
        out.push(if c == '\n' && !triple { ' ' } else { c });
        if c == '\\' && quote == '"' {
            if let Some(escaped) = chars.next() {
                out.push(escaped);
            }
            run = 0;
            continue;
        }
        if c == quote {
            run += 1;
            if !triple || run == 3 {
                return;
            }
        } else {
            run = 0;
        }
    }
}

/// `key = value` at the top level of a statement.
fn split_pair(statement: &str) -> Option<(&str, &str)> {
    let at = top_level(statement, '=').next()?;
    Some((statement[..at].trim(), statement[at + 1..].trim()))
}

/// `text` split at top-level `sep`s (outside strings, brackets and braces).
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for at in top_level(text, sep) {
        parts.push(&text[start..at]);
        start = at + sep.len_utf8();
    }
    parts.push(&text[start..]);
    parts
}

/// Byte offsets of `sep` outside strings, brackets and braces.
fn top_level(text: &str, sep: char) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    text.char_indices().filter_map(move |(i, c)| {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            return None;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ if c == sep && depth == 0 => return Some(i),
            _ => {}
        }
        None
    })
}

/// A dotted key or header path: `target.'cfg(unix)'.dependencies`.
fn dotted(text: &str) -> Vec<String> {
    split_top(text, '.')
        .into_iter()
        .map(|part| string(part).unwrap_or_else(|| part.trim().to_owned()))
        .collect()
}

/// The value of a one-line string, if `text` is one.
fn string(text: &str) -> Option<String> {
    let text = text.trim();
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    if quote == '\'' {
        return Some(inner.to_owned());
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &str = "wrt-async-core";

    fn key(manifest: &str) -> Lookup {
        find(manifest, CORE, || None)
    }

    fn found(name: &str) -> Lookup {
        Lookup::Key(name.to_owned())
    }

    #[test]
    fn plain_and_renamed_dependencies() {
        assert_eq!(
            key("[dependencies]\nwrt-async-core = \"0.1\"\n"),
            found(CORE)
        );
        assert_eq!(
            key("[dependencies]\nwrt = { package = \"wrt-async-core\", version = \"0.1\" }\n"),
            found("wrt")
        );
        assert_eq!(
            key("[dependencies]\n\"wrt\" = { version = \"0.1\", package = 'wrt-async-core' }"),
            found("wrt")
        );
        assert_eq!(key("[dependencies]\nserde = \"1\"\n"), Lookup::Absent);
        assert_eq!(key(""), Lookup::Absent);
    }

    #[test]
    fn table_forms_and_dotted_keys() {
        let table = "[dependencies.rt]\nversion = \"0.1\"\npackage = \"wrt-async-core\"\n\n[features]\nx = []\n";
        assert_eq!(key(table), found("rt"));
        let dotted = "[dependencies]\nrt.package = \"wrt-async-core\"\nrt.version = \"0.1\"\n";
        assert_eq!(key(dotted), found("rt"));
        let target = "[target.'cfg(target_os = \"none\")'.dependencies]\nrt = { package = \"wrt-async-core\" }\n";
        assert_eq!(key(target), found("rt"));
        let dev = "[dev-dependencies]\nrt = { package = \"wrt-async-core\" }\n";
        assert_eq!(key(dev), found("rt"));
    }

    #[test]
    fn normal_dependencies_win_over_dev_dependencies() {
        let both = "[dev-dependencies]\ntesting = { package = \"wrt-async-core\" }\n[dependencies]\nrt = { package = \"wrt-async-core\" }\n";
        assert_eq!(key(both), found("rt"));
    }

    #[test]
    fn inline_tables_across_lines_comments_and_strings() {
        let manifest = r#"
[package]
name = "app" # not [dependencies]
description = """
[dependencies]
fake = { package = "wrt-async-core" }
"""

[dependencies]
rt = { # the runtime
    package = "wrt-async-core",
    features = ["std", "macros"],
}
"#;
        assert_eq!(key(manifest), found("rt"));
        let commented = "[dependencies]\n# rt = { package = \"wrt-async-core\" }\n";
        assert_eq!(key(commented), Lookup::Absent);
    }

    #[test]
    fn windows_line_ends_and_target_tables_of_one_dependency() {
        let crlf = "[package]\r\nname = \"app\"\r\n\r\n[dependencies]\r\nrt = { package = \"wrt-async-core\" }\r\n";
        assert_eq!(key(crlf), found("rt"));
        let table =
            "[target.thumbv7em-none-eabihf.dependencies.rt]\npackage = \"wrt-async-core\"\n";
        assert_eq!(key(table), found("rt"));
    }

    #[test]
    fn the_package_itself() {
        assert_eq!(
            key("[package]\nname = \"wrt-async-core\"\n"),
            Lookup::Itself
        );
    }

    #[test]
    fn workspace_inherited_rename() {
        let member = "[package]\nname = \"app\"\n[dependencies]\nrt = { workspace = true, features = [\"std\"] }\n";
        let root = "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\nrt = { package = \"wrt-async-core\", path = \"core\" }\n";
        assert_eq!(find(member, CORE, || Some(root.to_owned())), found("rt"));
        assert_eq!(find(member, CORE, || None), Lookup::Absent);
        let plain = "[dependencies]\nwrt-async-core = { workspace = true }\n";
        assert_eq!(find(plain, CORE, || panic!("not needed")), found(CORE));
    }

    #[test]
    fn strange_input_does_not_panic() {
        for text in [
            "[",
            "]",
            "[dependencies",
            "= =",
            "a = {",
            "\"",
            "'''",
            "[dependencies]\n= \"x\"",
            "a.b.c.d = 1",
        ] {
            let _ = key(text);
        }
    }
}
