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

#[cfg(test)]
mod tests {
    // Equivalent mutants: `has` -> true (the `remove` after it decides), and `<=` -> `>`
    // against SCAN_UP_TO in `has`, `property`, `property_mut` (either search finds the same).
    use std::collections::BTreeMap;

    use serde_json::{json, Value};

    use super::*;

    #[derive(serde::Serialize, crate::Schema)]
    struct Line {
        #[schema(read_only)]
        id: Option<u32>,
        upc: String,
        #[schema(write_only)]
        #[serde(skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
    }

    #[derive(serde::Serialize, crate::Schema)]
    struct Plain {
        upc: String,
    }

    fn line(upc: &str) -> Line {
        Line {
            id: Some(1),
            upc: upc.into(),
            secret: Some("s".into()),
        }
    }

    #[test]
    fn read_only_properties_are_removed_and_listed_by_pointer() {
        let mut object = json!({"id": 1});
        let mut removed = Removed::new();
        remove_read_only(&mut object, "id", &mut removed);
        remove_read_only(&mut object, "absent", &mut removed);
        assert_eq!(object, json!({}));
        assert_eq!(removed.pointers(), ["/id"]);
        assert!(!removed.is_empty());
        assert_eq!(removed.into_pointers(), ["/id"]);

        let mut untouched = json!({"upc": "1"});
        let mut removed = Removed::new();
        remove_read_only(&mut untouched, "id", &mut removed);
        assert_eq!(untouched, json!({"upc": "1"}));
        assert!(removed.is_empty());
        assert!(removed.pointers().is_empty());
    }

    #[test]
    fn without_a_list_properties_are_removed_unlisted_but_nulls_are_reported() {
        let mut object = json!({"id": 1, "note": null});
        let mut removed = Removed::without_list();
        remove_read_only(&mut object, "id", &mut removed);
        forbid_null(&object, "note", &mut removed);
        assert_eq!(object, json!({"note": null}));
        assert!(removed.is_empty());
        assert_eq!(removed.nulls(), ["/note"]);
    }

    #[test]
    fn only_explicit_nulls_are_forbidden() {
        let object = json!({"a": 1, "b": null, "c~/": null});
        let mut removed = Removed::new();
        for name in ["a", "b", "absent", "c~/"] {
            forbid_null(&object, name, &mut removed);
        }
        forbid_null(&json!([null]), "0", &mut removed);
        assert_eq!(removed.nulls(), ["/b", "/c~0~1"]);
        assert!(removed.is_empty(), "a null is not a removal");
    }

    #[test]
    fn nested_pointers_return_to_their_parent() {
        let mut object = json!({"outer": {"x": 1, "y": 2, "z": 3}, "w": 4});
        let mut removed = Removed::new();
        descend(&mut object, "outer", &mut removed, |inner, removed| {
            remove_read_only(inner, "x", removed);
            remove_read_only(inner, "y", removed);
        });
        remove_read_only(&mut object, "w", &mut removed);
        assert_eq!(removed.pointers(), ["/outer/x", "/outer/y", "/w"]);
        assert_eq!(object, json!({"outer": {"z": 3}}));
    }

    #[test]
    fn descend_runs_only_on_a_present_property() {
        let mut calls = 0;
        let mut object = json!({"a": 1, "b": 2});
        let mut removed = Removed::new();
        descend(&mut object, "absent", &mut removed, |_, _| calls += 1);
        descend(&mut json!([1]), "0", &mut removed, |_, _| calls += 1);
        assert_eq!(calls, 0);
        descend(&mut object, "b", &mut removed, |value, _| {
            *value = json!("seen");
        });
        assert_eq!(object, json!({"a": 1, "b": "seen"}));
    }

    #[test]
    fn properties_items_and_map_values_are_stripped_as_their_type() {
        let mut object = json!({
            "one": {"id": 1, "upc": "a"},
            "many": [{"id": 2, "upc": "b"}, {"upc": "c"}, {"id": 3, "upc": "d"}],
            "map": {"k": {"id": 4, "upc": "e"}, "l": {"id": 5, "upc": "f"}},
        });
        let mut removed = Removed::new();
        strip_property::<Line>(&mut object, "one", &mut removed);
        descend(&mut object, "many", &mut removed, strip_items::<Line>);
        descend(&mut object, "map", &mut removed, strip_values::<Line>);
        strip_property::<Line>(&mut object, "absent", &mut removed);
        assert_eq!(
            removed.pointers(),
            [
                "/one/id",
                "/many/0/id",
                "/many/2/id",
                "/map/k/id",
                "/map/l/id"
            ]
        );
        assert_eq!(
            object,
            json!({
                "one": {"upc": "a"},
                "many": [{"upc": "b"}, {"upc": "c"}, {"upc": "d"}],
                "map": {"k": {"upc": "e"}, "l": {"upc": "f"}},
            })
        );
    }

    #[test]
    fn write_only_properties_are_removed_at_every_level() {
        let mut object = json!({
            "secret": "top",
            "one": {"upc": "a", "secret": "1"},
            "many": [{"upc": "b", "secret": "2"}],
            "map": {"k": {"upc": "c", "secret": "3"}},
        });
        remove_write_only(&mut object, "secret");
        strip_property_write_only::<Line>(&mut object, "one");
        strip_property_write_only::<Line>(&mut object, "absent");
        strip_items_write_only::<Line>(&mut object["many"]);
        strip_values_write_only::<Line>(&mut object["map"]);
        assert_eq!(
            object,
            json!({
                "one": {"upc": "a"},
                "many": [{"upc": "b"}],
                "map": {"k": {"upc": "c"}},
            })
        );
    }

    #[test]
    fn responses_leave_out_write_only_properties() {
        assert_eq!(
            to_response_json(&line("a")).unwrap(),
            json!({"id": 1, "upc": "a"})
        );
        assert_eq!(to_json_bytes(&line("a")).unwrap(), br#"{"id":1,"upc":"a"}"#);
        assert_eq!(
            to_json_bytes(&Plain { upc: "b".into() }).unwrap(),
            br#"{"upc":"b"}"#
        );
        let map = BTreeMap::from([("k", vec![line("c")])]);
        assert_eq!(
            to_response_json(&map).unwrap(),
            json!({"k": [{"id": 1, "upc": "c"}]})
        );
    }

    #[test]
    fn the_tag_is_read_when_it_is_a_string() {
        assert_eq!(
            tag_of(&json!({"type": "card"}), "type").as_deref(),
            Some("card")
        );
        assert_eq!(tag_of(&json!({"type": 1}), "type"), None);
        assert_eq!(tag_of(&json!({}), "type"), None);
        assert_eq!(tag_of(&Value::Null, "type"), None);
    }
}
