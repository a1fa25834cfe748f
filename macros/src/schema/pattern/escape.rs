//! Escapes and character classes: the parts of the grammar that say which characters.

use super::Parser;

impl Parser {
    /// After `\` outside a class.
    pub(super) fn atom_escape(&mut self, at: usize) -> Result<(), String> {
        match self.peek() {
            Some(c @ '1'..='9') => {
                let mut n = c.to_digit(10).unwrap_or(0) as usize;
                self.pos += 1;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.pos += 1;
                }
                self.numbered_refs.push((n, at));
                Ok(())
            }
            Some('k') => {
                self.pos += 1;
                if !self.eat('<') {
                    return Err(format!(
                        "`\\k` at position {at} must name a group: `\\k<name>`"
                    ));
                }
                let name = self.group_name(at)?;
                self.named_refs.push((name, at));
                Ok(())
            }
            _ => self.class_or_character_escape(at, false).map(|_| ()),
        }
    }

    /// An escape that stands for a set (`\d`, `\p{L}`: `None`) or one character.
    pub(super) fn class_or_character_escape(
        &mut self,
        at: usize,
        in_class: bool,
    ) -> Result<Option<u32>, String> {
        let Some(c) = self.peek() else {
            return Err("it ends with a lone `\\`; escape it as `\\\\`".into());
        };
        self.pos += 1;
        let code = match c {
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => return Ok(None),
            'p' | 'P' => {
                self.property(at)?;
                return Ok(None);
            }
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            'b' if in_class => 0x08,
            '-' if in_class => u32::from('-'),
            'c' => match self.peek() {
                Some(letter) if letter.is_ascii_alphabetic() => {
                    self.pos += 1;
                    u32::from(letter) % 32
                }
                _ => {
                    return Err(format!(
                        "`\\c` at position {at} must be followed by a letter, as in `\\cJ`"
                    ))
                }
            },
            '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => 0,
            '0' => {
                return Err(format!(
                    "`\\0` followed by a digit at position {at} is an octal escape, which ECMA-262 \
                     refuses with the `u` flag; write `\\x..` or `\\u....`"
                ))
            }
            'x' => {
                let hex: String = self.chars[self.pos..].iter().take(2).collect();
                if hex.len() != 2 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    return Err(format!(
                        "`\\x` at position {at} must be followed by two hex digits"
                    ));
                }
                self.pos += 2;
                u32::from_str_radix(&hex, 16).unwrap_or(0)
            }
            'u' => u32::from(self.unicode_escape(at)?),
            '^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|'
            | '/' => u32::from(c),
            _ => return Err(identity_escape(c, at, in_class)),
        };
        Ok(Some(code))
    }

    /// After `\u`: `\uXXXX`, a surrogate pair of them, or `\u{X...}`.
    pub(super) fn unicode_escape(&mut self, at: usize) -> Result<char, String> {
        let invalid = || {
            format!("`\\u` at position {at} must be followed by four hex digits or `{{hex}}`, as in `\\u00e9` or `\\u{{1F600}}`")
        };
        let code = if self.eat('{') {
            let close = self.chars[self.pos..]
                .iter()
                .position(|&c| c == '}')
                .ok_or_else(invalid)?
                + self.pos;
            let hex: String = self.chars[self.pos..close].iter().collect();
            if hex.is_empty() || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                return Err(invalid());
            }
            self.pos = close + 1;
            let significant = hex.trim_start_matches('0');
            match u32::from_str_radix(significant, 16) {
                _ if significant.is_empty() => 0,
                Ok(code) if significant.len() <= 6 && code <= 0x10FFFF => code,
                _ => {
                    return Err(format!(
                        "`\\u{{{hex}}}` at position {at} is beyond the last code point, U+10FFFF"
                    ))
                }
            }
        } else {
            let lead = self.hex4().ok_or_else(invalid)?;
            if (0xD800..0xDC00).contains(&lead)
                && self.peek() == Some('\\')
                && self.peek_at(1) == Some('u')
            {
                let save = self.pos;
                self.pos += 2;
                match self.hex4() {
                    Some(trail) if (0xDC00..0xE000).contains(&trail) => {
                        0x10000 + ((lead - 0xD800) << 10) + (trail - 0xDC00)
                    }
                    _ => {
                        self.pos = save;
                        lead
                    }
                }
            } else {
                lead
            }
        };
        // A lone surrogate is no `char`; it still orders ranges by its value.
        Ok(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }

    pub(super) fn hex4(&mut self) -> Option<u32> {
        let hex: String = self.chars[self.pos..].iter().take(4).collect();
        if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
            self.pos += 4;
            u32::from_str_radix(&hex, 16).ok()
        } else {
            None
        }
    }

    /// After `\p` or `\P`: `{Name}` or `{Name=Value}`. Whether Unicode has the name is the
    /// runtime's to say.
    pub(super) fn property(&mut self, at: usize) -> Result<(), String> {
        let malformed = || {
            format!("`\\p` at position {at} must name a Unicode property, as in `\\p{{L}}` or `\\p{{Script=Greek}}`")
        };
        if !self.eat('{') {
            return Err(malformed());
        }
        let close = self.chars[self.pos..]
            .iter()
            .position(|&c| c == '}')
            .ok_or_else(malformed)?
            + self.pos;
        let inner: String = self.chars[self.pos..close].iter().collect();
        let word =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let ok = match inner.split_once('=') {
            None => word(&inner),
            Some((name, value)) => word(name) && word(value),
        };
        if !ok {
            return Err(malformed());
        }
        self.pos = close + 1;
        Ok(())
    }

    pub(super) fn class(&mut self) -> Result<(), String> {
        self.pos += 1;
        self.eat('^');
        loop {
            match self.peek() {
                Some(']') => {
                    self.pos += 1;
                    return Ok(());
                }
                // `balance` has made sure the class is closed.
                None => return Ok(()),
                _ => {}
            }
            let start_at = self.pos;
            let start = self.class_atom()?;
            if self.peek() == Some('-') && !matches!(self.peek_at(1), Some(']') | None) {
                self.pos += 1;
                let end = self.class_atom()?;
                match (start, end) {
                    (Some(a), Some(b)) if a > b => {
                        return Err(format!(
                            "the range at position {start_at} runs backwards; write its lower end first"
                        ))
                    }
                    (Some(_), Some(_)) => {}
                    _ => {
                        return Err(format!(
                            "the range at position {start_at} has a set such as `\\d` at one end; \
                             escape the `-` as `\\-` to mean a dash"
                        ))
                    }
                }
            }
        }
    }

    /// Whether `:name:]` follows, as in `[[:alpha:]]`: a POSIX class, which ECMA-262 would
    /// read as the characters `[`, `:`, `a`, ... and a stray `]`.
    pub(super) fn posix_class_follows(&self) -> bool {
        let rest: String = self.chars[self.pos..].iter().take(12).collect();
        rest.strip_prefix(':')
            .and_then(|r| r.split_once(":]"))
            .is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase())
            })
    }

    /// One class member: a character (its code) or a set (`None`).
    pub(super) fn class_atom(&mut self) -> Result<Option<u32>, String> {
        let at = self.pos;
        let c = self.peek().unwrap_or(']');
        self.pos += 1;
        match c {
            '\\' => {
                if self.peek().is_some_and(|d| d.is_ascii_digit() && d != '0') {
                    return Err(format!(
                        "`\\{}` at position {at} is a back reference, which a character class cannot hold",
                        self.peek().unwrap_or('1')
                    ));
                }
                self.class_or_character_escape(at, true)
            }
            '[' if self.posix_class_follows() => Err(format!(
                "`[:` at position {at} looks like a POSIX class, which ECMA-262 does not have; \
                 use `\\p{{L}}` for letters, `\\d` for digits, `\\s` for spaces"
            )),
            c => Ok(Some(u32::from(c))),
        }
    }
}

fn identity_escape(c: char, at: usize, in_class: bool) -> String {
    let hint = match c {
        'A' | 'z' | 'Z' => "; anchor with `^` and `$`".to_owned(),
        '-' => "; outside `[...]` a dash needs no escape: write `-`".to_owned(),
        c if c.is_ascii_punctuation() || c == ' ' => format!("; write `{c}` without the `\\`"),
        _ => String::new(),
    };
    let escapable = if in_class {
        "`^$\\.*+?()[]{}|/-`"
    } else {
        "`^$\\.*+?()[]{}|/`"
    };
    format!(
        "`\\{c}` at position {at} is not an ECMA-262 escape (with the `u` flag only {escapable} \
         can be escaped){hint}"
    )
}
