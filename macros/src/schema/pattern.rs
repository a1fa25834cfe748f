//! A rough syntax check of `pattern` regular expressions at compile time.
//!
//! The macro crate depends only on syn, quote and proc-macro2, so it cannot run a regex
//! engine. This catches the mistakes people make most (unbalanced groups and classes, a
//! dangling escape, a quantifier with nothing before it, a malformed `{m,n}`); anything
//! subtler is caught when the pattern is first compiled, with a message naming the field.

pub fn check(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    // Whether the previous token can take a quantifier.
    let mut quantifiable = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 == chars.len() {
                    return Err("it ends with a lone `\\`; escape it as `\\\\`".into());
                }
                i += 2;
                quantifiable = true;
                continue;
            }
            '[' => {
                i = class_end(&chars, i)?;
                quantifiable = true;
            }
            '(' => {
                depth += 1;
                quantifiable = false;
                // Group modifiers such as `(?:` and `(?i)` are not quantifier misuse.
                if chars.get(i + 1) == Some(&'?') {
                    i += 1;
                }
            }
            ')' => {
                if depth == 0 {
                    return Err(format!("the `)` at position {i} closes no group"));
                }
                depth -= 1;
                quantifiable = true;
            }
            '*' | '+' | '?' => {
                if !quantifiable {
                    return Err(format!(
                        "the `{}` at position {i} repeats nothing; escape it as `\\{}`",
                        chars[i], chars[i]
                    ));
                }
                // Allow lazy and possessive suffixes.
                if matches!(chars.get(i + 1), Some('?')) {
                    i += 1;
                }
                quantifiable = false;
            }
            '{' if quantifiable => {
                let close = chars[i..].iter().position(|&c| c == '}').map(|p| p + i);
                if let Some(close) = close {
                    let inner: String = chars[i + 1..close].iter().collect();
                    if is_repetition(&inner) {
                        bounds_ordered(&inner, i)?;
                        i = close + 1;
                        quantifiable = false;
                        continue;
                    }
                }
                quantifiable = true;
            }
            '|' => quantifiable = false,
            '^' | '$' => quantifiable = false,
            _ => quantifiable = true,
        }
        i += 1;
    }
    if depth > 0 {
        return Err(format!("{depth} group(s) opened with `(` are never closed"));
    }
    Ok(())
}

fn class_end(chars: &[char], start: usize) -> Result<usize, String> {
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    // A `]` right after `[` or `[^` is a literal.
    if chars.get(i) == Some(&']') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            ']' => return Ok(i),
            _ => i += 1,
        }
    }
    Err(format!(
        "the character class opened with `[` at position {start} is never closed"
    ))
}

fn is_repetition(inner: &str) -> bool {
    let mut parts = inner.splitn(2, ',');
    let first = parts.next().unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match parts.next() {
        None => digits(first),
        Some(second) => digits(first) && (second.is_empty() || digits(second)),
    }
}

fn bounds_ordered(inner: &str, at: usize) -> Result<(), String> {
    if let Some((lo, hi)) = inner.split_once(',') {
        if let (Ok(lo), Ok(hi)) = (lo.parse::<u64>(), hi.parse::<u64>()) {
            if lo > hi {
                return Err(format!(
                    "the repetition `{{{inner}}}` at position {at} has its minimum above its maximum"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_common_patterns() {
        for p in [
            r"^[0-9]{12}$",
            r"^\d{3}-\d{4}$",
            r"^(?:[a-z]+|[A-Z]+)*$",
            r"[]a]",
            r"^[^\]]+$",
            r"a{2,}",
            r"x*?",
            r"{literal}",
        ] {
            assert_eq!(check(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn refuses_common_mistakes() {
        for p in [
            r"(abc", r"abc)", r"[abc", r"*abc", r"abc\", r"a{3,1}", r"a|+",
        ] {
            assert!(check(p).is_err(), "{p}");
        }
    }
}
