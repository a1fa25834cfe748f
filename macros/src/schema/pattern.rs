//! The syntax of `pattern`s, checked at compile time.
//!
//! OpenAPI patterns are ECMA-262 regular expressions, and ringback compiles them as JSON
//! Schema validators such as Ajv do: with the `u` flag, where every piece of syntax either
//! means something or is an error. The macro crate depends only on syn, quote and
//! proc-macro2, so this is a parser of that grammar (ES2025, without the `v` flag), not an
//! engine. What needs Unicode's tables (the names in `\p{...}`) is left to the runtime, which
//! compiles every pattern when the `Api` is built and reports any it refuses.

mod escape;
#[cfg(test)]
mod tests;

/// What a term was, to say why a quantifier after it is wrong.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Nothing yet, or `|` / `(`.
    Start,
    /// Something a quantifier may follow.
    Atom,
    /// An assertion (`^`, `$`, `\b`, a lookaround): nothing to repeat.
    Assertion,
    /// A quantifier: another one directly after it repeats nothing.
    Quantifier,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    groups: usize,
    /// Named groups, with the alternatives they sit in (disjunction id, alternative index).
    names: Vec<(String, Vec<(usize, usize)>)>,
    /// The alternatives the parser is in now, outermost first.
    path: Vec<(usize, usize)>,
    disjunctions: usize,
    /// `\N` back references: number and position, checked once every group is counted.
    numbered_refs: Vec<(usize, usize)>,
    /// `\k<name>` back references: name and position.
    named_refs: Vec<(String, usize)>,
}

/// Checks that `pattern` is an ECMA-262 regular expression (with the `u` flag).
pub fn check(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    balance(&chars)?;
    let mut p = Parser {
        chars,
        pos: 0,
        groups: 0,
        names: Vec::new(),
        path: Vec::new(),
        disjunctions: 0,
        numbered_refs: Vec::new(),
        named_refs: Vec::new(),
    };
    p.disjunction()?;
    if p.pos < p.chars.len() {
        // Only an unmatched `)` stops a top-level disjunction, and `balance` caught that.
        return Err(format!("the `)` at position {} closes no group", p.pos));
    }
    for &(n, at) in &p.numbered_refs {
        if n > p.groups {
            return Err(format!(
                "`\\{n}` at position {at} refers to group {n}, but the pattern has {} capturing group{}; \
                 to match the character with that code, write it as `\\x..` or `\\u....`",
                p.groups,
                if p.groups == 1 { "" } else { "s" }
            ));
        }
    }
    for (name, at) in &p.named_refs {
        if !p.names.iter().any(|(n, _)| n == name) {
            return Err(format!(
                "`\\k<{name}>` at position {at} refers to no group; name one with `(?<{name}>...)`"
            ));
        }
    }
    Ok(())
}

/// Unbalanced groups and classes first: they are the usual typo, and the clearest message.
fn balance(chars: &[char]) -> Result<(), String> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 == chars.len() => {
                return Err("it ends with a lone `\\`; escape it as `\\\\`".into())
            }
            '\\' => i += 1,
            '[' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != ']' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                if i >= chars.len() {
                    return Err(format!(
                        "the character class opened with `[` at position {start} is never closed"
                    ));
                }
            }
            '(' => depth += 1,
            ')' if depth == 0 => return Err(format!("the `)` at position {i} closes no group")),
            ')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err(format!("{depth} group(s) opened with `(` are never closed"));
    }
    Ok(())
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn disjunction(&mut self) -> Result<(), String> {
        let id = self.disjunctions;
        self.disjunctions += 1;
        let mut alternative = 0;
        loop {
            self.path.push((id, alternative));
            let result = self.alternative();
            self.path.pop();
            result?;
            if !self.eat('|') {
                return Ok(());
            }
            alternative += 1;
        }
    }

    fn alternative(&mut self) -> Result<(), String> {
        let mut last = Last::Start;
        while let Some(c) = self.peek() {
            let at = self.pos;
            last = match c {
                '|' | ')' => return Ok(()),
                '^' | '$' => {
                    self.pos += 1;
                    Last::Assertion
                }
                '\\' if matches!(self.peek_at(1), Some('b' | 'B')) => {
                    self.pos += 2;
                    Last::Assertion
                }
                '\\' => {
                    self.pos += 1;
                    self.atom_escape(at)?;
                    Last::Atom
                }
                '(' => self.group()?,
                '[' => {
                    self.class()?;
                    Last::Atom
                }
                '*' | '+' | '?' | '{' => {
                    if c == '{' && self.repetition_end().is_none() {
                        return Err(format!(
                            "the `{{` at position {at} starts no repetition such as `{{2,5}}`; \
                             escape it as `\\{{`"
                        ));
                    }
                    return Err(nothing_to_repeat(c, at, last));
                }
                ']' | '}' => {
                    return Err(format!(
                        "the `{c}` at position {at} closes nothing; escape it as `\\{c}`"
                    ))
                }
                _ => {
                    self.pos += 1;
                    Last::Atom
                }
            };
            if last == Last::Atom {
                last = self.quantifier()?.unwrap_or(Last::Atom);
            }
        }
        Ok(())
    }

    /// An optional quantifier after an atom.
    fn quantifier(&mut self) -> Result<Option<Last>, String> {
        match self.peek() {
            Some('*' | '+' | '?') => self.pos += 1,
            Some('{') => match self.repetition_end() {
                Some((end, min, max)) => {
                    if let (Some(min), Some(max)) = (min, max) {
                        if min > max {
                            return Err(format!(
                                "the repetition at position {} has its minimum above its maximum",
                                self.pos
                            ));
                        }
                    }
                    self.pos = end;
                }
                None => return Ok(None),
            },
            _ => return Ok(None),
        }
        self.eat('?');
        Ok(Some(Last::Quantifier))
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor: where it ends and its bounds (`None` for a
    /// bound too large to matter, or absent).
    fn repetition_end(&self) -> Option<(usize, Option<u64>, Option<u64>)> {
        let close = self.chars[self.pos..].iter().position(|&c| c == '}')? + self.pos;
        let inner: String = self.chars[self.pos + 1..close].iter().collect();
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        let (min, max) = match inner.split_once(',') {
            None if digits(&inner) => (inner.parse().ok(), inner.parse().ok()),
            Some((lo, "")) if digits(lo) => (lo.parse().ok(), None),
            Some((lo, hi)) if digits(lo) && digits(hi) => (lo.parse().ok(), hi.parse().ok()),
            _ => return None,
        };
        Some((close + 1, min, max))
    }

    fn group(&mut self) -> Result<Last, String> {
        let at = self.pos;
        self.pos += 1;
        let mut kind = Last::Atom;
        if self.eat('?') {
            match self.peek() {
                Some(':') => self.pos += 1,
                Some('=' | '!') => {
                    self.pos += 1;
                    kind = Last::Assertion;
                }
                Some('<') if matches!(self.peek_at(1), Some('=' | '!')) => {
                    self.pos += 2;
                    kind = Last::Assertion;
                }
                Some('<') => {
                    self.pos += 1;
                    let name = self.group_name(at)?;
                    self.name_group(name, at)?;
                }
                Some('P') if self.peek_at(1) == Some('<') => {
                    return Err(format!(
                        "`(?P<` at position {at} is Python's syntax; ECMA-262 names a group `(?<name>...)`"
                    ))
                }
                _ => self.modifiers(at)?,
            }
        } else {
            self.groups += 1;
        }
        self.disjunction()?;
        // `balance` has made sure the group is closed.
        self.eat(')');
        Ok(kind)
    }

    /// `(?ims-ims:`: flags for one group. Flags for the rest of the pattern, `(?i)`, do not exist.
    fn modifiers(&mut self, at: usize) -> Result<(), String> {
        let mut seen = String::new();
        let mut dash = false;
        while let Some(c) = self.peek() {
            match c {
                'i' | 'm' | 's' if !seen.contains(c) => seen.push(c),
                'i' | 'm' | 's' => {
                    return Err(format!(
                        "the group at position {at} names the flag `{c}` twice"
                    ))
                }
                '-' if !dash => {
                    dash = true;
                    seen.push(c);
                }
                ':' if seen != "-" => {
                    self.pos += 1;
                    return Ok(());
                }
                ')' if !seen.is_empty() => {
                    return Err(format!(
                    "`(?{seen})` at position {at} sets flags for the rest of the pattern, which \
                         ECMA-262 cannot; give them a group: `(?{seen}:...)`"
                ))
                }
                _ => break,
            }
            self.pos += 1;
        }
        Err(format!(
            "`(?` at position {at} starts no kind of group ECMA-262 has: `(?:...)`, `(?<name>...)`, \
             `(?=...)`, `(?!...)`, `(?<=...)`, `(?<!...)` or `(?i:...)`"
        ))
    }

    fn group_name(&mut self, at: usize) -> Result<String, String> {
        let start = self.pos;
        let mut name = String::new();
        loop {
            match self.peek() {
                Some('>') if !name.is_empty() => {
                    self.pos += 1;
                    return Ok(name);
                }
                Some('\\') if self.peek_at(1) == Some('u') => {
                    self.pos += 2;
                    name.push(self.unicode_escape(self.pos - 2)?);
                }
                Some(c)
                    if c == '$'
                        || c == '_'
                        || c.is_ascii_alphabetic()
                        || (c.is_ascii_digit() && self.pos > start)
                        // Unicode's identifier tables are the runtime's to apply.
                        || !c.is_ascii() =>
                {
                    self.pos += 1;
                    name.push(c);
                }
                _ => {
                    return Err(format!(
                    "the group name at position {at} must be an identifier (a letter, `$` or `_`, \
                         then letters, digits, `$` or `_`) closed by `>`"
                ))
                }
            }
        }
    }

    /// Records a named group; two groups share a name only in different alternatives.
    fn name_group(&mut self, name: String, at: usize) -> Result<(), String> {
        self.groups += 1;
        for (other, path) in &self.names {
            if *other == name && !exclusive(path, &self.path) {
                return Err(format!(
                    "the group name `{name}` at position {at} is already used; two groups share a \
                     name only in different alternatives of a `|`"
                ));
            }
        }
        self.names.push((name, self.path.clone()));
        Ok(())
    }
}

/// Whether two groups sit in different alternatives of some `|`, so that at most one of them
/// takes part in a match.
fn exclusive(a: &[(usize, usize)], b: &[(usize, usize)]) -> bool {
    a.iter()
        .zip(b)
        .take_while(|((da, _), (db, _))| da == db)
        .any(|((_, aa), (_, ab))| aa != ab)
}

fn nothing_to_repeat(c: char, at: usize, last: Last) -> String {
    let escaped = if c == '{' {
        "\\{".to_owned()
    } else {
        format!("\\{c}")
    };
    match last {
        Last::Quantifier => format!(
            "the `{c}` at position {at} follows another quantifier; ECMA-262 has no possessive \
             or double quantifiers (a lazy one is `*?`)"
        ),
        Last::Assertion => format!(
            "the `{c}` at position {at} repeats an assertion, which matches no characters; \
             escape it as `{escaped}` to match it"
        ),
        _ => format!("the `{c}` at position {at} repeats nothing; escape it as `{escaped}`"),
    }
}
