//! syn's `DeriveInput` to the model: `#[response(...)]` on variants and on fields.

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::Token;

use super::model::*;
use crate::attr;
use crate::ctxt::Ctxt;
use crate::symbol::*;

pub fn container<'a>(cx: &Ctxt, input: &'a syn::DeriveInput) -> ResponseEnum<'a> {
    let variants = match &input.data {
        syn::Data::Enum(data) => data.variants.iter().map(|v| variant(cx, v)).collect(),
        syn::Data::Struct(s) => {
            cx.error_spanned_by(
                s.struct_token,
                "ApiResponse is derived for an enum, one variant per response; for a single response, return its body (with `status = ..` on the operation) instead",
            );
            Vec::new()
        }
        syn::Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "ApiResponse is derived for an enum, one variant per response",
            );
            Vec::new()
        }
    };
    ResponseEnum {
        ident: &input.ident,
        generics: &input.generics,
        is_enum: matches!(input.data, syn::Data::Enum(_)),
        variants,
    }
}

/// The `key = value` items of every `#[response(...)]` on an item.
fn items(cx: &Ctxt, attrs: &[syn::Attribute]) -> Vec<syn::MetaNameValue> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(RESPONSE)) {
        match attr.parse_args_with(Punctuated::<syn::MetaNameValue, Token![,]>::parse_terminated) {
            Ok(list) => out.extend(list),
            Err(e) => cx.syn_error(syn::Error::new(
                e.span(),
                "expected `key = value` items, as in `#[response(status = 404, description = \"Not found\")]`",
            )),
        }
    }
    out
}

fn key(item: &syn::MetaNameValue) -> String {
    item.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default()
}

fn string(cx: &Ctxt, item: &syn::MetaNameValue) -> Option<syn::LitStr> {
    match &item.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.clone()),
        other => {
            let key = key(item);
            cx.error_spanned_by(
                other,
                format!("`{key}` takes a string, for example `{key} = \"...\"`"),
            );
            None
        }
    }
}

fn variant<'a>(cx: &Ctxt, v: &'a syn::Variant) -> Variant<'a> {
    let mut status = None;
    let mut description = None;
    for item in items(cx, &v.attrs) {
        match key(&item).as_str() {
            STATUS => match &item.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => match i.base10_parse::<u16>() {
                    Ok(s) => status = Some((s, i.clone())),
                    Err(_) => cx.error_spanned_by(i, "a status code is a number, such as `404`"),
                },
                other => cx.error_spanned_by(
                    other,
                    "`status` takes a status code, for example `status = 404`",
                ),
            },
            DESCRIPTION => description = string(cx, &item).map(|s| s.value()),
            other => cx.error_spanned_by(
                &item.path,
                unknown_key_message("response variant", other, VARIANT_RESPONSE_KEYS),
            ),
        }
    }
    let mut out = Variant {
        ident: &v.ident,
        status,
        description: description.or_else(|| attr::doc_comment(&v.attrs)),
        style: Style::Unit,
        body: None,
        headers: Vec::new(),
    };
    match &v.fields {
        syn::Fields::Unit => {}
        syn::Fields::Unnamed(fields) => {
            out.style = Style::Tuple;
            for (i, f) in fields.unnamed.iter().enumerate() {
                if i == 1 {
                    cx.error_spanned_by(
                        &f.ty,
                        "a tuple variant holds only its body; to send headers too, name the fields and mark each header with `#[response(header = \"Retry-After\")]`",
                    );
                }
                if i == 0 {
                    out.body = Some(Field {
                        member: syn::Member::Unnamed(syn::Index::from(0)),
                        ty: &f.ty,
                    });
                }
            }
        }
        syn::Fields::Named(fields) => {
            out.style = Style::Named;
            for f in &fields.named {
                let ident = f.ident.clone().expect("a named field has a name");
                let field = Field {
                    member: syn::Member::Named(ident),
                    ty: &f.ty,
                };
                match header(cx, f, field) {
                    Ok(h) => out.headers.push(h),
                    Err(field) if out.body.is_none() => out.body = Some(field),
                    Err(_) => cx.error_spanned_by(
                        f,
                        "a variant has one body; mark this field as a header with `#[response(header = \"X-Name\")]`, or move it into the body type",
                    ),
                }
            }
        }
    }
    out
}

/// The field as a header if it is marked as one, or else back as a field.
fn header<'a>(
    cx: &Ctxt,
    f: &'a syn::Field,
    field: Field<'a>,
) -> Result<HeaderField<'a>, Field<'a>> {
    let items = items(cx, &f.attrs);
    if items.is_empty() {
        return Err(field);
    }
    let mut name = None;
    let mut description = None;
    let mut format = None;
    for item in &items {
        match key(item).as_str() {
            HEADER => name = string(cx, item),
            DESCRIPTION => description = string(cx, item).map(|s| s.value()),
            FORMAT => format = string(cx, item),
            other => cx.error_spanned_by(
                &item.path,
                unknown_key_message("response field", other, FIELD_RESPONSE_KEYS),
            ),
        }
    }
    match name {
        Some(name) => Ok(HeaderField {
            field,
            name,
            description: description.or_else(|| attr::doc_comment(&f.attrs)),
            format,
        }),
        None => {
            cx.error_at(
                items[0].span(),
                "a field marked `#[response(..)]` is a header: name it with `header = \"X-Name\"`",
            );
            Err(field)
        }
    }
}
