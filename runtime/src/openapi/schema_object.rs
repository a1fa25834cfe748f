//! One schema in a document, written once and rendered for OpenAPI 3.0.3 or 3.1.0.
//!
//! The two versions differ exactly where ringback's output does: 3.0.3 has `nullable`,
//! boolean `exclusiveMinimum`, `example` and no siblings beside `$ref`; 3.1.0 is JSON Schema
//! 2020-12 with `type: [.., "null"]`, numeric `exclusiveMinimum` and `examples`.

use serde_json::{Number, Value};

use super::ordered::{Json, Object};
use super::OpenApiVersion;

/// A JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// `"string"`
    String,
    /// `"integer"`
    Integer,
    /// `"number"`
    Number,
    /// `"boolean"`
    Boolean,
    /// `"array"`
    Array,
    /// `"object"`
    Object,
    /// `"null"` (3.1 only; rendered as `nullable` otherwise)
    Null,
}

impl Type {
    /// The name JSON Schema uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Object => "object",
            Type::Null => "null",
        }
    }
}

/// What an object allows beyond its named properties.
#[derive(Debug, Clone, PartialEq)]
pub enum AdditionalProperties {
    /// `additionalProperties: false`
    Forbidden,
    /// Values of this schema.
    Schema(Box<SchemaObject>),
}

/// Which of a `oneOf`'s schemas a value matches, told by one of its properties.
///
/// ```
/// use ringback::openapi::{Discriminator, OpenApiVersion, SchemaObject};
/// let mut event = SchemaObject::default();
/// event.one_of.push(SchemaObject::reference("Event_Created"));
/// event.discriminator = Some(Discriminator {
///     property_name: "type".into(),
///     mapping: vec![("created".into(), "Event_Created".into())],
/// });
/// let json = event.to_json(OpenApiVersion::V3_0_3);
/// assert_eq!(json["discriminator"]["mapping"]["created"], "#/components/schemas/Event_Created");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discriminator {
    /// The property whose value names the variant (serde's `tag`).
    pub property_name: String,
    /// Each value of the property, with the component it selects.
    pub mapping: Vec<(String, String)>,
}

impl Discriminator {
    fn render(&self) -> Json {
        let mut out = Object::new();
        out.insert("propertyName", &self.property_name);
        if !self.mapping.is_empty() {
            let mapping: Object = self
                .mapping
                .iter()
                .map(|(value, name)| (value.as_str(), format!("#/components/schemas/{name}")))
                .collect();
            out.insert("mapping", mapping);
        }
        Json::Object(out)
    }
}

/// A schema, independent of the OpenAPI version it will be written as.
///
/// ```
/// use ringback::openapi::{OpenApiVersion, SchemaObject};
/// let mut s = SchemaObject::string(Some("uuid"));
/// s.nullable = true;
/// assert_eq!(s.to_json(OpenApiVersion::V3_0_3)["nullable"], true);
/// assert_eq!(s.to_json(OpenApiVersion::V3_1_0)["type"], serde_json::json!(["string", "null"]));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaObject {
    /// A component this schema refers to (`#/components/schemas/<name>`).
    pub reference: Option<String>,
    /// The JSON type.
    pub ty: Option<Type>,
    /// The format (`uuid`, `int32`, ...).
    pub format: Option<String>,
    /// Whether `null` is allowed too.
    pub nullable: bool,
    /// A title.
    pub title: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// `readOnly`
    pub read_only: bool,
    /// `writeOnly`
    pub write_only: bool,
    /// `deprecated`
    pub deprecated: bool,
    /// A default value.
    pub default: Option<Value>,
    /// An example value.
    pub example: Option<Value>,
    /// The allowed values.
    pub enum_values: Vec<Value>,
    /// `minimum`
    pub minimum: Option<Number>,
    /// `maximum`
    pub maximum: Option<Number>,
    /// `exclusiveMinimum` (a bound)
    pub exclusive_minimum: Option<Number>,
    /// `exclusiveMaximum` (a bound)
    pub exclusive_maximum: Option<Number>,
    /// `minLength`
    pub min_length: Option<u64>,
    /// `maxLength`
    pub max_length: Option<u64>,
    /// `pattern`
    pub pattern: Option<String>,
    /// The item schema of an array.
    pub items: Option<Box<SchemaObject>>,
    /// `minItems`
    pub min_items: Option<u64>,
    /// `maxItems`
    pub max_items: Option<u64>,
    /// `uniqueItems`
    pub unique_items: bool,
    /// The named properties of an object, in declaration order.
    pub properties: Vec<(String, SchemaObject)>,
    /// The properties that must be present.
    pub required: Vec<String>,
    /// What other properties may hold.
    pub additional_properties: Option<AdditionalProperties>,
    /// Exactly one of these.
    pub one_of: Vec<SchemaObject>,
    /// At least one of these.
    pub any_of: Vec<SchemaObject>,
    /// All of these.
    pub all_of: Vec<SchemaObject>,
    /// The media type of binary content (3.1.0's `contentMediaType`); 3.0.3 says
    /// `format: binary` instead.
    pub content_media_type: Option<String>,
    /// Which of `one_of` a value is, told by a property.
    pub discriminator: Option<Discriminator>,
}

impl SchemaObject {
    /// A reference to the component `name`.
    pub fn reference(name: impl Into<String>) -> Self {
        SchemaObject {
            reference: Some(name.into()),
            ..Self::default()
        }
    }

    /// A schema of one type.
    pub fn of_type(ty: Type) -> Self {
        SchemaObject {
            ty: Some(ty),
            ..Self::default()
        }
    }

    /// A string, with a format if given.
    pub fn string(format: Option<&str>) -> Self {
        SchemaObject {
            format: format.map(str::to_owned),
            ..Self::of_type(Type::String)
        }
    }

    /// Binary content of `media_type`: `type: string, format: binary` in 3.0.3, and in 3.1.0
    /// `contentMediaType` alone, since the bytes are not a JSON string there.
    ///
    /// ```
    /// use ringback::openapi::{OpenApiVersion, SchemaObject};
    /// let png = SchemaObject::binary("image/png");
    /// assert_eq!(png.to_json(OpenApiVersion::V3_0_3)["format"], "binary");
    /// assert_eq!(
    ///     png.to_json(OpenApiVersion::V3_1_0),
    ///     serde_json::json!({"contentMediaType": "image/png"})
    /// );
    /// ```
    pub fn binary(media_type: &str) -> Self {
        SchemaObject {
            content_media_type: Some(media_type.to_owned()),
            ..Self::string(Some("binary"))
        }
    }

    /// An integer with the given format (`int32` or `int64`).
    pub fn integer(format: &str) -> Self {
        SchemaObject {
            format: Some(format.to_owned()),
            ..Self::of_type(Type::Integer)
        }
    }

    /// An array of `items`.
    pub fn array(items: SchemaObject) -> Self {
        SchemaObject {
            items: Some(Box::new(items)),
            ..Self::of_type(Type::Array)
        }
    }

    /// An object whose values are all `values`.
    pub fn map(values: SchemaObject) -> Self {
        SchemaObject {
            additional_properties: Some(AdditionalProperties::Schema(Box::new(values))),
            ..Self::of_type(Type::Object)
        }
    }

    /// The schema, allowing `null` as well.
    pub fn into_nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Whether this is a bare reference with nothing beside it.
    fn has_annotations(&self) -> bool {
        self.nullable
            || self.title.is_some()
            || self.description.is_some()
            || self.read_only
            || self.write_only
            || self.deprecated
            || self.default.is_some()
            || self.example.is_some()
    }

    /// The schema as JSON for `version`.
    pub fn to_json(&self, version: OpenApiVersion) -> Value {
        self.render(version).into_value()
    }

    /// The schema for `version`, its keywords in reading order.
    pub(crate) fn render(&self, version: OpenApiVersion) -> Json {
        let mut out = Object::new();
        if let Some(name) = &self.reference {
            let target = format!("#/components/schemas/{name}");
            if !self.has_annotations() {
                out.insert("$ref", target);
                return Json::Object(out);
            }
            let reference = || Json::Object(Object::from_iter([("$ref", target.clone())]));
            match (version, self.nullable) {
                (OpenApiVersion::V3_1_0, false) => {
                    out.insert("$ref", target.clone());
                }
                (OpenApiVersion::V3_1_0, true) => {
                    out.insert(
                        "anyOf",
                        vec![reference(), Self::of_type(Type::Null).render(version)],
                    );
                }
                // 3.0.3 ignores every sibling of `$ref`; `allOf` carries them.
                (OpenApiVersion::V3_0_3, _) => {
                    out.insert("allOf", vec![reference()]);
                    if self.nullable {
                        out.insert("nullable", true);
                    }
                }
            }
            self.write_annotations(&mut out, version);
            return Json::Object(out);
        }

        if let (Some(media_type), OpenApiVersion::V3_1_0) = (&self.content_media_type, version) {
            out.insert("contentMediaType", media_type);
            self.write_annotations(&mut out, version);
            return Json::Object(out);
        }

        let null_variant = self.nullable && version == OpenApiVersion::V3_1_0;
        match (self.ty, null_variant) {
            (Some(ty), false) => {
                out.insert("type", ty.as_str());
            }
            (Some(ty), true) => {
                out.insert("type", vec![Json::from(ty.as_str()), Json::from("null")]);
            }
            (None, _) => {}
        }
        if let Some(format) = &self.format {
            out.insert("format", format);
        }
        if self.nullable && version == OpenApiVersion::V3_0_3 {
            out.insert("nullable", true);
        }
        if !self.enum_values.is_empty() {
            let mut values = self.enum_values.clone();
            // Both versions require `null` to be listed when a nullable schema has an enum.
            if self.nullable && !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
            out.insert("enum", Value::Array(values));
        }
        self.write_annotations(&mut out, version);
        self.write_numeric(&mut out, version);
        if let Some(n) = self.min_length {
            out.insert("minLength", n);
        }
        if let Some(n) = self.max_length {
            out.insert("maxLength", n);
        }
        if let Some(p) = &self.pattern {
            out.insert("pattern", p);
        }
        if let Some(items) = &self.items {
            out.insert("items", items.render(version));
        }
        if let Some(n) = self.min_items {
            out.insert("minItems", n);
        }
        if let Some(n) = self.max_items {
            out.insert("maxItems", n);
        }
        if self.unique_items {
            out.insert("uniqueItems", true);
        }
        if !self.required.is_empty() {
            let required: Vec<Json> = self.required.iter().map(Json::from).collect();
            out.insert("required", required);
        }
        if !self.properties.is_empty() {
            let properties: Object = self
                .properties
                .iter()
                .map(|(name, schema)| (name.as_str(), schema.render(version)))
                .collect();
            out.insert("properties", properties);
        }
        match &self.additional_properties {
            Some(AdditionalProperties::Forbidden) => {
                out.insert("additionalProperties", false);
            }
            Some(AdditionalProperties::Schema(s)) => {
                out.insert("additionalProperties", s.render(version));
            }
            None => {}
        }
        let compose = |list: &[SchemaObject]| -> Vec<Json> {
            list.iter().map(|s| s.render(version)).collect()
        };
        if !self.all_of.is_empty() {
            out.insert("allOf", compose(&self.all_of));
        }
        let mut any_of = self.any_of.clone();
        if null_variant && self.ty.is_none() && !self.one_of.is_empty() {
            // `oneOf` plus `null`: null matches no variant, so an outer `anyOf` admits it.
            any_of = vec![
                SchemaObject {
                    one_of: self.one_of.clone(),
                    discriminator: self.discriminator.clone(),
                    ..Self::default()
                },
                Self::of_type(Type::Null),
            ];
        } else if null_variant && self.ty.is_none() && !any_of.is_empty() {
            any_of.push(Self::of_type(Type::Null));
        } else if !self.one_of.is_empty() {
            out.insert("oneOf", compose(&self.one_of));
            if let Some(d) = &self.discriminator {
                out.insert("discriminator", d.render());
            }
        }
        if !any_of.is_empty() {
            out.insert("anyOf", compose(&any_of));
        }
        Json::Object(out)
    }

    fn write_annotations(&self, out: &mut Object, version: OpenApiVersion) {
        if let Some(t) = &self.title {
            out.insert("title", t);
        }
        if let Some(d) = &self.description {
            out.insert("description", d);
        }
        if self.read_only {
            out.insert("readOnly", true);
        }
        if self.write_only {
            out.insert("writeOnly", true);
        }
        if self.deprecated {
            out.insert("deprecated", true);
        }
        if let Some(d) = &self.default {
            out.insert("default", d.clone());
        }
        if let Some(e) = &self.example {
            match version {
                OpenApiVersion::V3_0_3 => out.insert("example", e.clone()),
                OpenApiVersion::V3_1_0 => out.insert("examples", Value::Array(vec![e.clone()])),
            };
        }
    }

    fn write_numeric(&self, out: &mut Object, version: OpenApiVersion) {
        match version {
            OpenApiVersion::V3_1_0 => {
                for (key, bound) in [
                    ("minimum", &self.minimum),
                    ("maximum", &self.maximum),
                    ("exclusiveMinimum", &self.exclusive_minimum),
                    ("exclusiveMaximum", &self.exclusive_maximum),
                ] {
                    if let Some(n) = bound {
                        out.insert(key, n.clone());
                    }
                }
            }
            // 3.0.3 takes JSON Schema draft 4's form: the bound in `minimum`, a flag beside it.
            OpenApiVersion::V3_0_3 => {
                for (key, flag, inclusive, exclusive) in [
                    (
                        "minimum",
                        "exclusiveMinimum",
                        &self.minimum,
                        &self.exclusive_minimum,
                    ),
                    (
                        "maximum",
                        "exclusiveMaximum",
                        &self.maximum,
                        &self.exclusive_maximum,
                    ),
                ] {
                    if let Some(n) = exclusive {
                        out.insert(key, n.clone());
                        out.insert(flag, true);
                    } else if let Some(n) = inclusive {
                        out.insert(key, n.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const V30: OpenApiVersion = OpenApiVersion::V3_0_3;
    const V31: OpenApiVersion = OpenApiVersion::V3_1_0;

    #[test]
    fn bare_reference_has_nothing_beside_it() {
        let r = SchemaObject::reference("Order");
        assert_eq!(
            r.to_json(V30),
            json!({"$ref": "#/components/schemas/Order"})
        );
        assert_eq!(
            r.to_json(V31),
            json!({"$ref": "#/components/schemas/Order"})
        );
    }

    #[test]
    fn annotated_reference_per_version() {
        let mut r = SchemaObject::reference("Order").into_nullable();
        r.description = Some("the order".into());
        assert_eq!(
            r.to_json(V30),
            json!({"allOf": [{"$ref": "#/components/schemas/Order"}], "nullable": true, "description": "the order"})
        );
        assert_eq!(
            r.to_json(V31),
            json!({"anyOf": [{"$ref": "#/components/schemas/Order"}, {"type": "null"}], "description": "the order"})
        );
    }

    #[test]
    fn exclusive_bounds_per_version() {
        let s = SchemaObject {
            exclusive_minimum: Some(0.into()),
            maximum: Some(10.into()),
            ..SchemaObject::integer("int32")
        };
        assert_eq!(
            s.to_json(V30),
            json!({"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true, "maximum": 10})
        );
        assert_eq!(
            s.to_json(V31),
            json!({"type": "integer", "format": "int32", "exclusiveMinimum": 0, "maximum": 10})
        );
    }

    #[test]
    fn nullable_enum_lists_null() {
        let s = SchemaObject {
            enum_values: vec!["A".into()],
            ..SchemaObject::string(None)
        }
        .into_nullable();
        assert_eq!(s.to_json(V30)["enum"], json!(["A", null]));
        assert_eq!(s.to_json(V31)["enum"], json!(["A", null]));
        assert_eq!(s.to_json(V31)["type"], json!(["string", "null"]));
    }

    #[test]
    fn nullable_one_of_in_3_1_admits_null() {
        let s = SchemaObject {
            one_of: vec![SchemaObject::string(None), SchemaObject::integer("int32")],
            ..SchemaObject::default()
        }
        .into_nullable();
        let v = s.to_json(V31);
        assert_eq!(v["anyOf"][1], json!({"type": "null"}));
        assert!(v.get("oneOf").is_none());
    }
}
