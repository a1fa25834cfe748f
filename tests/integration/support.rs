//! Shared by the integration tests: a type's schema as a standalone JSON Schema 2020-12
//! document, and checks of values against it.

#![allow(dead_code)]

use ringback::openapi::{Components, OpenApiVersion};
use ringback::Schema;
use serde_json::{json, Map, Value};

/// The 3.1.0 rendering of `T` with every component it uses, as one JSON Schema document.
pub fn json_schema<T: Schema + ?Sized>() -> Value {
    let mut components = Components::default();
    let root = T::schema(&mut components).to_json(OpenApiVersion::V3_1_0);
    let schemas: Map<String, Value> = components
        .schemas()
        .map(|(name, s)| (name.to_owned(), s.to_json(OpenApiVersion::V3_1_0)))
        .collect();
    let mut doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": { "schemas": schemas },
    });
    for (k, v) in root.as_object().expect("a schema is an object") {
        doc[k] = v.clone();
    }
    doc
}

/// Every error `value` has against `T`'s schema, as text.
pub fn schema_errors<T: Schema + ?Sized>(value: &Value) -> Vec<String> {
    let schema = json_schema::<T>();
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("generated schema is not valid JSON Schema: {e}\n{schema:#}"));
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Serializes `value` with serde, checks the JSON against the schema, and reads it back.
pub fn round_trip<T>(value: &T)
where
    T: Schema + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).expect("serializes");
    let errors = schema_errors::<T>(&json);
    assert!(
        errors.is_empty(),
        "serde wrote {json} which the schema refuses: {errors:?}\nschema: {:#}",
        json_schema::<T>()
    );
    let back: T = serde_json::from_value(json.clone()).expect("serde reads back what it wrote");
    assert_eq!(&back, value, "round trip through {json}");
}

/// Asserts that serde accepts `json` as a `T` and the schema does too.
pub fn both_accept<T>(json: Value)
where
    T: Schema + serde::de::DeserializeOwned,
{
    let errors = schema_errors::<T>(&json);
    assert!(errors.is_empty(), "schema refuses {json}: {errors:?}");
    if let Err(e) = serde_json::from_value::<T>(json.clone()) {
        panic!("serde refuses {json}: {e}");
    }
}

/// Asserts that serde refuses `json` as a `T` and the schema does too.
pub fn both_refuse<T>(json: Value)
where
    T: Schema + serde::de::DeserializeOwned,
{
    assert!(
        !schema_errors::<T>(&json).is_empty(),
        "schema accepts {json}:\n{:#}",
        json_schema::<T>()
    );
    assert!(
        serde_json::from_value::<T>(json.clone()).is_err(),
        "serde accepts {json}"
    );
}
