//! The const shape: a `&'static Shape` describing the JSON serde writes, which the operation
//! macro's const checks walk.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;

use super::Private;
use crate::schema::model::*;

pub(super) fn shape(rb: &Private, cont: &Container, body: &Body) -> TokenStream {
    let name = cont.ident.to_string();
    match body {
        Body::Struct(fields) => object_shape(rb, cont, &name, fields),
        Body::Newtype(f) => {
            let ty = recursion_safe(rb, cont, f.ty);
            quote!(<#ty as #rb::Schema>::SHAPE)
        }
        Body::Enum { variants, tagging } => {
            if let Some(names) = string_enum(variants, tagging) {
                return quote!(&#rb::Shape::StringEnum(&[#(#names),*]));
            }
            let shapes = variants.iter().map(|v| variant_shape(rb, cont, v, tagging));
            quote!(&#rb::Shape::OneOf(&[#(#shapes),*]))
        }
    }
}

fn object_shape(rb: &Private, cont: &Container, name: &str, fields: &[Field]) -> TokenStream {
    object_shape_with(rb, cont, name, fields, None)
}

/// An object shape; `tag` adds the property an internally or adjacently tagged enum writes.
fn object_shape_with(
    rb: &Private,
    cont: &Container,
    name: &str,
    fields: &[Field],
    tag: Option<(&str, &str)>,
) -> TokenStream {
    let mut entries: Vec<TokenStream> = Vec::new();
    if let Some((tag, value)) = tag {
        entries.push(tag_field(rb, tag, value));
    }
    let live = fields.iter().filter(|f| !f.skip);
    for f in live.clone().filter(|f| !f.flatten) {
        let ty = recursion_safe(rb, cont, f.ty);
        let json = &f.json_name;
        let required = static_required(f);
        let (ro, wo) = (f.is_read_only(), f.is_write_only());
        let nullable = !f.forbids_null();
        entries.push(quote! {
            #rb::FieldShape {
                name: #json,
                shape: <#ty as #rb::Schema>::SHAPE,
                required: #required && !#rb::shape::is_optional(
                    <#ty as #rb::Schema>::SHAPE
                ),
                read_only: #ro,
                write_only: #wo,
                nullable: #nullable && #rb::shape::is_optional(
                    <#ty as #rb::Schema>::SHAPE
                ),
            }
        });
    }
    let flattened = live.filter(|f| f.flatten).map(|f| {
        let ty = recursion_safe(rb, cont, f.ty);
        quote!(<#ty as #rb::Schema>::SHAPE)
    });
    quote! {
        &#rb::Shape::Object(&#rb::ObjectShape {
            name: #name,
            fields: &[#(#entries),*],
            flattened: &[#(#flattened),*],
        })
    }
}

fn variant_shape(rb: &Private, cont: &Container, v: &Variant, tagging: &Tagging) -> TokenStream {
    let name = format!("{}::{}", cont.ident, v.ident);
    let vname = v.json_name.as_str();
    let single = |key: &str, inner: TokenStream, required: bool| {
        quote! {
            &#rb::Shape::Object(&#rb::ObjectShape {
                name: #name,
                fields: &[#rb::FieldShape {
                    name: #key,
                    shape: #inner,
                    required: #required,
                    read_only: false,
                    write_only: false,
                    nullable: false,
                }],
                flattened: &[],
            })
        }
    };
    let inner_shape = |kind: &VariantKind| -> TokenStream {
        match kind {
            VariantKind::Unit => quote!(&#rb::Shape::Null),
            VariantKind::Newtype(f) => {
                let ty = recursion_safe(rb, cont, f.ty);
                quote!(<#ty as #rb::Schema>::SHAPE)
            }
            VariantKind::Struct(fields) => object_shape(rb, cont, &name, fields),
        }
    };
    match (tagging, &v.kind) {
        (Tagging::External, VariantKind::Unit) => {
            quote!(&#rb::Shape::StringEnum(&[#vname]))
        }
        (Tagging::External, kind) => single(vname, inner_shape(kind), true),
        (Tagging::Internal { tag }, VariantKind::Struct(fields)) => {
            object_shape_with(rb, cont, &name, fields, Some((tag, vname)))
        }
        (Tagging::Internal { tag }, VariantKind::Unit) => {
            object_shape_with(rb, cont, &name, &[], Some((tag, vname)))
        }
        (Tagging::Internal { tag }, VariantKind::Newtype(f)) => {
            let ty = recursion_safe(rb, cont, f.ty);
            let tag_field = tag_field(rb, tag, vname);
            quote! {
                &#rb::Shape::Object(&#rb::ObjectShape {
                    name: #name,
                    fields: &[#tag_field],
                    flattened: &[<#ty as #rb::Schema>::SHAPE],
                })
            }
        }
        (Tagging::Adjacent { tag, content }, kind) => {
            let inner = inner_shape(kind);
            let unit = matches!(kind, VariantKind::Unit);
            let tag_field = tag_field(rb, tag, vname);
            quote! {
                &#rb::Shape::Object(&#rb::ObjectShape {
                    name: #name,
                    fields: &[
                        #tag_field,
                        #rb::FieldShape {
                            name: #content,
                            shape: #inner,
                            required: !#unit,
                            read_only: false,
                            write_only: false,
                            nullable: false,
                        },
                    ],
                    flattened: &[],
                })
            }
        }
        (Tagging::Untagged, kind) => inner_shape(kind),
    }
}

/// The property a tagged enum writes its variant's name into.
fn tag_field(rb: &Private, tag: &str, variant: &str) -> TokenStream {
    quote! {
        #rb::FieldShape {
            name: #tag,
            shape: &#rb::Shape::StringEnum(&[#variant]),
            required: true,
            read_only: false,
            write_only: false,
            nullable: false,
        }
    }
}

/// The JSON names of an enum that serde writes as plain strings.
pub(super) fn string_enum<'a>(variants: &'a [Variant], tagging: &Tagging) -> Option<Vec<&'a str>> {
    let all_unit = variants.iter().all(|v| matches!(v.kind, VariantKind::Unit));
    (all_unit && matches!(tagging, Tagging::External))
        .then(|| variants.iter().map(|v| v.json_name.as_str()).collect())
}

/// Whether a property is required, as far as attributes say; an `Option` type (checked on its
/// shape) makes it optional too.
pub(super) fn static_required(f: &Field) -> bool {
    !(f.default || f.skip_serializing_if || f.skip_deserializing)
}

/// The field type with the container's own name replaced by a `Recursive` marker, so that
/// its const shape refers to the container by name instead of containing itself.
fn recursion_safe(rb: &Private, cont: &Container, ty: &syn::Type) -> syn::Type {
    struct Replace<'a> {
        rb: &'a Private,
        ident: &'a syn::Ident,
        self_ty: syn::Type,
    }
    impl VisitMut for Replace<'_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(p) = ty {
                let is_self = p.qself.is_none()
                    && p.path.segments.len() == 1
                    && (p.path.segments[0].ident == *self.ident
                        || p.path.segments[0].ident == "Self");
                if is_self {
                    let named = if p.path.segments[0].ident == "Self" {
                        self.self_ty.clone()
                    } else {
                        ty.clone()
                    };
                    let rb = self.rb;
                    *ty = syn::parse_quote!(#rb::Recursive<#named>);
                    return;
                }
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let ident = cont.ident;
    let (_, ty_generics, _) = cont.generics.split_for_impl();
    let mut ty = ty.clone();
    Replace {
        rb,
        ident,
        self_ty: syn::parse_quote!(#ident #ty_generics),
    }
    .visit_type_mut(&mut ty);
    ty
}
