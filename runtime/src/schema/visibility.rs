//! readOnly and writeOnly, applied to JSON: readOnly properties are removed from what a client
//! sent before it is deserialized (so their content, valid or not, is ignored), and writeOnly
//! properties are removed from what is about to be sent.

use serde_json::Value;

use super::validate::{push_escaped, push_index};
use super::Schema;

/// The readOnly properties a strip removed, by JSON pointer.
///
/// ```
/// use ringback::{Schema, schema::visibility::Removed};
/// #[derive(serde::Deserialize, ringback::Schema)]
/// struct Order {
///     #[schema(read_only)]
///     id: Option<u64>,
///     note: String,
/// }
/// let mut json = serde_json::json!({"id": 7, "note": "hi"});
/// let mut removed = Removed::new();
/// Order::strip_read_only(&mut json, &mut removed);
/// assert_eq!(removed.pointers(), ["/id"]);
/// assert_eq!(json, serde_json::json!({"note": "hi"}));
/// ```
#[derive(Debug)]
pub struct Removed {
    pointer: String,
    pointers: Vec<String>,
    nulls: Vec<String>,
    /// Whether removed properties are listed (the reject policy needs them; stripping does not).
    record: bool,
}

impl Default for Removed {
    fn default() -> Self {
        Removed {
            pointer: String::new(),
            pointers: Vec::new(),
            nulls: Vec::new(),
            record: true,
        }
    }
}

impl Removed {
    /// Nothing removed yet, at the document root.
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes without listing what it removed: for the strip policy, which needs no list
    /// and should not pay for one. Forbidden `null`s are still reported.
    pub fn without_list() -> Self {
        Removed {
            record: false,
            ..Self::default()
        }
    }

    /// The pointers of the removed properties, in the order removed.
    pub fn pointers(&self) -> &[String] {
        &self.pointers
    }

    /// Whether anything was removed.
    pub fn is_empty(&self) -> bool {
        self.pointers.is_empty()
    }

    /// Takes the pointers.
    pub fn into_pointers(self) -> Vec<String> {
        self.pointers
    }

    /// Pointers of explicit `null`s sent for optional properties that are not nullable
    /// (`Option` fields serde never writes as `null`): the document forbids them.
    pub fn nulls(&self) -> &[String] {
        &self.nulls
    }

    fn enter(&mut self, token: &str) -> usize {
        let len = self.pointer.len();
        self.pointer.push('/');
        push_escaped(&mut self.pointer, token);
        len
    }

    fn enter_index(&mut self, index: usize) -> usize {
        let len = self.pointer.len();
        self.pointer.push('/');
        push_index(&mut self.pointer, index);
        len
    }
}

/// Objects up to this many properties are searched by comparing names rather than hashing
/// them: every property of every object in a request is looked up here, most are absent, and
/// comparing a handful of short names costs less than one SipHash.
const SCAN_UP_TO: usize = 16;

fn has(map: &serde_json::Map<String, Value>, name: &str) -> bool {
    if map.len() <= SCAN_UP_TO {
        map.keys().any(|k| k == name)
    } else {
        map.contains_key(name)
    }
}

/// The property `name` of `object`, if `object` is an object that has it.
fn property<'v>(object: &'v Value, name: &str) -> Option<&'v Value> {
    let Value::Object(map) = object else {
        return None;
    };
    if map.len() <= SCAN_UP_TO {
        map.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

fn property_mut<'v>(object: &'v mut Value, name: &str) -> Option<&'v mut Value> {
    let Value::Object(map) = object else {
        return None;
    };
    if map.len() <= SCAN_UP_TO {
        map.iter_mut().find(|(k, _)| *k == name).map(|(_, v)| v)
    } else {
        map.get_mut(name)
    }
}

/// Records an explicit `null` in the non-nullable optional property `name`.
pub fn forbid_null(object: &Value, name: &str, removed: &mut Removed) {
    if let Some(Value::Null) = property(object, name) {
        let len = removed.enter(name);
        removed.nulls.push(removed.pointer.clone());
        removed.pointer.truncate(len);
    }
}

/// Removes the readOnly property `name` from `object` if it is there.
pub fn remove_read_only(object: &mut Value, name: &str, removed: &mut Removed) {
    if let Value::Object(map) = object {
        if has(map, name) && map.remove(name).is_some() && removed.record {
            let len = removed.enter(name);
            removed.pointers.push(removed.pointer.clone());
            removed.pointer.truncate(len);
        }
    }
}

/// Strips the property `name` of `object` as a `T`.
pub fn strip_property<T: Schema + ?Sized>(object: &mut Value, name: &str, removed: &mut Removed) {
    descend(object, name, removed, T::strip_read_only);
}

/// Runs `f` on the property `name` of `object`, one pointer level down.
pub fn descend(
    object: &mut Value,
    name: &str,
    removed: &mut Removed,
    f: impl FnOnce(&mut Value, &mut Removed),
) {
    if let Some(value) = property_mut(object, name) {
        let len = removed.enter(name);
        f(value, removed);
        removed.pointer.truncate(len);
    }
}

/// The string value of an enum's tag property, if the object has one.
pub fn tag_of(object: &Value, tag: &str) -> Option<String> {
    object.get(tag)?.as_str().map(str::to_owned)
}

/// Strips each item of an array as a `T`.
pub fn strip_items<T: Schema + ?Sized>(array: &mut Value, removed: &mut Removed) {
    if let Value::Array(items) = array {
        for (i, item) in items.iter_mut().enumerate() {
            let len = removed.enter_index(i);
            T::strip_read_only(item, removed);
            removed.pointer.truncate(len);
        }
    }
}

/// Strips each value of an object used as a map, as a `T`.
pub fn strip_values<T: Schema + ?Sized>(object: &mut Value, removed: &mut Removed) {
    if let Value::Object(map) = object {
        for (key, item) in map.iter_mut() {
            let len = removed.enter(key);
            T::strip_read_only(item, removed);
            removed.pointer.truncate(len);
        }
    }
}

/// Removes the writeOnly property `name` from `object`.
pub fn remove_write_only(object: &mut Value, name: &str) {
    if let Value::Object(map) = object {
        map.remove(name);
    }
}

/// Strips writeOnly properties from the property `name` of `object` as a `T`.
pub fn strip_property_write_only<T: Schema + ?Sized>(object: &mut Value, name: &str) {
    if let Some(value) = object.get_mut(name) {
        T::strip_write_only(value);
    }
}

/// Strips writeOnly properties from each item of an array.
pub fn strip_items_write_only<T: Schema + ?Sized>(array: &mut Value) {
    if let Value::Array(items) = array {
        items.iter_mut().for_each(T::strip_write_only);
    }
}

/// Strips writeOnly properties from each value of an object used as a map.
pub fn strip_values_write_only<T: Schema + ?Sized>(object: &mut Value) {
    if let Value::Object(map) = object {
        map.values_mut().for_each(T::strip_write_only);
    }
}

/// Serializes `value` as JSON without its writeOnly properties.
///
/// ```
/// #[derive(serde::Serialize, ringback::Schema)]
/// struct Account { name: String, #[schema(write_only)] password: Option<String> }
/// let json = ringback::schema::visibility::to_response_json(
///     &Account { name: "a".into(), password: Some("secret".into()) },
/// ).unwrap();
/// assert_eq!(json, serde_json::json!({"name": "a"}));
/// ```
pub fn to_response_json<T: Schema + serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Value, serde_json::Error> {
    let mut json = serde_json::to_value(value)?;
    if const { super::shape::contains_write_only(T::SHAPE) } {
        T::strip_write_only(&mut json);
    }
    Ok(json)
}

/// Serializes `value` as JSON bytes without its writeOnly properties, skipping the extra pass
/// for types that have none.
pub fn to_json_bytes<T: Schema + serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, serde_json::Error> {
    if const { super::shape::contains_write_only(T::SHAPE) } {
        serde_json::to_vec(&to_response_json(value)?)
    } else {
        serde_json::to_vec(value)
    }
}
