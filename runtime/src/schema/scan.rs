//! A request body read against its type's shape without being built: which `readOnly`
//! properties the client sent, which properties that must not be `null` are, and the values
//! that callback pointers name. With that known, the body deserializes straight from its bytes
//! into the handler's type, instead of through a `serde_json::Value` that is then pruned.
//!
//! The scan walks the bytes itself rather than through serde: it only needs to find where
//! values begin and end and compare keys, and a serde visitor parses every string and number
//! on the way, which cost as much as deserializing the body. It never fails a request: bytes
//! that are not JSON make it return `None`, JSON that does not match the shape is passed
//! over, and the deserialization that follows reports either.

use serde_json::Value;

use super::shape::{is_optional, FieldShape, ObjectShape, Shape};
use super::validate::{push_escaped, push_index};

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
    /// Pointers of arrays sent where the schema says object. serde would read a struct from
    /// an array, field by field in order, and a readOnly field with it: these are refused.
    pub arrays_for_objects: Vec<String>,
}

/// Scans `bytes` against `shape`, looking also for the values at `wanted` (pointers split into
/// unescaped tokens, each through objects only), and listing the pointers of the readOnly
/// properties sent when `list_read_only`. `None` when the bytes are not JSON.
pub(crate) fn scan<W: AsRef<str>>(
    bytes: &[u8],
    shape: &'static Shape,
    wanted: &[Vec<W>],
    list_read_only: bool,
) -> Option<Sent> {
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
    };
    let wanted: Vec<(usize, &[W])> = wanted
        .iter()
        .enumerate()
        .map(|(i, tokens)| (i, tokens.as_slice()))
        .collect();
    scanner.value(Some(shape), &wanted)?;
    scanner.skip_whitespace();
    (scanner.at == bytes.len()).then_some(scanner.sent)
}

/// serde_json refuses nesting deeper than this; so does the scan.
const MAX_DEPTH: usize = 128;

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

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// The pointer to where the scan is.
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        for step in &self.path {
            pointer.push('/');
            match step {
                Step::Key(raw) => push_escaped(&mut pointer, &unescape(raw).unwrap_or_default()),
                Step::Index(i) => push_index(&mut pointer, *i),
            }
        }
        pointer
    }

    /// Skips a string whose opening quote is at `at`; returns its raw contents and whether
    /// they hold escapes.
    fn string(&mut self) -> Option<(&'b [u8], bool)> {
        let start = self.at + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match self.bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        self.at = i + 1;
        Some((&self.bytes[start..i], escaped))
    }

    /// Scans one value against `shape` (`None`: nothing in it matters) and the wanted
    /// pointers that continue inside it.
    fn value<W: AsRef<str>>(
        &mut self,
        shape: Option<&'static Shape>,
        wanted: &[(usize, &[W])],
    ) -> Option<()> {
        if self.path.len() > MAX_DEPTH {
            return None;
        }
        self.skip_whitespace();
        match self.peek()? {
            b'{' => {
                self.at += 1;
                self.object(self.resolve(shape), wanted)
            }
            b'[' => {
                self.at += 1;
                if !wanted.is_empty() {
                    self.sent.through_array = true;
                }
                let item = match self.resolve(shape) {
                    Some(Shape::Array(item)) => Some(*item),
                    Some(Shape::Object(_)) => {
                        let pointer = self.pointer();
                        self.sent.arrays_for_objects.push(pointer);
                        None
                    }
                    _ => None,
                };
                self.array(item)
            }
            b'"' => self.string().map(drop),
            _ => {
                let start = self.at;
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.at += 1;
                }
                (self.at > start).then_some(())
            }
        }
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

    fn array(&mut self, item: Option<&'static Shape>) -> Option<()> {
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        let mut index = 0;
        loop {
            self.path.push(Step::Index(index));
            self.value::<&str>(item, &[])?;
            self.path.pop();
            if self.closed(b']')? {
                return Some(());
            }
            index += 1;
        }
    }

    /// After an item: `Some(false)` past a comma, `Some(true)` past `close`, `None` otherwise.
    fn closed(&mut self, close: u8) -> Option<bool> {
        self.skip_whitespace();
        let next = self.peek()?;
        self.at += 1;
        match next {
            b',' => Some(false),
            _ if next == close => Some(true),
            _ => None,
        }
    }

    fn object<W: AsRef<str>>(
        &mut self,
        shape: Option<&'static Shape>,
        wanted: &[(usize, &[W])],
    ) -> Option<()> {
        let is_object = matches!(shape, Some(Shape::Object(_)));
        if is_object {
            self.enclosing.push(shape?);
        }
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                self.expect(b'"')?;
                self.at -= 1;
                let (raw, escaped) = self.string()?;
                self.expect(b':')?;
                let decoded;
                let key: &[u8] = if escaped {
                    decoded = unescape(raw)?;
                    decoded.as_bytes()
                } else {
                    raw
                };
                self.path.push(Step::Key(raw));
                self.property(shape, key, wanted)?;
                self.path.pop();
                if self.closed(b'}')? {
                    break;
                }
            }
        }
        if is_object {
            self.enclosing.pop();
        }
        Some(())
    }

    /// Scans the value of the property `key` of an object of `shape`.
    fn property<W: AsRef<str>>(
        &mut self,
        shape: Option<&'static Shape>,
        key: &[u8],
        wanted: &[(usize, &[W])],
    ) -> Option<()> {
        let (field_shape, read_only, nullable) = match shape {
            Some(Shape::Object(object)) => match field(object, key) {
                Some(f) => (
                    Some(f.shape),
                    f.read_only,
                    f.nullable || !is_optional(f.shape),
                ),
                None => (None, false, true),
            },
            Some(Shape::Map(value)) => (Some(*value), false, true),
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
            let value: Value = serde_json::from_slice(&self.bytes[start..self.at]).ok()?;
            for &(i, tokens) in wanted {
                if tokens.len() == 1 && tokens[0].as_ref().as_bytes() == key {
                    self.sent.found[i] = Some(value.clone());
                }
            }
        }
        Some(())
    }
}

/// A key's text from its raw bytes between the quotes.
fn unescape(raw: &[u8]) -> Option<String> {
    if !raw.contains(&b'\\') {
        return std::str::from_utf8(raw).ok().map(str::to_owned);
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).ok()
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
mod tests {
    use super::super::shape::FieldShape;
    use super::*;

    const fn property(name: &'static str, shape: &'static Shape) -> FieldShape {
        FieldShape {
            name,
            shape,
            required: false,
            read_only: false,
            write_only: false,
            nullable: true,
        }
    }

    const fn read_only(field: FieldShape) -> FieldShape {
        FieldShape {
            read_only: true,
            ..field
        }
    }

    const UUID: Shape = Shape::String {
        format: Some("uuid"),
    };
    const TEXT: Shape = Shape::String { format: None };
    const LINE: Shape = Shape::Object(&ObjectShape {
        name: "Line",
        fields: &[
            read_only(property("id", &Shape::Optional(&UUID))),
            property("upc", &TEXT),
            property(
                "children",
                &Shape::Optional(&Shape::Array(&Shape::Recursive("Line"))),
            ),
        ],
        flattened: &[],
    });
    const ORDER: Shape = Shape::Object(&ObjectShape {
        name: "Order",
        fields: &[
            read_only(property("id", &Shape::Optional(&UUID))),
            FieldShape {
                nullable: false,
                ..property("callbackUrl", &Shape::Optional(&TEXT))
            },
            property("lines", &Shape::Array(&LINE)),
            property("meta", &Shape::Map(&LINE)),
        ],
        flattened: &[],
    });

    fn run(body: &str, wanted: &[&[&str]]) -> Sent {
        let wanted: Vec<Vec<String>> = wanted
            .iter()
            .map(|p| p.iter().map(|t| t.to_string()).collect())
            .collect();
        let sent = scan(body.as_bytes(), &ORDER, &wanted, false).expect("JSON");
        assert_eq!(
            sent.any_read_only,
            !sent.read_only.is_empty() || sent_any(body, &wanted)
        );
        let listed = scan(body.as_bytes(), &ORDER, &wanted, true).expect("JSON");
        assert_eq!(listed.any_read_only, sent.any_read_only);
        listed
    }

    fn sent_any(body: &str, wanted: &[Vec<String>]) -> bool {
        scan(body.as_bytes(), &ORDER, wanted, true).is_some_and(|s| !s.read_only.is_empty())
    }

    #[test]
    fn read_only_properties_are_found_at_any_depth() {
        let sent = run(
            r#"{"id": 1, "lines": [{"upc": "a"}, {"id": null, "children": [{"id": "x"}]}],
                "meta": {"a/b": {"id": 2}}, "other": {"id": 3}}"#,
            &[],
        );
        assert_eq!(
            sent.read_only,
            [
                "/id",
                "/lines/1/id",
                "/lines/1/children/0/id",
                "/meta/a~1b/id"
            ]
        );
        assert!(sent.nulls.is_empty());
    }

    #[test]
    fn null_is_found_where_the_schema_refuses_it() {
        let sent = run(r#"{"callbackUrl": null, "lines": []}"#, &[]);
        assert_eq!(sent.nulls, ["/callbackUrl"]);
        assert!(run(r#"{"callbackUrl": "x"}"#, &[]).nulls.is_empty());
    }

    #[test]
    fn wanted_values_are_captured_as_sent() {
        let sent = run(
            r#"{"callbackUrl": "https://a.example/x", "id": "r", "extra": {"deep": {"v": [1, 2]}}}"#,
            &[
                &["callbackUrl"],
                &["id"],
                &["extra", "deep", "v"],
                &["absent"],
            ],
        );
        assert_eq!(sent.found[0], Some(Value::from("https://a.example/x")));
        assert_eq!(
            sent.found[1],
            Some(Value::from("r")),
            "readOnly values are read as sent"
        );
        assert_eq!(sent.found[2], Some(serde_json::json!([1, 2])));
        assert_eq!(sent.found[3], None);
        assert_eq!(sent.read_only, ["/id"]);
        assert!(!sent.through_array);
        let null = run(r#"{"callbackUrl": null}"#, &[&["callbackUrl"]]);
        assert_eq!(null.nulls, ["/callbackUrl"]);
        assert_eq!(null.found[0], Some(Value::Null));
    }

    #[test]
    fn arrays_where_objects_belong_are_reported() {
        let sent = run(r#"[1, "x"]"#, &[]);
        assert_eq!(sent.arrays_for_objects, [""]);
        let sent = run(
            r#"{"lines": [["a"], {"children": [[]]}], "meta": {"k": []}}"#,
            &[],
        );
        assert_eq!(
            sent.arrays_for_objects,
            ["/lines/0", "/lines/1/children/0", "/meta/k"]
        );
    }

    #[test]
    fn a_wanted_pointer_through_an_array_is_reported() {
        let sent = run(r#"{"lines": [{"upc": "a"}]}"#, &[&["lines", "0", "upc"]]);
        assert!(sent.through_array);
    }

    #[test]
    fn json_that_does_not_match_the_shape_is_passed_over_and_bad_json_is_none() {
        let sent = run(r#"{"lines": "no", "meta": [1], "id": {"a": [1]}}"#, &[]);
        assert_eq!(sent.read_only, ["/id"]);
        assert!(scan::<String>(b"{\"id\": ", &ORDER, &[], true).is_none());
        assert!(scan::<String>(b"{} {}", &ORDER, &[], true).is_none());
    }
}

/// The scan agrees with the JSON pass it replaces: on every body, the same readOnly
/// properties and refused nulls, the same callback values, and (when the body deserializes)
/// the same value once readOnly fields are reset.
#[cfg(test)]
mod agrees_with_the_json_pass {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    use super::scan;
    use crate::schema::visibility::Removed;
    use crate::Schema;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::Schema)]
    #[serde(rename_all = "camelCase")]
    struct Order {
        #[schema(read_only)]
        id: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        callback_url: Option<String>,
        #[serde(default)]
        lines: Vec<Line>,
        #[serde(default)]
        meta: BTreeMap<String, Line>,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::Schema)]
    struct Line {
        #[schema(read_only)]
        id: Option<String>,
        #[serde(default)]
        upc: String,
        #[serde(default)]
        children: Vec<Line>,
        #[schema(read_only)]
        #[serde(default)]
        size: u32,
    }

    const KEYS: [&str; 9] = [
        "id",
        "callbackUrl",
        "lines",
        "meta",
        "upc",
        "children",
        "size",
        "a/b~c",
        "x",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0u32..2000).prop_map(Value::from),
            (-5.0f64..5.0).prop_map(|f| json!(f)),
            "[a-z\"\\\\{}\\[\\],: ]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((proptest::sample::select(&KEYS[..]), inner), 0..6)
                    .prop_map(|pairs| {
                        Value::Object(
                            pairs
                                .into_iter()
                                .map(|(k, v)| (k.to_owned(), v))
                                .collect::<Map<_, _>>(),
                        )
                    }),
            ]
        })
    }

    /// The body as a client might send it: compact or pretty, and with some key characters
    /// written as `\u` escapes.
    fn spelled(value: &Value, pretty: bool, escape_keys: bool) -> Vec<u8> {
        let text = if pretty {
            serde_json::to_string_pretty(value).unwrap()
        } else {
            value.to_string()
        };
        if escape_keys {
            text.replace("\"id\"", "\"\\u0069d\"").into_bytes()
        } else {
            text.into_bytes()
        }
    }

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    const WANTED: [&[&str]; 3] = [&["callbackUrl"], &["meta", "a/b~c", "upc"], &["id"]];

    /// Orders as a client would send them: well typed, readOnly properties or not, and
    /// sometimes a `null` where it is refused.
    fn order() -> impl Strategy<Value = Value> {
        let line = (
            proptest::option::of("[a-z]{1,3}"),
            "[a-z\"]{0,4}",
            proptest::option::of(0u32..9),
        )
            .prop_map(|(id, upc, size)| {
                let mut line = json!({"upc": upc, "children": [{"upc": "c", "id": id}]});
                if let Some(size) = size {
                    line["size"] = size.into();
                }
                line
            });
        (
            proptest::option::of(0u32..99),
            proptest::option::of(proptest::option::of("[a-z:/]{0,8}")),
            proptest::collection::vec(line.clone(), 0..3),
            proptest::option::of(line),
        )
            .prop_map(|(id, url, lines, meta)| {
                let mut order = json!({"lines": lines});
                if let Some(id) = id {
                    order["id"] = id.into();
                }
                if let Some(url) = url {
                    order["callbackUrl"] = url.map_or(Value::Null, Value::from);
                }
                if let Some(meta) = meta {
                    order["meta"] = json!({"a/b~c": meta});
                }
                order
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn on_every_body(value in json_value(), pretty: bool, escape_keys: bool) {
            check(&value, pretty, escape_keys)?;
        }

        #[test]
        fn on_every_order(value in order(), pretty: bool, escape_keys: bool) {
            prop_assert!(check(&value, pretty, escape_keys)?, "{} did not deserialize", value);
        }
    }

    /// Checks one body; says whether it deserialized directly.
    fn check(value: &Value, pretty: bool, escape_keys: bool) -> Result<bool, TestCaseError> {
        {
            let bytes = spelled(value, pretty, escape_keys);
            let wanted: Vec<Vec<&str>> = WANTED.iter().map(|p| p.to_vec()).collect();
            let sent = scan(&bytes, Order::SHAPE, &wanted, true).expect("valid JSON scans");

            let mut stripped = value.clone();
            let mut removed = Removed::new();
            Order::strip_read_only(&mut stripped, &mut removed);
            prop_assert_eq!(
                sorted(sent.read_only.clone()),
                sorted(removed.pointers().to_vec())
            );
            prop_assert_eq!(sent.any_read_only, !removed.pointers().is_empty());
            prop_assert_eq!(sorted(sent.nulls.clone()), sorted(removed.nulls().to_vec()));

            for (tokens, found) in wanted.iter().zip(&sent.found) {
                let pointer: String = tokens
                    .iter()
                    .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
                    .collect();
                if !sent.through_array {
                    prop_assert_eq!(found.as_ref(), value.pointer(&pointer), "{}", pointer);
                }
            }

            // The request path refuses these before deserializing anything.
            if !sent.arrays_for_objects.is_empty() {
                return Ok(false);
            }
            let Ok(mut direct) = serde_json::from_slice::<Order>(&bytes) else {
                return Ok(false);
            };
            prop_assert!(!sent.any_read_only || direct.clear_read_only());
            let through_json: Order = serde_json::from_value(stripped)
                .expect("what deserializes directly deserializes stripped");
            prop_assert_eq!(direct, through_json);
            Ok(true)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Any bytes: no panic, and whatever serde_json reads as JSON, the scan reads too.
        #[test]
        fn never_panics_and_never_refuses_json(
            value in json_value(),
            cut in 0usize..64,
            junk in proptest::collection::vec(any::<u8>(), 0..8),
        ) {
            let wanted: Vec<Vec<&str>> = WANTED.iter().map(|p| p.to_vec()).collect();
            let mut bytes = value.to_string().into_bytes();
            let at = bytes.len().saturating_sub(cut);
            bytes.splice(at..at, junk);
            let scanned = scan(&bytes, Order::SHAPE, &wanted, true);
            if serde_json::from_slice::<Value>(&bytes).is_ok() {
                prop_assert!(scanned.is_some(), "{}", String::from_utf8_lossy(&bytes));
            }
        }
    }

    #[test]
    fn bytes_that_are_not_json_are_refused() {
        let none: &[Vec<&str>] = &[];
        for bad in [
            &b""[..],
            b"{",
            b"{\"id\" 1}",
            b"{\"id\": 1,}",
            b"[1 2]",
            b"\"open",
            b"{} x",
            b"{\"a\": [}",
        ] {
            assert!(
                scan(bad, Order::SHAPE, none, true).is_none(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
