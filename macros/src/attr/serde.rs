//! What serde's attributes say about names and presence. serde reports its own attribute
//! errors, so anything unreadable here is skipped, never reported twice.

use syn::meta::ParseNestedMeta;
use syn::LitStr;

use crate::case::RenameRule;
use crate::ctxt::Ctxt;

#[derive(Default)]
pub struct SerdeContainer {
    pub rename_all: Option<RenameRule>,
    pub rename_all_fields: Option<RenameRule>,
    pub tag: Option<String>,
    pub content: Option<String>,
    pub untagged: bool,
    pub transparent: bool,
    pub default: bool,
    pub deny_unknown_fields: bool,
}

#[derive(Default)]
pub struct SerdeField {
    pub rename: Option<String>,
    pub skip: bool,
    pub skip_serializing: bool,
    pub skip_deserializing: bool,
    pub skip_serializing_if: bool,
    pub default: bool,
    /// `default = "path"`: serde calls a function for a missing value.
    pub default_fn: bool,
    pub flatten: bool,
}

#[derive(Default)]
pub struct SerdeVariant {
    pub rename: Option<String>,
    pub rename_all: Option<RenameRule>,
    pub skip: bool,
}

pub fn container(cx: &Ctxt, attrs: &[syn::Attribute]) -> SerdeContainer {
    let mut out = SerdeContainer::default();
    for_each(attrs, |meta| {
        let key = key(&meta);
        match key.as_str() {
            "rename_all" => out.rename_all = rename_rule(cx, &meta)?,
            "rename_all_fields" => out.rename_all_fields = rename_rule(cx, &meta)?,
            "tag" => out.tag = Some(string(&meta)?.value()),
            "content" => out.content = Some(string(&meta)?.value()),
            "untagged" => out.untagged = true,
            "transparent" => out.transparent = true,
            "default" => {
                out.default = true;
                skip_value(&meta)?;
            }
            "deny_unknown_fields" => out.deny_unknown_fields = true,
            _ => skip_value(&meta)?,
        }
        Ok(())
    });
    out
}

pub fn field(cx: &Ctxt, attrs: &[syn::Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for_each(attrs, |meta| {
        match key(&meta).as_str() {
            "rename" => out.rename = one_name(cx, &meta)?,
            "skip" => out.skip = true,
            "skip_serializing" => out.skip_serializing = true,
            "skip_deserializing" => out.skip_deserializing = true,
            "skip_serializing_if" => {
                out.skip_serializing_if = true;
                skip_value(&meta)?;
            }
            "default" => {
                out.default = true;
                out.default_fn = meta.input.peek(syn::Token![=]);
                skip_value(&meta)?;
            }
            "flatten" => out.flatten = true,
            _ => skip_value(&meta)?,
        }
        Ok(())
    });
    out
}

pub fn variant(cx: &Ctxt, attrs: &[syn::Attribute]) -> SerdeVariant {
    let mut out = SerdeVariant::default();
    for_each(attrs, |meta| {
        match key(&meta).as_str() {
            "rename" => out.rename = one_name(cx, &meta)?,
            "rename_all" => out.rename_all = rename_rule(cx, &meta)?,
            "skip" | "skip_serializing" | "skip_deserializing" => out.skip = true,
            _ => skip_value(&meta)?,
        }
        Ok(())
    });
    out
}

fn for_each(attrs: &[syn::Attribute], mut f: impl FnMut(ParseNestedMeta) -> syn::Result<()>) {
    for attr in attrs {
        if attr.path().is_ident(crate::symbol::SERDE) {
            // Malformed serde attributes are serde's to report.
            let _ = attr.parse_nested_meta(&mut f);
        }
    }
}

fn key(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default()
}

fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    meta.value()?.parse()
}

/// Consumes `= value` or `(...)` after a key this module does not read.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
        let _: proc_macro2::TokenStream = _content.parse()?;
    }
    Ok(())
}

/// `rename = "x"`, or `rename(serialize = "x", deserialize = "y")`. ringback needs one JSON
/// name for both directions, so different names are an error.
fn one_name(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<String>> {
    let (ser, de) = ser_de(meta)?;
    Ok(match (ser, de) {
        (Some(s), Some(d)) if s.value() != d.value() => {
            cx.error_spanned_by(
                &d,
                format!(
                    "ringback needs one JSON name for both directions, but serde writes `{}` and reads `{}`; \
                     use `rename = \"...\"` with one name",
                    s.value(),
                    d.value()
                ),
            );
            Some(s.value())
        }
        (Some(s), _) | (None, Some(s)) => Some(s.value()),
        (None, None) => None,
    })
}

fn rename_rule(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<RenameRule>> {
    let (ser, de) = ser_de(meta)?;
    let lit = match (ser, de) {
        (Some(s), Some(d)) if s.value() != d.value() => {
            cx.error_spanned_by(
                &d,
                "ringback needs one naming rule for both directions; use `rename_all = \"...\"`",
            );
            s
        }
        (Some(s), _) | (None, Some(s)) => s,
        (None, None) => return Ok(None),
    };
    // An unknown rule is reported by serde.
    Ok(RenameRule::from_str(&lit.value()))
}

fn ser_de(meta: &ParseNestedMeta) -> syn::Result<(Option<LitStr>, Option<LitStr>)> {
    if meta.input.peek(syn::Token![=]) {
        let s: LitStr = meta.value()?.parse()?;
        return Ok((Some(s.clone()), Some(s)));
    }
    let mut ser = None;
    let mut de = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            ser = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("deserialize") {
            de = Some(inner.value()?.parse()?);
        }
        Ok(())
    })?;
    Ok((ser, de))
}
