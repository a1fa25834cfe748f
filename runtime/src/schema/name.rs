//! The names types give components: a generic type's instantiation is named after the type
//! and its arguments (`Page<Order>` is `Page_Order`), since a document has no generics.

/// Appends a Rust type's name as a component name may spell it (`^[a-zA-Z0-9.\-_]+$`): each
/// path keeps its last segment, and everything else (`<`, `, `, `&`, `[`, `;`) becomes one `_`.
///
/// `std::collections::HashMap<alloc::string::String, i32>` is `HashMap_String_i32`,
/// `[u8; 4]` is `u8_4`, `()` is `Unit`.
pub(crate) fn push_rust_name(out: &mut String, type_name: &str) {
    let start = out.len();
    let mut segment = String::new();
    let mut chars = type_name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' {
            segment.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            // A path: only its last segment names the type.
            chars.next();
            segment.clear();
        } else {
            push_part(out, start, &segment);
            segment.clear();
        }
    }
    push_part(out, start, &segment);
    if out.len() == start {
        out.push_str("Unit");
    }
}

/// Appends `_` and the name `write` gives: one type argument of a generic type's name.
pub(crate) fn push_argument(out: &mut String, write: fn(&mut String)) {
    out.push('_');
    write(out);
}

fn push_part(out: &mut String, start: usize, part: &str) {
    if part.is_empty() {
        return;
    }
    if out.len() > start {
        out.push('_');
    }
    out.push_str(part);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(type_name: &str) -> String {
        let mut out = String::new();
        push_rust_name(&mut out, type_name);
        out
    }

    #[test]
    fn paths_keep_their_last_segment() {
        assert_eq!(name("alloc::string::String"), "String");
        assert_eq!(
            name("std::collections::hash::map::HashMap<alloc::string::String, i32>"),
            "HashMap_String_i32"
        );
        assert_eq!(name("&str"), "str");
        assert_eq!(name("[u8; 4]"), "u8_4");
        assert_eq!(name("(i32, shop::Order)"), "i32_Order");
        assert_eq!(name("()"), "Unit");
    }

    #[test]
    fn a_name_is_a_valid_component_name() {
        for t in ["dyn core::any::Any + Send", "fn(i32) -> i32", "*const u8"] {
            let n = name(t);
            let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
            assert!(!n.is_empty() && n.chars().all(valid), "{n}");
        }
    }
}
