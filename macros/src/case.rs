//! Names: serde's `rename_all` rules, reproduced exactly so that schema names match serde's
//! output; the snake and camel forms that error messages suggest; and how a Rust argument name
//! meets an OpenAPI parameter name.
//!
//! One dependency-free file serves both crates: `ringback-macros` has it as `crate::case`, and
//! `ringback` includes it with `#[path]` as its private `case` module, so a name is converted the
//! same way when the macro writes a schema and when a compile-time check writes a hint. That
//! is why everything here is a `const fn` over bytes that writes into a caller's buffer: the
//! runtime's checks run in constant evaluation, where there is no `String`.
//!
//! Identifiers are compared and converted byte by byte, as ASCII. serde converts by `char`, so
//! the two differ only for a variant whose name has a non-ASCII capital letter, which serde
//! would separate with `_` in `snake_case` and this does not.

// Each crate uses a different part of this file.
#![allow(dead_code)]

/// One of serde's `rename_all` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`
    Lower,
    /// `UPPERCASE`
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
}

/// The rules by the name serde's attribute gives them.
const RULES: [(&str, RenameRule); 8] = [
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("PascalCase", RenameRule::Pascal),
    ("camelCase", RenameRule::Camel),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
    ("kebab-case", RenameRule::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
];

impl RenameRule {
    /// The rule `#[serde(rename_all = "...")]` names, if it is one.
    pub const fn from_str(s: &str) -> Option<Self> {
        let mut i = 0;
        while i < RULES.len() {
            if str_eq(RULES[i].0, s) {
                return Some(RULES[i].1);
            }
            i += 1;
        }
        None
    }

    const fn upper(self) -> bool {
        matches!(
            self,
            RenameRule::Upper | RenameRule::ScreamingSnake | RenameRule::ScreamingKebab
        )
    }

    const fn separator(self) -> u8 {
        match self {
            RenameRule::Kebab | RenameRule::ScreamingKebab => b'-',
            _ => b'_',
        }
    }

    /// Writes `field`, a snake_case Rust name, renamed by this rule into `out` from `len`, and
    /// returns the new length (serde's `apply_to_field`). Stops where `out` ends.
    pub const fn field_into(self, field: &str, out: &mut [u8], mut len: usize) -> usize {
        let b = field.as_bytes();
        let start = len;
        let mut capitalize = true;
        let mut i = 0;
        while i < b.len() && len < out.len() {
            let c = b[i];
            let byte = match self {
                RenameRule::Lower | RenameRule::Snake => c,
                RenameRule::Upper | RenameRule::ScreamingSnake => c.to_ascii_uppercase(),
                RenameRule::Kebab | RenameRule::ScreamingKebab if c == b'_' => b'-',
                RenameRule::Kebab => c,
                RenameRule::ScreamingKebab => c.to_ascii_uppercase(),
                RenameRule::Pascal | RenameRule::Camel => {
                    if c == b'_' {
                        capitalize = true;
                        i += 1;
                        continue;
                    }
                    let up = capitalize;
                    capitalize = false;
                    // camelCase is PascalCase with its first letter lowered.
                    if matches!(self, RenameRule::Camel) && len == start {
                        c.to_ascii_lowercase()
                    } else if up {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                }
            };
            out[len] = byte;
            len += 1;
            i += 1;
        }
        len
    }

    /// Writes `variant`, a PascalCase Rust name, renamed by this rule into `out` from `len`,
    /// and returns the new length (serde's `apply_to_variant`). Stops where `out` ends.
    pub const fn variant_into(self, variant: &str, out: &mut [u8], mut len: usize) -> usize {
        let b = variant.as_bytes();
        let mut i = 0;
        while i < b.len() && len < out.len() {
            let c = b[i];
            match self {
                RenameRule::Pascal => out[len] = c,
                RenameRule::Lower => out[len] = c.to_ascii_lowercase(),
                RenameRule::Upper => out[len] = c.to_ascii_uppercase(),
                RenameRule::Camel if i == 0 => out[len] = c.to_ascii_lowercase(),
                RenameRule::Camel => out[len] = c,
                RenameRule::Snake
                | RenameRule::ScreamingSnake
                | RenameRule::Kebab
                | RenameRule::ScreamingKebab => {
                    // Each capital after the first starts a word; serde then turns every `_`,
                    // inserted or written, into `-` for the kebab rules.
                    if i > 0 && c.is_ascii_uppercase() {
                        out[len] = self.separator();
                        len += 1;
                        if len == out.len() {
                            break;
                        }
                    }
                    out[len] = if c == b'_' {
                        self.separator()
                    } else if self.upper() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    };
                }
            }
            len += 1;
            i += 1;
        }
        len
    }

    /// `field` renamed by this rule (serde's `apply_to_field`).
    pub fn apply_to_field(self, field: &str) -> String {
        collect(field.len(), |out| self.field_into(field, out, 0))
    }

    /// `variant` renamed by this rule (serde's `apply_to_variant`).
    pub fn apply_to_variant(self, variant: &str) -> String {
        collect(2 * variant.len(), |out| self.variant_into(variant, out, 0))
    }
}

/// Writes `name` in snake_case into `out` from `len` and returns the new length: `orderId`
/// as `order_id`, `X-Request-Id` as `x_request_id`. For hints that name a Rust argument after
/// a parameter written in any case.
pub const fn snake_into(name: &str, out: &mut [u8], mut len: usize) -> usize {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() && len < out.len() {
        let c = b[i];
        if c.is_ascii_uppercase() && i > 0 && b[i - 1] != b'_' && b[i - 1] != b'-' {
            out[len] = b'_';
            len += 1;
            if len == out.len() {
                break;
            }
        }
        out[len] = if c == b'-' {
            b'_'
        } else {
            c.to_ascii_lowercase()
        };
        len += 1;
        i += 1;
    }
    len
}

/// `name` in snake_case (see [`snake_into`]).
pub fn snake_case(name: &str) -> String {
    collect(2 * name.len(), |out| snake_into(name, out, 0))
}

/// `place_order` as `placeOrder`: a Rust name as an OpenAPI name (an operation id, a
/// parameter), with a raw identifier's `r#` dropped.
pub fn camel_case(name: &str) -> String {
    let name = match name.as_bytes() {
        [b'r', b'#', ..] => name.split_at(2).1,
        _ => name,
    };
    RenameRule::Camel.apply_to_field(name)
}

/// Whether a Rust argument name reads a parameter: equal once case, `_` and `-` are ignored,
/// so `customer_id` reads `{customerId}` and `x_request_id` reads `X-Request-Id`.
pub const fn names_match(ident: &str, name: &str) -> bool {
    let (a, b) = (ident.as_bytes(), name.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && (a[i] == b'_' || a[i] == b'-') {
            i += 1;
        }
        while j < b.len() && (b[j] == b'_' || b[j] == b'-') {
            j += 1;
        }
        if i == a.len() || j == b.len() {
            return i == a.len() && j == b.len();
        }
        if !a[i].eq_ignore_ascii_case(&b[j]) {
            return false;
        }
        i += 1;
        j += 1;
    }
}

/// `a == b`, in constant evaluation.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The text a `*_into` function writes into a buffer of `capacity` bytes. Every function here
/// copies whole ASCII bytes or whole multi-byte characters, so the text is UTF-8 when nothing
/// was cut off, which `capacity` rules out.
fn collect(capacity: usize, write: impl FnOnce(&mut [u8]) -> usize) -> String {
    let mut out = vec![0; capacity];
    let len = write(&mut out);
    out.truncate(len);
    String::from_utf8(out).expect("case conversion keeps UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_like_serde() {
        let cases = [
            (
                "order_status_callback_url",
                RenameRule::Camel,
                "orderStatusCallbackUrl",
            ),
            ("_private_field", RenameRule::Camel, "privateField"),
            ("order_status", RenameRule::Pascal, "OrderStatus"),
            ("order_status", RenameRule::Kebab, "order-status"),
            ("order_status", RenameRule::ScreamingKebab, "ORDER-STATUS"),
            ("order_status", RenameRule::ScreamingSnake, "ORDER_STATUS"),
            ("order_status", RenameRule::Upper, "ORDER_STATUS"),
            ("order_status", RenameRule::Lower, "order_status"),
            ("order_status", RenameRule::Snake, "order_status"),
            ("crème_brûlée", RenameRule::Camel, "crèmeBrûlée"),
        ];
        for (field, rule, expected) in cases {
            assert_eq!(rule.apply_to_field(field), expected, "{rule:?}");
        }
    }

    #[test]
    fn variants_like_serde() {
        let cases = [
            ("PickedUp", RenameRule::Snake, "picked_up"),
            ("PickedUp", RenameRule::ScreamingSnake, "PICKED_UP"),
            ("PickedUp", RenameRule::Camel, "pickedUp"),
            ("PickedUp", RenameRule::Pascal, "PickedUp"),
            ("PickedUp", RenameRule::Kebab, "picked-up"),
            ("PickedUp", RenameRule::ScreamingKebab, "PICKED-UP"),
            ("Picked_Up", RenameRule::Kebab, "picked--up"),
            ("PickedUp", RenameRule::Lower, "pickedup"),
            ("PickedUp", RenameRule::Upper, "PICKEDUP"),
            ("HTTPError", RenameRule::Snake, "h_t_t_p_error"),
        ];
        for (variant, rule, expected) in cases {
            assert_eq!(rule.apply_to_variant(variant), expected, "{rule:?}");
        }
    }

    #[test]
    fn rules_by_name() {
        for (name, rule) in RULES {
            assert_eq!(RenameRule::from_str(name), Some(rule));
        }
        assert_eq!(RenameRule::from_str("camelcase"), None);
    }

    #[test]
    fn hints_and_matching() {
        assert_eq!(snake_case("orderId"), "order_id");
        assert_eq!(snake_case("X-Request-Id"), "x_request_id");
        assert_eq!(camel_case("place_order"), "placeOrder");
        assert_eq!(camel_case("r#type"), "type");
        assert!(names_match("customer_id", "customerId"));
        assert!(names_match("x_request_id", "X-Request-Id"));
        assert!(names_match("id", "id"));
        assert!(!names_match("customer", "customerId"));
        assert!(!names_match("order_id", "customerId"));
        assert!(!names_match("id", "ids"));
        assert!(str_eq("a", "a") && !str_eq("a", "ab"));
    }

    #[test]
    fn stops_where_the_buffer_ends() {
        let mut out = [0u8; 4];
        assert_eq!(RenameRule::Snake.variant_into("PickedUp", &mut out, 0), 4);
        assert_eq!(&out, b"pick");
        assert_eq!(snake_into("xB", &mut out, 2), 4);
        assert_eq!(&out[2..], b"x_");
    }
}
