//! Every misuse of the derive is a compile error at the user's token that says how to fix it.
//! Regenerate the expected output with `TRYBUILD=overwrite` and read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
