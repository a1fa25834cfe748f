//! A request body read against its type's shape without being built: whether it is JSON at
//! all, every place where it does not fit the shape (a value of the wrong kind, out of range,
//! not among an enum's values, a required property missing, a key sent twice), which
//! `readOnly` properties the client sent, which properties that must not be `null` are, and
//! the values that callback pointers name. With that known, a body that fits deserializes
//! straight from its bytes into the handler's type, instead of through a `serde_json::Value`
//! that is then pruned, and one that does not is refused with every mistake at once.
//!
//! The scan walks the bytes itself rather than through serde: it only needs to find where
//! values begin and end and compare keys, and a serde visitor parses every string and number
//! on the way, which cost as much as deserializing the body. It is the one judge of what is
//! JSON: whatever path the body takes next, it has been read as strictly here.

mod expect;
mod keys;
mod lexeme;

use serde_json::Value;

use super::shape::{is_optional, FieldShape, ObjectShape, Shape};
use super::validate::{push_escaped, push_index};
use expect::Found;
use lexeme::{unescape, Fault, Str};

/// What a scan found.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    /// Pointers of the `readOnly` properties present (when asked for).
    pub read_only: Vec<String>,
    /// Whether any `readOnly` property is present.
    pub any_read_only: bool,
    /// Pointers of properties sent as `null` where the schema says non-nullable.
    pub nulls: Vec<String>,
    /// For each wanted pointer, the value found there, if any.
    pub found: Vec<Option<Value>>,
    /// A wanted pointer stepped into an array; its value was not looked for.
    pub through_array: bool,
    /// Where the body does not fit the shape, or is not JSON text, in the order sent.
    pub mistakes: Vec<Mistake>,
}

/// One place where a body does not fit its type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mistake {
    /// The JSON pointer to the value (for a missing property: to where it belongs).
    pub pointer: String,
    /// What is wrong, saying what was expected.
    pub message: String,
    pub kind: MistakeKind,
}

/// What a mistake leaves of the body.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MistakeKind {
    /// A value of this shape belongs at the pointer: absent or of another kind.
    Expected(&'static Shape),
    /// The key at the pointer was sent before in the same object.
    Duplicate,
    /// The text there is not JSON (bad UTF-8, a lone surrogate): nothing can read the body.
    NotText,
}

impl PartialEq for MistakeKind {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            // Shapes are compared by identity: the same declaration is the same place.
            (Self::Expected(a), Self::Expected(b)) => std::ptr::eq(*a, *b),
            (Self::Duplicate, Self::Duplicate) | (Self::NotText, Self::NotText) => true,
            _ => false,
        }
    }
}

/// Bytes that are not JSON, and where the reading stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NotJson {
    pub pointer: String,
    pub message: String,
}

/// Scans `bytes` against `shape`, looking also for the values at `wanted` (pointers split into
/// unescaped tokens, each through objects only), and listing the pointers of the readOnly
/// properties sent when `list_read_only`. `Err` when the bytes are not JSON.
pub(crate) fn scan<W: AsRef<str>>(
    bytes: &[u8],
    shape: &'static Shape,
    wanted: &[Vec<W>],
    list_read_only: bool,
) -> Result<Sent, NotJson> {
    let mut scanner = Scanner {
        bytes,
        at: 0,
        list_read_only,
        sent: Sent {
            found: vec![None; wanted.len()],
            ..Sent::default()
        },
        path: Vec::new(),
        enclosing: Vec::new(),
        keys: keys::Keys::default(),
        depth: 0,
    };
    let wanted: Vec<(usize, &[W])> = wanted
        .iter()
        .enumerate()
        .map(|(i, tokens)| (i, tokens.as_slice()))
        .collect();
    scanner.value(Some(shape), &wanted)?;
    scanner.skip_whitespace();
    if scanner.at < bytes.len() {
        return Err(scanner.not_json("there is more after the JSON value"));
    }
    Ok(scanner.sent)
}

/// serde_json refuses to nest arrays and objects this deep; so does the scan.
const MAX_DEPTH: usize = 128;

/// A type declares this many properties at most for the scan to track each by a bit: those
/// past it are tracked as unknown keys are, and left to serde to require.
const TRACKED: usize = u64::BITS as usize;

/// One step of the path to where the scan is.
enum Step<'b> {
    /// A key, as its raw bytes between the quotes.
    Key(&'b [u8]),
    Index(usize),
}

struct Scanner<'b> {
    bytes: &'b [u8],
    at: usize,
    list_read_only: bool,
    sent: Sent,
    /// Where the scan is; a pointer is written only when one is reported.
    path: Vec<Step<'b>>,
    /// The object shapes the scan is inside, for [`Shape::Recursive`].
    enclosing: Vec<&'static Shape>,
    keys: keys::Keys<'b>,
    /// How many arrays and objects the scan is inside.
    depth: usize,
}

impl<'b> Scanner<'b> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, fault: Fault) -> Result<(), NotJson> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.not_json(fault))
        }
    }

    /// The pointer to where the scan is.
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for step in &self.path {
            pointer.push('/');
            match step {
                Step::Key(raw) => push_escaped(
                    &mut pointer,
                    &unescape(raw).unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned()),
                ),
                Step::Index(i) => push_index(&mut pointer, *i),
            }
        }
        pointer
    }

    fn not_json(&self, fault: Fault) -> NotJson {
        let fault = if self.at >= self.bytes.len() {
            "the body ends too soon"
        } else {
            fault
        };
        NotJson {
            pointer: self.pointer(),
            message: format!("the body is not valid JSON: {fault}"),
        }
    }

    fn mistake(&mut self, kind: MistakeKind, message: String) {
        let pointer = self.pointer();
        self.sent.mistakes.push(Mistake {
            pointer,
            message,
            kind,
        });
    }

    fn not_text(&mut self, fault: Option<Fault>) {
        if let Some(fault) = fault {
            let message = format!("is not valid JSON: {fault}");
            self.mistake(MistakeKind::NotText, message);
        }
    }

    /// Reads the string whose opening quote is at `at`, reporting contents that are not text.
    #[inline]
    fn string(&mut self) -> Result<Str<'b>, NotJson> {
        let (token, end, fault) =
            lexeme::string(self.bytes, self.at).map_err(|f| self.not_json(f))?;
        self.at = end;
        self.not_text(fault);
        Ok(token)
    }

    /// Scans one value against `shape` (`None`: nothing in it matters) and the wanted
    /// pointers that continue inside it.
    fn value<W: AsRef<str>>(
        &mut self,
        shape: Option<&'static Shape>,
        wanted: &[(usize, &[W])],
    ) -> Result<(), NotJson> {
        self.skip_whitespace();
        let nullable = shape.is_none_or(is_optional);
        let shape = self.resolve(shape);
        let at = self.at;
        let found = match self.peek() {
            Some(b'{' | b'[') if self.depth + 1 >= MAX_DEPTH => {
                return Err(self.not_json("it is nested too deep"))
            }
            Some(b'{') => Found::Object,
            Some(b'[') => Found::Array,
            Some(b'"') => Found::String(self.string()?.raw),
            Some(b'-' | b'0'..=b'9') => {
                let (number, end, fault) =
                    lexeme::number(self.bytes, at).map_err(|f| self.not_json(f))?;
                self.at = end;
                self.not_text(fault);
                Found::Number(number)
            }
            _ => match lexeme::literal(self.bytes, at) {
                Some((word, end)) => {
                    self.at = end;
                    Found::Literal(word)
                }
                None => return Err(self.not_json("a value is expected here")),
            },
        };
        let fits = match (&found, shape) {
            (_, None) => true,
            (Found::String(raw), Some(shape @ Shape::StringEnum(_))) => {
                let escaped = raw.contains(&b'\\');
                let text = escaped.then(|| unescape(raw)).flatten();
                let key = text.as_ref().map_or(*raw, |t| t.as_bytes());
                expect::accepts(shape, nullable, &found, key)
            }
            (found, Some(shape)) => expect::accepts(shape, nullable, found, b""),
        };
        let inner = if fits {
            shape
        } else {
            let shape = shape.expect("a value without a shape fits");
            let message = expect::mismatch(shape, nullable, &found);
            self.mistake(MistakeKind::Expected(shape), message);
            None
        };
        match found {
            Found::Object => {
                self.at += 1;
                self.depth += 1;
                self.object(inner, wanted)?;
                self.depth -= 1;
            }
            Found::Array => {
                self.at += 1;
                if !wanted.is_empty() {
                    self.sent.through_array = true;
                }
                let item = match inner {
                    Some(Shape::Array(item)) => Some(*item),
                    _ => None,
                };
                self.depth += 1;
                self.array(item)?;
                self.depth -= 1;
            }
            _ => {}
        }
        Ok(())
    }

    /// The shape, with optional and recursive shapes resolved.
    fn resolve(&self, shape: Option<&'static Shape>) -> Option<&'static Shape> {
        let mut shape = shape?;
        loop {
            match shape {
                Shape::Optional(inner) => shape = inner,
                Shape::Recursive(name) => {
                    shape = self
                        .enclosing
                        .iter()
                        .rev()
                        .copied()
                        .find(|s| matches!(s, Shape::Object(o) if o.name == *name))?;
                }
                _ => return Some(shape),
            }
        }
    }

    fn array(&mut self, item: Option<&'static Shape>) -> Result<(), NotJson> {
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            self.path.push(Step::Index(index));
            self.value::<&str>(item, &[])?;
            self.path.pop();
            if self.closed(b']', "an array needs a `,` or `]` here")? {
                return Ok(());
            }
            index += 1;
        }
    }

    /// After an item: `false` past a comma, `true` past `close`.
    fn closed(&mut self, close: u8, fault: Fault) -> Result<bool, NotJson> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(false)
            }
            Some(next) if next == close => {
                self.at += 1;
                Ok(true)
            }
            _ => Err(self.not_json(fault)),
        }
    }

    fn object<W: AsRef<str>>(
        &mut self,
        shape: Option<&'static Shape>,
        wanted: &[(usize, &[W])],
    ) -> Result<(), NotJson> {
        let object = match shape {
            Some(Shape::Object(object)) => {
                self.enclosing.push(shape.expect("matched"));
                Some(*object)
            }
            _ => None,
        };
        let keys_from = self.keys.open();
        // The declared properties seen, a bit each: no allocation for a typed body.
        let mut seen: u64 = 0;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.not_json("a property name in quotes is expected here"));
                }
                let token = self.string()?;
                self.expect(b':', "a `:` is expected after a property name")?;
                let decoded;
                let key: &[u8] = if token.escaped {
                    decoded = unescape(token.raw).unwrap_or_default();
                    decoded.as_bytes()
                } else {
                    token.raw
                };
                self.path.push(Step::Key(token.raw));
                // Looked up once: the bit for duplicates, the field for its value.
                let (declared, found) = match object {
                    Some(o) => match o.fields.iter().position(|f| f.name.as_bytes() == key) {
                        Some(i) => (Some(i).filter(|&i| i < TRACKED), Some(&o.fields[i])),
                        None => (None, field(o, key)),
                    },
                    None => (None, None),
                };
                let first = match declared {
                    Some(i) => {
                        let bit = 1 << i;
                        let first = seen & bit == 0;
                        seen |= bit;
                        first
                    }
                    None => self.keys.insert(keys_from, token),
                };
                if !first {
                    let message = "is sent twice: a property may appear only once in an object";
                    self.mistake(MistakeKind::Duplicate, message.to_owned());
                }
                self.property(shape, found, key, wanted)?;
                self.path.pop();
                if self.closed(b'}', "an object needs a `,` or `}` here")? {
                    break;
                }
            }
        }
        self.keys.close(keys_from);
        if let Some(object) = object {
            self.require(object, seen);
            self.enclosing.pop();
        }
        Ok(())
    }

    /// Reports each required property of `object` that is not among those `seen`.
    fn require(&mut self, object: &'static ObjectShape, seen: u64) {
        for (i, field) in object.fields.iter().enumerate().take(TRACKED) {
            if field.required && seen & 1 << i == 0 {
                self.path.push(Step::Key(field.name.as_bytes()));
                self.mistake(
                    MistakeKind::Expected(field.shape),
                    expect::missing(field.shape),
                );
                self.path.pop();
            }
        }
    }

    /// Scans the value of the property `key` of an object of `shape`, which declares it as
    /// `declared` (when it is an object that does).
    fn property<W: AsRef<str>>(
        &mut self,
        shape: Option<&'static Shape>,
        declared: Option<&'static FieldShape>,
        key: &[u8],
        wanted: &[(usize, &[W])],
    ) -> Result<(), NotJson> {
        let (field_shape, read_only, nullable) = match (shape, declared) {
            (_, Some(f)) => (
                Some(f.shape),
                f.read_only,
                f.nullable || !is_optional(f.shape),
            ),
            (Some(Shape::Map(value)), _) => (Some(*value), false, true),
            _ => (None, false, true),
        };
        if read_only {
            self.sent.any_read_only = true;
            if self.list_read_only {
                let pointer = self.pointer();
                self.sent.read_only.push(pointer);
            }
        }
        // The wanted pointers that end here, and those that go on inside.
        let mut captured = false;
        let mut inside = Vec::new();
        for &(i, tokens) in wanted {
            match tokens.split_first() {
                Some((first, rest)) if first.as_ref().as_bytes() == key => {
                    if rest.is_empty() {
                        captured = true;
                    } else {
                        inside.push((i, rest));
                    }
                }
                _ => {}
            }
        }
        self.skip_whitespace();
        if !nullable && !read_only && self.bytes[self.at..].starts_with(b"null") {
            let pointer = self.pointer();
            self.sent.nulls.push(pointer);
        }
        let start = self.at;
        // Nothing inside a readOnly property matters to the shape: it is reset whole.
        self.value(field_shape.filter(|_| !read_only), &inside)?;
        if captured {
            // The text is JSON (or reported as not): a value that does not read is left out.
            if let Ok(value) = serde_json::from_slice::<Value>(&self.bytes[start..self.at]) {
                for &(i, tokens) in wanted {
                    if tokens.len() == 1 && tokens[0].as_ref().as_bytes() == key {
                        self.sent.found[i] = Some(value.clone());
                    }
                }
            }
        }
        Ok(())
    }
}

/// The property `name` of an object, among its own fields and those of flattened shapes.
fn field(object: &'static ObjectShape, name: &[u8]) -> Option<&'static FieldShape> {
    if let Some(f) = object.fields.iter().find(|f| f.name.as_bytes() == name) {
        return Some(f);
    }
    object.flattened.iter().find_map(|shape| match shape {
        Shape::Object(inner) | Shape::Optional(Shape::Object(inner)) => field(inner, name),
        _ => None,
    })
}

#[cfg(test)]
mod agrees;
#[cfg(test)]
mod tests;
