//! Attribute keys, in one place, and "did you mean" suggestions for misspelt ones.

pub const SCHEMA: &str = "schema";
pub const SERDE: &str = "serde";
pub const DOC: &str = "doc";

// #[schema(...)] on fields
pub const READ_ONLY: &str = "read_only";
pub const WRITE_ONLY: &str = "write_only";
pub const FORMAT: &str = "format";
pub const MINIMUM: &str = "minimum";
pub const MAXIMUM: &str = "maximum";
pub const EXCLUSIVE_MINIMUM: &str = "exclusive_minimum";
pub const EXCLUSIVE_MAXIMUM: &str = "exclusive_maximum";
pub const MIN_LENGTH: &str = "min_length";
pub const MAX_LENGTH: &str = "max_length";
pub const PATTERN: &str = "pattern";
pub const MIN_ITEMS: &str = "min_items";
pub const MAX_ITEMS: &str = "max_items";
pub const EXAMPLE: &str = "example";
pub const DEPRECATED: &str = "deprecated";
pub const DESCRIPTION: &str = "description";

// #[schema(...)] on containers
pub const RENAME: &str = "rename";
pub const INLINE: &str = "inline";
pub const CRATE: &str = "crate";

// #[ringback::get/put/post/delete/patch("/path", ...)]
pub const OPERATION_ID: &str = "operation_id";
pub const TAG: &str = "tag";
pub const TAGS: &str = "tags";
pub const SUMMARY: &str = "summary";
pub const RESPONSES: &str = "responses";
pub const SECURITY: &str = "security";
pub const PUBLIC: &str = "public";
pub const CALLBACK: &str = "callback";
pub const STATUS: &str = "status";
// #[derive(ApiResponse)]: #[response(...)] on variants and fields
pub const RESPONSE: &str = "response";
// inside callback(...), a response's (...) and header(...)
pub const METHOD: &str = "method";
pub const BODY: &str = "body";
pub const HEADER: &str = "header";
pub const NAME: &str = "name";

pub const FIELD_KEYS: &[&str] = &[
    READ_ONLY,
    WRITE_ONLY,
    FORMAT,
    MINIMUM,
    MAXIMUM,
    EXCLUSIVE_MINIMUM,
    EXCLUSIVE_MAXIMUM,
    MIN_LENGTH,
    MAX_LENGTH,
    PATTERN,
    MIN_ITEMS,
    MAX_ITEMS,
    EXAMPLE,
    DEPRECATED,
    DESCRIPTION,
];

pub const CONTAINER_KEYS: &[&str] = &[RENAME, DESCRIPTION, DEPRECATED, EXAMPLE, INLINE, CRATE];
pub const VARIANT_KEYS: &[&str] = &[DESCRIPTION, DEPRECATED];

pub const OPERATION_KEYS: &[&str] = &[
    OPERATION_ID,
    TAG,
    TAGS,
    SUMMARY,
    DESCRIPTION,
    DEPRECATED,
    RESPONSES,
    SECURITY,
    PUBLIC,
    READ_ONLY,
    CALLBACK,
    STATUS,
];
pub const CALLBACK_KEYS: &[&str] = &[DESCRIPTION, METHOD, BODY, RESPONSES];
pub const RESPONSE_KEYS: &[&str] = &[DESCRIPTION, BODY, HEADER];
pub const HEADER_KEYS: &[&str] = &[NAME, DESCRIPTION, FORMAT];
pub const VARIANT_RESPONSE_KEYS: &[&str] = &[STATUS, DESCRIPTION];
pub const FIELD_RESPONSE_KEYS: &[&str] = &[HEADER, DESCRIPTION, FORMAT];

/// The known key closest to `unknown`, if any is close enough to be a likely typo.
pub fn closest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(unknown.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// "unknown `#[schema]` key `x`" with a suggestion or the list of keys.
pub fn unknown_key_message(kind: &str, unknown: &str, known: &[&str]) -> String {
    match closest(unknown, known) {
        Some(k) => format!("unknown {kind} key `{unknown}`; did you mean `{k}`?"),
        None => format!(
            "unknown {kind} key `{unknown}`; expected one of: {}",
            known.join(", ")
        ),
    }
}

/// Levenshtein distance, on characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(closest("mininum", FIELD_KEYS), Some(MINIMUM));
        assert_eq!(closest("readonly", FIELD_KEYS), Some(READ_ONLY));
        assert_eq!(closest("colour", FIELD_KEYS), None);
    }
}
