//! The tokens of JSON text, read as RFC 8259 writes them and as strictly as serde_json reads
//! them into a `Value`: whatever one refuses, the other refuses too, so that a body gets the
//! same answer whether serde or the scan is the first to look at a part of it.

/// A string token: its raw bytes between the quotes.
#[derive(Clone, Copy)]
pub(super) struct Str<'b> {
    pub raw: &'b [u8],
    /// Whether the raw bytes hold a `\` escape, so that they differ from the text.
    pub escaped: bool,
}

/// Why a token is not JSON, in the words of a message.
pub(super) type Fault = &'static str;

/// Reads the string whose opening quote is at `at`. `Err` only when it never ends; a string
/// that ends but whose contents are not JSON text comes back with the fault, so that the scan
/// can go on and report it at its pointer.
#[inline]
pub(super) fn string(bytes: &[u8], at: usize) -> Result<(Str<'_>, usize, Option<Fault>), Fault> {
    const UNTERMINATED: Fault = "a string is not closed";
    let start = at + 1;
    let mut i = start;
    let mut escaped = false;
    let mut ascii = true;
    let mut fault = None;
    loop {
        let byte = *bytes.get(i).ok_or(UNTERMINATED)?;
        // Most bytes of a body are plain ASCII in strings: one table look-up each.
        if PLAIN[usize::from(byte)] {
            i += 1;
            continue;
        }
        match byte {
            b'"' => break,
            b'\\' => {
                escaped = true;
                let (next, problem) = escape(bytes, i + 1);
                fault = fault.or(problem);
                i = next;
            }
            b if b < 0x20 => {
                fault = fault.or(Some(
                    "a string holds a control character that must be escaped",
                ));
                i += 1;
            }
            b => {
                ascii &= b < 0x80;
                i += 1;
            }
        }
    }
    if !ascii && std::str::from_utf8(&bytes[start..i]).is_err() {
        fault = fault.or(Some("a string is not UTF-8"));
    }
    let token = Str {
        raw: &bytes[start..i],
        escaped,
    };
    Ok((token, i + 1, fault))
}

/// The bytes a string holds as they are: printable ASCII but `"` and `\\`.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x80 {
        table[b] = b != b'"' as usize && b != b'\\' as usize;
        b += 1;
    }
    table
};

/// Reads the escape whose letter is at `at` (just after the `\`); returns where reading goes
/// on and what is wrong with it, if anything.
fn escape(bytes: &[u8], at: usize) -> (usize, Option<Fault>) {
    match bytes.get(at) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => (at + 1, None),
        Some(b'u') => match hex4(bytes, at + 1) {
            None => (at + 1, Some("a \\u escape needs four hex digits")),
            Some(0xD800..=0xDBFF) => {
                // A leading surrogate stands only in a pair, with a trailing one next.
                let pair = bytes.get(at + 5..at + 7) == Some(b"\\u")
                    && matches!(hex4(bytes, at + 7), Some(0xDC00..=0xDFFF));
                if pair {
                    (at + 11, None)
                } else {
                    (at + 5, Some(LONE_SURROGATE))
                }
            }
            Some(0xDC00..=0xDFFF) => (at + 5, Some(LONE_SURROGATE)),
            Some(_) => (at + 5, None),
        },
        // A `"` escaped by nothing would end the string here: step over the letter only.
        Some(_) => (at + 1, Some("a string holds an unknown escape")),
        None => (at, None),
    }
}

const LONE_SURROGATE: Fault = "a \\u escape is a lone surrogate, which is not a character";

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |n, &d| {
        let v = char::from(d).to_digit(16)?;
        Some(n * 16 + v)
    })
}

/// A number token.
#[derive(Clone, Copy)]
pub(super) struct Num<'b> {
    /// As sent (ASCII digits, sign, point and exponent: the grammar allows nothing else).
    pub text: &'b [u8],
    /// Written with no fraction and no exponent.
    pub integral: bool,
}

/// Reads the number that starts at `at`; returns it and where it ends. The fault comes with
/// the token when its grammar holds but serde_json would not read it (it overflows `f64`).
#[inline]
pub(super) fn number(bytes: &[u8], at: usize) -> Result<(Num<'_>, usize, Option<Fault>), Fault> {
    const MALFORMED: Fault = "a number is malformed";
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = at;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i),
        _ => return Err(MALFORMED),
    }
    let int_end = i;
    if bytes.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return Err(MALFORMED);
        }
        i = end;
    }
    let mut exponent = false;
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        exponent = true;
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return Err(MALFORMED);
        }
        i = end;
    }
    let text = &bytes[at..i];
    // Only an exponent or some three hundred digits can pass f64's range; parse only then.
    let fault = ((exponent || text.len() > 300) && !float(text).is_some_and(f64::is_finite))
        .then_some("a number is too large to be read");
    let token = Num {
        text,
        integral: i == int_end,
    };
    Ok((token, i, fault))
}

/// A number token's value as an `f64`.
pub(super) fn float(text: &[u8]) -> Option<f64> {
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// A number token written with no fraction or exponent, as an `i128` if it is one.
pub(super) fn int(text: &[u8]) -> Option<i128> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', digits)) => (true, digits),
        _ => (false, text),
    };
    // 38 digits always fit an i128; more are out of range for every Rust integer but u128.
    if digits.is_empty() || digits.len() > 38 {
        return None;
    }
    let value = digits
        .iter()
        .fold(0i128, |n, d| n * 10 + i128::from(d - b'0'));
    Some(if negative { -value } else { value })
}

/// Reads `true`, `false` or `null` at `at`; returns the literal and where it ends.
pub(super) fn literal(bytes: &[u8], at: usize) -> Option<(&'static str, usize)> {
    ["true", "false", "null"]
        .into_iter()
        .find(|word| bytes[at..].starts_with(word.as_bytes()))
        .map(|word| (word, at + word.len()))
}

/// A string's text from its raw bytes between the quotes; `None` when they are not JSON text.
pub(super) fn unescape(raw: &[u8]) -> Option<String> {
    if !raw.contains(&b'\\') {
        return std::str::from_utf8(raw).ok().map(str::to_owned);
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_fault(text: &[u8]) -> Option<Fault> {
        string(text, 0).expect("ends").2
    }

    #[test]
    fn strings_must_be_json_text() {
        assert_eq!(string_fault(br#""plain""#), None);
        assert_eq!(string_fault("\"caf\u{e9}\"".as_bytes()), None);
        assert_eq!(string_fault(br#""\ud83d\ude00 \u00e9 \n\"""#), None);
        assert_eq!(string_fault(b"\"\xff\""), Some("a string is not UTF-8"));
        assert_eq!(string_fault(br#""\ud800""#), Some(LONE_SURROGATE));
        assert_eq!(string_fault(br#""\ud800\u0041""#), Some(LONE_SURROGATE));
        assert_eq!(string_fault(br#""\udc00""#), Some(LONE_SURROGATE));
        assert!(string_fault(br#""\x""#).is_some());
        assert!(string_fault(br#""\u12""#).is_some());
        assert!(string_fault(b"\"a\tb\"").is_some());
        assert!(string(br#""open"#, 0).is_err());
        assert!(string(br#""\"#, 0).is_err());
    }

    #[test]
    fn numbers_follow_the_grammar_and_fit_f64() {
        for ok in ["0", "-0", "12", "1.5", "-1e3", "2E+2", "3e-400", "0e99999"] {
            let (num, end, fault) = number(ok.as_bytes(), 0).expect(ok);
            assert_eq!((num.text, end, fault), (ok.as_bytes(), ok.len(), None));
        }
        assert!(number(b"12", 0).unwrap().0.integral);
        assert!(!number(b"1.0", 0).unwrap().0.integral);
        for bad in ["-", "01x", "1.", ".5", "1e", "+1", "1.e3"] {
            let read = number(bad.as_bytes(), 0);
            assert!(read.is_err() || read.unwrap().1 < bad.len(), "{bad}");
        }
        assert!(number(b"1e400", 0).unwrap().2.is_some());
        assert_eq!(int(b"-0"), Some(0));
        assert_eq!(int(b"-170141183460469231731687303715884105728"), None);
        assert_eq!(int(b"18446744073709551615"), Some(u64::MAX.into()));
        assert!(number("9".repeat(400).as_bytes(), 0).unwrap().2.is_some());
    }
}
