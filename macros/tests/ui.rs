//! Attribute mistakes are compile errors at the attribute, saying what is
//! allowed. Each case file holds several mistakes the derive reports at once.

#[test]
fn attribute_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
