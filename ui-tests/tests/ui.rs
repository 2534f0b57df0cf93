//! Compile-pass and compile-fail cases of the attribute macros.
//!
//! Regenerate the expected errors after a deliberate change with
//! `TRYBUILD=overwrite cargo test -p wrt-ui-tests --test ui`, then review the
//! `.stderr` diffs: they are what users will read.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.compile_fail("fail/*.rs");
}
