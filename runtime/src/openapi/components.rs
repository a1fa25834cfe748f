//! The registry of named schemas (`#/components/schemas`).

use std::collections::BTreeMap;

use super::SchemaObject;

/// Named schemas, each registered once and referred to by `$ref` wherever it is used.
///
/// ```
/// use ringback::{Schema, openapi::Components};
/// #[derive(ringback::Schema)]
/// struct Pet { name: String }
/// let mut components = Components::default();
/// Pet::schema(&mut components);
/// Vec::<Pet>::schema(&mut components);
/// assert_eq!(components.schemas().count(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Components {
    schemas: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// The Rust type that owns the name, to catch two types that share one.
    type_name: &'static str,
    /// `None` while the schema is being built (a recursive type refers to itself).
    schema: Option<SchemaObject>,
}

impl Components {
    /// Registers the component `name` for the Rust type `type_name`, building it with `build`
    /// only the first time, and returns a reference to it.
    ///
    /// `build` is a function pointer rather than a generic closure: every derived type calls
    /// this, and one compiled copy serves them all.
    ///
    /// # Panics
    /// If two different Rust types register the same name: a document cannot hold both.
    ///
    /// ```
    /// use ringback::openapi::{Components, SchemaObject};
    /// let mut components = Components::default();
    /// let r = components.register("Id", "my::Id", |_| SchemaObject::string(Some("uuid")));
    /// assert_eq!(r.reference.as_deref(), Some("Id"));
    /// ```
    pub fn register(
        &mut self,
        name: &str,
        type_name: &'static str,
        build: fn(&mut Components) -> SchemaObject,
    ) -> SchemaObject {
        if self.enter(name, type_name) {
            let schema = build(self);
            self.fill(name, schema);
        }
        SchemaObject::reference(name)
    }

    /// As [`register`](Self::register), with the name handed to `build`: the name of a generic
    /// instantiation is computed, and its tagged variants' names derive from it.
    pub(crate) fn register_named(
        &mut self,
        name: &str,
        type_name: &'static str,
        build: fn(&mut Components, &str) -> SchemaObject,
    ) -> SchemaObject {
        if self.enter(name, type_name) {
            let schema = build(self, name);
            self.fill(name, schema);
        }
        SchemaObject::reference(name)
    }

    /// Reserves `name` for `type_name`; `true` when it is new and its schema must be built.
    fn enter(&mut self, name: &str, type_name: &'static str) -> bool {
        match self.schemas.get(name) {
            Some(entry) if entry.type_name == type_name => false,
            Some(entry) => panic!(
                "two types are both named `{name}` in the OpenAPI document: `{}` and `{type_name}`; \
                 give one another name with #[schema(rename = \"...\")] (for a generic type's \
                 instantiation, rename the generic type or one of its type arguments)",
                entry.type_name
            ),
            None => {
                self.schemas.insert(
                    name.to_owned(),
                    Entry {
                        type_name,
                        schema: None,
                    },
                );
                true
            }
        }
    }

    fn fill(&mut self, name: &str, schema: SchemaObject) {
        if let Some(entry) = self.schemas.get_mut(name) {
            entry.schema = Some(schema);
        }
    }

    /// The registered schemas, by name.
    pub fn schemas(&self) -> impl Iterator<Item = (&str, &SchemaObject)> {
        self.schemas
            .iter()
            .filter_map(|(name, entry)| entry.schema.as_ref().map(|s| (name.as_str(), s)))
    }

    /// The names of every registered schema, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.schemas.keys().map(String::as_str)
    }

    /// Forgets the schema registered as `name`.
    pub(crate) fn remove(&mut self, name: &str) {
        self.schemas.remove(name);
    }

    /// The schema registered as `name`.
    pub fn get(&self, name: &str) -> Option<&SchemaObject> {
        self.schemas.get(name).and_then(|e| e.schema.as_ref())
    }

    /// Adds a schema that no Rust type owns (a document's own shared schema).
    pub fn insert(&mut self, name: &str, schema: SchemaObject) {
        self.schemas.insert(
            name.to_owned(),
            Entry {
                type_name: "",
                schema: Some(schema),
            },
        );
    }
}
