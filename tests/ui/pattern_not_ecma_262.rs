// Patterns are ECMA-262 regular expressions (with the `u` flag): other dialects' syntax is
// refused at the token, each with what to write instead, all in one build.
#[derive(ringback::Schema)]
struct Sku {
    #[schema(pattern = "(?i)^[a-z]+$")]
    code: String,
    #[schema(pattern = r"^\d{3}\-\d{4}$")]
    phone: String,
    #[schema(pattern = "^[[:alpha:]]+$")]
    name: String,
    #[schema(pattern = r"\A[0-9]+\z")]
    upc: String,
}

fn main() {}
