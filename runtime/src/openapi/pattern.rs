//! OpenAPI's `pattern`: an ECMA-262 regular expression, compiled here for the document's check
//! and for validation alike, so that both agree on what a pattern means.

/// The flags every `pattern` is compiled with: `u`, as JSON Schema validators such as Ajv
/// compile them, so that `\p{L}` and `\u{1F600}` mean what they say and an escape that means
/// nothing (`\-` outside a class, `\_`) is an error rather than a literal.
pub(crate) const PATTERN_FLAGS: &str = "u";

/// Compiles an OpenAPI `pattern` as an ECMA-262 regular expression with [`PATTERN_FLAGS`].
pub(crate) fn compile_pattern(source: &str) -> Result<regress::Regex, regress::Error> {
    regress::Regex::with_flags(source, PATTERN_FLAGS)
}

#[cfg(test)]
mod tests {
    use super::compile_pattern;

    #[test]
    fn ecma_262_with_the_u_flag() {
        assert!(compile_pattern(r"^\d{3}-\d{4}$").is_ok());
        assert!(compile_pattern(r"^\p{Lu}\p{Ll}+$").is_ok());
        // Inline flags and named groups in Python's spelling are not ECMA-262.
        assert!(compile_pattern(r"(?i)abc").is_err());
        assert!(compile_pattern(r"(?P<n>x)").is_err());
        // With `u`, escaping a character that needs none is an error, not a literal.
        assert!(compile_pattern(r"^\d{3}\-\d{4}$").is_err());
    }
}
