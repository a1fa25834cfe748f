//! `Schema::schema`: the OpenAPI schema object, registered as a component unless inline.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shape::{static_required, string_enum};
use super::{Patterns, Private};
use crate::schema::model::*;

pub(super) fn schema_fn(
    rb: &Private,
    cont: &Container,
    body: &Body,
    patterns: &mut Patterns,
) -> TokenStream {
    let body = match body {
        Body::Struct(fields) => {
            let object = object_schema(rb, fields, patterns, cont.deny_unknown_fields);
            quote!(let mut __s = #object;)
        }
        Body::Newtype(f) => {
            let property = property_schema(rb, f, patterns);
            quote!(let mut __s = #property;)
        }
        Body::Enum { variants, tagging } => {
            let named = cont.component.is_some();
            enum_schema(rb, variants, tagging, named, patterns)
        }
    };
    let description = opt_string(rb, &cont.description);
    let deprecated = cont.deprecated;
    let example = cont
        .example
        .as_ref()
        .map(|e| quote!(__s.example = #rb::Some(#rb::example(#e));));
    // Only what the type has: every line here is repeated in each derived type's code.
    let describe = cont.description.as_ref().map(|_| {
        quote! {
            if let #rb::Some(d) = #description {
                __s.description = #rb::Some(#rb::string(d));
            }
        }
    });
    let deprecate = deprecated.then(|| quote!(__s.deprecated = true;));
    let annotate = quote! {
        #describe
        #deprecate
        #example
    };
    match &cont.component {
        Some(name) => {
            // A generic type's name depends on its arguments: `write_name` spells it.
            let generic = cont.generics.type_params().next().is_some()
                || cont.generics.const_params().next().is_some();
            let name = if generic {
                quote!(&#rb::component_name(<Self as #rb::Schema>::write_name))
            } else {
                quote!(#name)
            };
            quote! {
                #rb::register_component(
                    __components,
                    #name,
                    ::core::any::type_name::<Self>(),
                    |__components: &mut #rb::Components, __name: &str| {
                        #body
                        #annotate
                        __s
                    },
                )
            }
        }
        None => quote! {
            #body
            #annotate
            __s
        },
    }
}

fn object_schema(
    rb: &Private,
    fields: &[Field],
    patterns: &mut Patterns,
    deny_unknown: bool,
) -> TokenStream {
    let mut statements = Vec::new();
    for f in fields.iter().filter(|f| !f.skip) {
        let ty = f.ty;
        if f.flatten {
            statements.push(quote! {
                __o.all_of.push(<#ty as #rb::Schema>::schema(__components));
            });
            continue;
        }
        let json = &f.json_name;
        let sets = property_sets(rb, f, patterns);
        let required = static_required(f);
        // One call into the runtime per field; only the annotations are written out here.
        let push = quote! {
            #rb::push_property(
                &mut __o,
                #json,
                #required,
                <#ty as #rb::Schema>::SHAPE,
                <#ty as #rb::Schema>::schema(__components),
            )
        };
        statements.push(if sets.is_empty() {
            quote!(#push;)
        } else {
            quote! {
                let __p = #push;
                #(#sets)*
            }
        });
    }
    let deny = deny_unknown.then(|| {
        quote! {
            __o.additional_properties = #rb::Some(
                #rb::AdditionalProperties::Forbidden,
            );
        }
    });
    quote! {{
        let mut __o = #rb::SchemaObject::of_type(
            #rb::Type::Object,
        );
        #(#statements)*
        #deny
        __o
    }}
}

/// A field's schema with its `#[schema]` annotations and rules applied.
fn property_schema(rb: &Private, f: &Field, patterns: &mut Patterns) -> TokenStream {
    let ty = f.ty;
    let sets = property_sets(rb, f, patterns);
    quote! {{
        let mut __p = <#ty as #rb::Schema>::schema(__components);
        #(#sets)*
        __p
    }}
}

/// The statements that apply a field's `#[schema]` annotations and rules to its schema `__p`
/// (a `SchemaObject` or a `&mut` to one).
fn property_sets(rb: &Private, f: &Field, patterns: &mut Patterns) -> Vec<TokenStream> {
    let mut sets = Vec::new();
    if let Some(d) = &f.description {
        sets.push(quote!(__p.description = #rb::Some(#rb::string(#d));));
    }
    if f.is_read_only() {
        sets.push(quote!(__p.read_only = true;));
    }
    if f.is_write_only() {
        sets.push(quote!(__p.write_only = true;));
    }
    if f.forbids_null() {
        sets.push(quote!(__p.nullable = false;));
    }
    if f.deprecated {
        sets.push(quote!(__p.deprecated = true;));
    }
    if let Some(format) = &f.format {
        sets.push(quote!(__p.format = #rb::Some(#rb::string(#format));));
    }
    if let Some(example) = &f.example {
        sets.push(quote!(__p.example = #rb::Some(#rb::example(#example));));
    }
    for rule in &f.rules {
        // The schema object's fields are named like the rules' keys.
        let field = format_ident!("{}", rule.kind.key());
        let set = match &rule.value {
            RuleValue::Number(n) => {
                let n = number_literal(rb, *n);
                quote!(__p.#field = #rb::Some(#n);)
            }
            RuleValue::Count(n) => quote!(__p.#field = #rb::Some(#n);),
            RuleValue::Pattern(lit) => {
                let pattern = patterns.get(lit, &f.json_name);
                // Documented as written; `Api::try_router` compiles every pattern of the
                // document before anything is served.
                quote! {
                    __p.pattern = #rb::Some(#rb::string(#pattern.source()));
                }
            }
        };
        sets.push(set);
    }
    sets
}

fn number_literal(rb: &Private, n: Number) -> TokenStream {
    match n {
        Number::Int(i) => quote!(#rb::number_i128(#i)),
        Number::Float(f) => quote!(#rb::number_f64(#f)),
    }
}

/// `write_name`: the type's name, then `_` and each type or const argument, in order.
pub(super) fn write_name_fn(rb: &Private, cont: &Container) -> TokenStream {
    let base = &cont.name;
    let arguments = cont.generics.params.iter().filter_map(|p| match p {
        syn::GenericParam::Type(p) => {
            let p = &p.ident;
            Some(quote!(#rb::push_argument(__name, <#p as #rb::Schema>::write_name);))
        }
        syn::GenericParam::Const(p) => {
            let p = &p.ident;
            Some(quote!(#rb::push_value(__name, &#p);))
        }
        syn::GenericParam::Lifetime(_) => None,
    });
    quote! {
        fn write_name(__name: &mut #rb::String) {
            #rb::push_name(__name, #base);
            #(#arguments)*
        }
    }
}

/// `named`: the enum is a component, so a tagged enum's variants are components too (named
/// `<Enum>_<Variant>`), and a discriminator maps each tag value to its variant's.
fn enum_schema(
    rb: &Private,
    variants: &[Variant],
    tagging: &Tagging,
    named: bool,
    patterns: &mut Patterns,
) -> TokenStream {
    if let Some(names) = string_enum(variants, tagging) {
        let pushes = string_values(rb, quote!(__s), &names);
        return quote! {
            let mut __s = #rb::SchemaObject::string(#rb::None);
            #(#pushes)*
        };
    }
    let mut pushes = Vec::new();
    let list = match tagging {
        Tagging::Untagged => quote!(any_of),
        _ => quote!(one_of),
    };
    // Unit variants of an externally tagged enum are plain strings: one enum lists them all.
    if let Tagging::External = tagging {
        let units: Vec<&str> = variants
            .iter()
            .filter(|v| matches!(v.kind, VariantKind::Unit))
            .map(|v| v.json_name.as_str())
            .collect();
        if !units.is_empty() {
            let unit_pushes = string_values(rb, quote!(__u), &units);
            pushes.push(quote! {{
                let mut __u = #rb::SchemaObject::string(#rb::None);
                #(#unit_pushes)*
                __s.#list.push(__u);
            }});
        }
    }
    for v in variants {
        if matches!((tagging, &v.kind), (Tagging::External, VariantKind::Unit)) {
            continue;
        }
        let schema = variant_schema(rb, v, tagging, patterns);
        let description = opt_string(rb, &v.description);
        let deprecated = v.deprecated;
        let build = quote! {
            let mut __vs = #schema;
            if let #rb::Some(d) = #description {
                __vs.description = #rb::Some(#rb::string(d));
            }
            if #deprecated {
                __vs.deprecated = true;
            }
        };
        let tag = match tagging {
            Tagging::Internal { tag } | Tagging::Adjacent { tag, .. } if named => tag,
            _ => {
                pushes.push(quote! {{
                    #build
                    __s.#list.push(__vs);
                }});
                continue;
            }
        };
        // The variant's Rust name, not its tag value: it is always a valid component name.
        let ident = v.ident.to_string();
        let ident = ident.strip_prefix("r#").unwrap_or(&ident);
        let value = &v.json_name;
        pushes.push(quote! {{
            let __variant = #rb::register_component(
                __components,
                &#rb::variant_name(__name, #ident),
                ::core::any::type_name::<Self>(),
                |__components: &mut #rb::Components, __name: &str| {
                    #build
                    __vs
                },
            );
            #rb::push_variant(&mut __s, #tag, #value, __variant);
        }});
    }
    quote! {
        let mut __s = #rb::empty_schema();
        #(#pushes)*
    }
}

fn variant_schema(
    rb: &Private,
    v: &Variant,
    tagging: &Tagging,
    patterns: &mut Patterns,
) -> TokenStream {
    let vname = v.json_name.as_str();
    let tag_property = |tag: &str| {
        quote! {
            __o.required.insert(0, #rb::string(#tag));
            __o.properties.insert(0, (#rb::string(#tag), {
                let mut __t = #rb::SchemaObject::string(#rb::None);
                __t.enum_values.push(#rb::Value::String(
                    #rb::string(#vname),
                ));
                __t
            }));
        }
    };
    let content = |kind: &VariantKind, patterns: &mut Patterns| -> TokenStream {
        match kind {
            VariantKind::Unit => {
                quote!(<() as #rb::Schema>::schema(__components))
            }
            VariantKind::Newtype(f) => property_schema(rb, f, patterns),
            VariantKind::Struct(fields) => object_schema(rb, fields, patterns, false),
        }
    };
    let empty_object = quote! {
        #rb::SchemaObject::of_type(#rb::Type::Object)
    };
    match (tagging, &v.kind) {
        (Tagging::External, kind) => {
            let inner = content(kind, patterns);
            quote! {{
                let mut __o = #empty_object;
                __o.required.push(#rb::string(#vname));
                __o.properties.push((#rb::string(#vname), #inner));
                __o.additional_properties = #rb::Some(
                    #rb::AdditionalProperties::Forbidden,
                );
                __o
            }}
        }
        (Tagging::Internal { tag }, VariantKind::Newtype(f)) => {
            let tag = tag_property(tag);
            let inner = property_schema(rb, f, patterns);
            quote! {{
                let mut __o = #empty_object;
                #tag
                let mut __all = #rb::empty_schema();
                __all.all_of.push(__o);
                __all.all_of.push(#inner);
                __all
            }}
        }
        (Tagging::Internal { tag }, kind) => {
            let tag = tag_property(tag);
            let object = match kind {
                VariantKind::Struct(fields) => object_schema(rb, fields, patterns, false),
                _ => empty_object.clone(),
            };
            quote! {{
                let mut __o = #object;
                #tag
                __o
            }}
        }
        (Tagging::Adjacent { tag, content: key }, kind) => {
            let tag = tag_property(tag);
            let inner = (!matches!(kind, VariantKind::Unit)).then(|| {
                let inner = content(kind, patterns);
                quote! {
                    __o.required.push(#rb::string(#key));
                    __o.properties.push((#rb::string(#key), #inner));
                }
            });
            quote! {{
                let mut __o = #empty_object;
                #tag
                #inner
                __o
            }}
        }
        (Tagging::Untagged, kind) => content(kind, patterns),
    }
}

/// `schema.enum_values.push(..)` for each of `values`.
fn string_values(rb: &Private, schema: TokenStream, values: &[&str]) -> Vec<TokenStream> {
    values
        .iter()
        .map(|value| {
            quote! {
                #schema.enum_values.push(#rb::Value::String(
                    #rb::string(#value),
                ));
            }
        })
        .collect()
}

fn opt_string(rb: &Private, s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(#rb::Some(#s)),
        None => quote!(#rb::None::<&str>),
    }
}
