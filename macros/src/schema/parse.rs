//! syn's `DeriveInput` to the model, reading serde's and ringback's attributes together.

use syn::spanned::Spanned;

use super::model::*;
use crate::attr;
use crate::case::RenameRule;
use crate::ctxt::Ctxt;

pub fn container<'a>(cx: &Ctxt, input: &'a syn::DeriveInput) -> Container<'a> {
    let serde = attr::serde::container(cx, &input.attrs);
    let schema = attr::schema::container(cx, &input.attrs);
    let body = match &input.data {
        syn::Data::Struct(data) => struct_body(cx, input, data, &serde),
        syn::Data::Enum(data) => enum_body(cx, data, &serde, schema.inline),
        syn::Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "ringback::Schema cannot describe a union; use a struct or an enum",
            );
            None
        }
    };
    // A generic type's component name is this base followed by its arguments' names.
    let name = match schema.rename {
        Some(rename) => rename,
        None => {
            let name = unraw(&input.ident);
            // A type's name is also part of the name of every generic type it instantiates,
            // inline or not, so it must be a valid component name either way.
            if !attr::schema::is_component_name(&name) {
                cx.error_spanned_by(
                    &input.ident,
                    format!(
                        "`{name}` cannot name an OpenAPI component, which may use only ASCII \
                         letters, digits, `.`, `-` and `_`; give it a name with \
                         #[schema(rename = \"...\")]"
                    ),
                );
            }
            name
        }
    };
    let component = (!schema.inline).then(|| name.clone());
    Container {
        ident: &input.ident,
        generics: &input.generics,
        krate: schema.krate,
        component,
        name,
        description: schema
            .description
            .or_else(|| attr::doc_comment(&input.attrs)),
        deprecated: schema.deprecated || attr::rust_deprecated(&input.attrs),
        example: schema.example,
        deny_unknown_fields: serde.deny_unknown_fields,
        body,
    }
}

fn struct_body<'a>(
    cx: &Ctxt,
    input: &'a syn::DeriveInput,
    data: &'a syn::DataStruct,
    serde: &attr::serde::SerdeContainer,
) -> Option<Body<'a>> {
    match &data.fields {
        syn::Fields::Named(named) => {
            let fields = fields(cx, &named.named, serde.rename_all, serde.default);
            if serde.transparent {
                let mut live = fields.into_iter().filter(|f| !f.skip);
                return match (live.next(), live.next()) {
                    (Some(only), None) => Some(Body::Newtype(Box::new(only))),
                    _ => {
                        cx.error_spanned_by(
                            &input.ident,
                            "#[serde(transparent)] needs exactly one field that is not skipped",
                        );
                        None
                    }
                };
            }
            Some(Body::Struct(fields))
        }
        syn::Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let field = fields(cx, &unnamed.unnamed, None, serde.default).pop()?;
            Some(Body::Newtype(Box::new(field)))
        }
        syn::Fields::Unnamed(unnamed) => {
            cx.error_spanned_by(
                unnamed,
                "ringback::Schema supports structs with named fields and one-field newtypes; \
                 a tuple struct serializes as an array, so give its fields names",
            );
            None
        }
        syn::Fields::Unit => {
            cx.error_spanned_by(
                &input.ident,
                "ringback::Schema does not describe unit structs (serde writes them as `null`); \
                 add fields or use `()`",
            );
            None
        }
    }
}

fn enum_body<'a>(
    cx: &Ctxt,
    data: &'a syn::DataEnum,
    serde: &attr::serde::SerdeContainer,
    inline: bool,
) -> Option<Body<'a>> {
    let tagging = match (&serde.tag, &serde.content, serde.untagged) {
        (_, _, true) => Tagging::Untagged,
        (Some(tag), Some(content), false) => Tagging::Adjacent {
            tag: tag.clone(),
            content: content.clone(),
        },
        (Some(tag), None, false) => Tagging::Internal { tag: tag.clone() },
        (None, _, false) => Tagging::External,
    };
    let mut variants = Vec::new();
    for v in &data.variants {
        let vs = attr::serde::variant(cx, &v.attrs);
        let va = attr::schema::variant(cx, &v.attrs);
        if vs.skip {
            continue;
        }
        let json_name = vs.rename.unwrap_or_else(|| match serde.rename_all {
            Some(rule) => rule.apply_to_variant(&v.ident.to_string()),
            None => v.ident.to_string(),
        });
        let field_rule = vs.rename_all.or(serde.rename_all_fields);
        let kind = match &v.fields {
            syn::Fields::Unit => VariantKind::Unit,
            syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                VariantKind::Newtype(Box::new(fields(cx, &u.unnamed, None, false).pop()?))
            }
            syn::Fields::Unnamed(u) => {
                cx.error_spanned_by(
                    u,
                    "ringback::Schema does not describe tuple variants with several fields \
                     (serde writes them as arrays); use a struct variant with named fields",
                );
                continue;
            }
            syn::Fields::Named(n) => VariantKind::Struct(fields(cx, &n.named, field_rule, false)),
        };
        if let (Tagging::Internal { .. }, VariantKind::Newtype(f)) = (&tagging, &kind) {
            if is_primitive_like(f.ty) {
                cx.error_spanned_by(
                    f.ty,
                    "serde cannot internally tag a newtype variant holding a non-object; \
                     use a struct variant or another tagging",
                );
            }
        }
        let tagged = matches!(tagging, Tagging::Internal { .. } | Tagging::Adjacent { .. });
        if tagged && !inline && !attr::schema::is_component_name(&unraw(&v.ident)) {
            cx.error_spanned_by(
                &v.ident,
                format!(
                    "a tagged enum's variant is a component named after it, and `{}` cannot \
                     name an OpenAPI component (ASCII letters, digits, `.`, `-` and `_` only); \
                     give the variant an ASCII Rust name (serde's `rename` keeps its tag value), or write \
                     the enum inline with #[schema(inline)]",
                    v.ident
                ),
            );
        }
        variants.push(Variant {
            ident: &v.ident,
            json_name,
            description: va.description.or_else(|| attr::doc_comment(&v.attrs)),
            deprecated: va.deprecated || attr::rust_deprecated(&v.attrs),
            kind,
        });
    }
    if variants.is_empty() {
        cx.error_at(
            data.enum_token.span(),
            "ringback::Schema needs at least one variant that serde does not skip",
        );
        return None;
    }
    Some(Body::Enum { variants, tagging })
}

fn fields<'a>(
    cx: &Ctxt,
    fields: &'a syn::punctuated::Punctuated<syn::Field, syn::Token![,]>,
    rename_all: Option<RenameRule>,
    container_default: bool,
) -> Vec<Field<'a>> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let serde = attr::serde::field(cx, &f.attrs);
            let schema = attr::schema::field(cx, &f.attrs);
            let (member, rust_name) = match &f.ident {
                Some(ident) => (syn::Member::Named(ident.clone()), unraw(ident)),
                None => (
                    syn::Member::Unnamed(syn::Index {
                        index: i as u32,
                        span: f.ty.span(),
                    }),
                    i.to_string(),
                ),
            };
            let json_name = serde.rename.unwrap_or_else(|| match rename_all {
                Some(rule) => rule.apply_to_field(&rust_name),
                None => rust_name,
            });
            Field {
                member,
                ty: &f.ty,
                json_name,
                description: schema.description.or_else(|| attr::doc_comment(&f.attrs)),
                deprecated: schema.deprecated || attr::rust_deprecated(&f.attrs),
                skip: serde.skip || (serde.skip_serializing && serde.skip_deserializing),
                skip_serializing_if: serde.skip_serializing_if,
                skip_serializing: serde.skip_serializing,
                skip_deserializing: serde.skip_deserializing,
                default: serde.default || container_default,
                missing: match (serde.default, serde.default_fn, container_default) {
                    (true, false, _) => Missing::Default,
                    (false, _, false) if crate::ty::is_option(&f.ty) => Missing::None,
                    _ => Missing::Other,
                },
                flatten: serde.flatten,
                read_only: schema.read_only,
                write_only: schema.write_only,
                format: schema.format,
                example: schema.example,
                rules: schema.rules,
            }
        })
        .collect()
}

fn unraw(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

/// Types that never serialize as a JSON object.
fn is_primitive_like(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else {
        return false;
    };
    p.path.get_ident().is_some_and(|i| {
        matches!(
            i.to_string().as_str(),
            "String"
                | "bool"
                | "char"
                | "i8"
                | "i16"
                | "i32"
                | "i64"
                | "i128"
                | "isize"
                | "u8"
                | "u16"
                | "u32"
                | "u64"
                | "u128"
                | "usize"
                | "f32"
                | "f64"
        )
    })
}
