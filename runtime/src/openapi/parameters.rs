//! A struct of parameters taken apart: its properties become parameters, so the struct itself
//! is never a component, and neither is anything only it used.

use std::collections::BTreeSet;

use super::{AdditionalProperties, Components, SchemaObject};

/// The properties of the object schema `build` gives, each with whether it is required.
///
/// A reference to the struct is resolved and its `allOf` parts (flattened fields) are merged
/// in. Components that `build` registered are kept only if a property's schema uses them:
/// a component nothing refers to is an unused component (Spectral's `oas3-unused-component`).
pub(crate) fn object_properties(
    components: &mut Components,
    build: fn(&mut Components) -> SchemaObject,
) -> Vec<(String, SchemaObject, bool)> {
    let before: BTreeSet<String> = components.names().map(str::to_owned).collect();
    let schema = build(components);
    let mut properties = Vec::new();
    let mut required = Vec::new();
    collect(components, &schema, &mut properties, &mut required, 0);

    let mut used = BTreeSet::new();
    for (_, s) in &properties {
        mark(components, s, &mut used);
    }
    let added: Vec<String> = components
        .names()
        .filter(|name| !before.contains(*name) && !used.contains(*name))
        .map(str::to_owned)
        .collect();
    for name in added {
        components.remove(&name);
    }
    properties
        .into_iter()
        .map(|(name, s)| {
            let r = required.contains(&name);
            (name, s, r)
        })
        .collect()
}

/// How deep flattened parts may nest before the walk stops (a guard against a cycle of
/// references, which a parameter struct cannot really have).
const MAX_DEPTH: usize = 16;

fn collect(
    components: &Components,
    schema: &SchemaObject,
    properties: &mut Vec<(String, SchemaObject)>,
    required: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(name) = &schema.reference {
        if let Some(resolved) = components.get(name) {
            collect(components, resolved, properties, required, depth + 1);
        }
        return;
    }
    properties.extend(schema.properties.iter().cloned());
    required.extend(schema.required.iter().cloned());
    for part in &schema.all_of {
        collect(components, part, properties, required, depth + 1);
    }
}

/// Adds to `used` every component `schema` refers to, directly or through other components.
fn mark(components: &Components, schema: &SchemaObject, used: &mut BTreeSet<String>) {
    if let Some(name) = &schema.reference {
        if used.insert(name.clone()) {
            if let Some(target) = components.get(name) {
                mark(components, target, used);
            }
        }
    }
    let nested = schema
        .items
        .as_deref()
        .into_iter()
        .chain(schema.properties.iter().map(|(_, s)| s))
        .chain(match &schema.additional_properties {
            Some(AdditionalProperties::Schema(s)) => Some(&**s),
            _ => None,
        })
        .chain(&schema.one_of)
        .chain(&schema.any_of)
        .chain(&schema.all_of);
    for s in nested {
        mark(components, s, used);
    }
    if let Some(d) = &schema.discriminator {
        for (_, name) in &d.mapping {
            if used.insert(name.clone()) {
                if let Some(target) = components.get(name) {
                    mark(components, target, used);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::Type;

    fn status(_: &mut Components) -> SchemaObject {
        SchemaObject::string(None)
    }

    fn paging(_: &mut Components) -> SchemaObject {
        let mut o = SchemaObject::of_type(Type::Object);
        o.properties
            .push(("limit".into(), SchemaObject::integer("int32")));
        o
    }

    fn search(c: &mut Components) -> SchemaObject {
        c.register("Search", "my::Search", |c| {
            let mut o = SchemaObject::of_type(Type::Object);
            o.required.push("status".into());
            o.properties
                .push(("status".into(), c.register("Status", "my::Status", status)));
            o.all_of.push(c.register("Paging", "my::Paging", paging));
            o
        })
    }

    #[test]
    fn the_struct_and_its_flattened_parts_are_not_components() {
        let mut c = Components::default();
        let properties = object_properties(&mut c, search);
        let names: Vec<_> = properties
            .iter()
            .map(|(n, _, r)| (n.as_str(), *r))
            .collect();
        assert_eq!(names, [("status", true), ("limit", false)]);
        // `Status` is what a parameter refers to; `Search` and `Paging` were only scaffolding.
        assert_eq!(c.names().collect::<Vec<_>>(), ["Status"]);
    }

    #[test]
    fn a_component_used_elsewhere_stays() {
        let mut c = Components::default();
        search(&mut c);
        object_properties(&mut c, search);
        assert_eq!(c.names().count(), 3);
    }
}
