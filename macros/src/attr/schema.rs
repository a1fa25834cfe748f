//! `#[schema(...)]`: every key checked, every value typed, every error spanned and collected.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;
use crate::schema::model::{Number, Rule, RuleKind, RuleValue};
use crate::symbol::*;

#[derive(Default)]
pub struct FieldAttrs {
    pub read_only: Option<Span>,
    pub write_only: Option<Span>,
    pub format: Option<syn::LitStr>,
    pub example: Option<syn::Expr>,
    pub deprecated: bool,
    pub description: Option<String>,
    pub rules: Vec<Rule>,
    /// The first `#[schema]` attribute, for errors about the field as a whole.
    pub span: Option<Span>,
}

#[derive(Default)]
pub struct ContainerAttrs {
    pub rename: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub example: Option<syn::Expr>,
    pub inline: bool,
    /// `crate = "path"`: where generated code finds ringback, for a crate that re-exports it.
    pub krate: Option<syn::Path>,
}

#[derive(Default)]
pub struct VariantAttrs {
    pub description: Option<String>,
    pub deprecated: bool,
}

pub fn field(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut seen = Seen::default();
    for_each(cx, attrs, |meta, attr_span| {
        out.span.get_or_insert(attr_span);
        let key = key_of(&meta);
        seen.once(cx, &meta, &key);
        let rule = |kind: RuleKind, value: RuleValue| Rule {
            kind,
            value,
            span: meta.path.span(),
        };
        match key.as_str() {
            READ_ONLY => {
                flag(&meta)?;
                out.read_only = Some(meta.path.span());
            }
            WRITE_ONLY => {
                flag(&meta)?;
                out.write_only = Some(meta.path.span());
            }
            DEPRECATED => {
                flag(&meta)?;
                out.deprecated = true;
            }
            FORMAT => out.format = Some(lit_str(&meta, FORMAT)?),
            DESCRIPTION => out.description = Some(lit_str(&meta, DESCRIPTION)?.value()),
            EXAMPLE => out.example = Some(meta.value()?.parse()?),
            MINIMUM => out
                .rules
                .push(rule(RuleKind::Minimum, number(&meta, &key)?)),
            MAXIMUM => out
                .rules
                .push(rule(RuleKind::Maximum, number(&meta, &key)?)),
            EXCLUSIVE_MINIMUM => out
                .rules
                .push(rule(RuleKind::ExclusiveMinimum, number(&meta, &key)?)),
            EXCLUSIVE_MAXIMUM => out
                .rules
                .push(rule(RuleKind::ExclusiveMaximum, number(&meta, &key)?)),
            MIN_LENGTH => out
                .rules
                .push(rule(RuleKind::MinLength, count(&meta, &key)?)),
            MAX_LENGTH => out
                .rules
                .push(rule(RuleKind::MaxLength, count(&meta, &key)?)),
            MIN_ITEMS => out
                .rules
                .push(rule(RuleKind::MinItems, count(&meta, &key)?)),
            MAX_ITEMS => out
                .rules
                .push(rule(RuleKind::MaxItems, count(&meta, &key)?)),
            PATTERN => out.rules.push(rule(
                RuleKind::Pattern,
                RuleValue::Pattern(lit_str(&meta, PATTERN)?),
            )),
            _ => unknown(cx, &meta, &key, "field", FIELD_KEYS)?,
        }
        Ok(())
    });
    out
}

pub fn container(cx: &Ctxt, attrs: &[syn::Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    let mut seen = Seen::default();
    for_each(cx, attrs, |meta, _| {
        let key = key_of(&meta);
        seen.once(cx, &meta, &key);
        match key.as_str() {
            RENAME => {
                let name = lit_str(&meta, RENAME)?;
                if !is_component_name(&name.value()) {
                    cx.error_spanned_by(
                        &name,
                        "a component name may use only letters, digits, `.`, `-` and `_`",
                    );
                }
                out.rename = Some(name.value());
            }
            DESCRIPTION => out.description = Some(lit_str(&meta, DESCRIPTION)?.value()),
            DEPRECATED => {
                flag(&meta)?;
                out.deprecated = true;
            }
            EXAMPLE => out.example = Some(meta.value()?.parse()?),
            INLINE => {
                flag(&meta)?;
                out.inline = true;
            }
            CRATE => out.krate = Some(path(&meta, CRATE)?),
            _ if FIELD_KEYS.contains(&key.as_str()) => cx.error_spanned_by(
                &meta.path,
                format!("`{key}` belongs on a field, not on the type; move it to the field it describes"),
            ),
            _ => unknown(cx, &meta, &key, "container", CONTAINER_KEYS)?,
        }
        Ok(())
    });
    out
}

pub fn variant(cx: &Ctxt, attrs: &[syn::Attribute]) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    let mut seen = Seen::default();
    for_each(cx, attrs, |meta, _| {
        let key = key_of(&meta);
        seen.once(cx, &meta, &key);
        match key.as_str() {
            DESCRIPTION => out.description = Some(lit_str(&meta, DESCRIPTION)?.value()),
            DEPRECATED => {
                flag(&meta)?;
                out.deprecated = true;
            }
            _ => unknown(cx, &meta, &key, "variant", VARIANT_KEYS)?,
        }
        Ok(())
    });
    out
}

/// OpenAPI's component key pattern: `^[a-zA-Z0-9\.\-_]+$`.
pub fn is_component_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Runs `f` on every key of every `#[schema(...)]`; an error in one key is recorded and the
/// rest of that attribute skipped, other attributes still read.
fn for_each(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut f: impl FnMut(ParseNestedMeta, Span) -> syn::Result<()>,
) {
    for attr in attrs {
        if !attr.path().is_ident(SCHEMA) {
            continue;
        }
        if let syn::Meta::Path(_) = attr.meta {
            cx.error_spanned_by(
                attr,
                "expected `#[schema(...)]` with keys, for example `#[schema(read_only)]`",
            );
            continue;
        }
        let span = attr.span();
        if let Err(e) = attr.parse_nested_meta(|meta| f(meta, span)) {
            cx.syn_error(e);
        }
    }
}

#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    fn once(&mut self, cx: &Ctxt, meta: &ParseNestedMeta, key: &str) {
        if self.0.iter().any(|k| k == key) {
            cx.error_spanned_by(&meta.path, format!("`{key}` is given twice; keep one"));
        } else {
            self.0.push(key.to_owned());
        }
    }
}

fn key_of(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

fn unknown(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
    kind: &str,
    known: &[&str],
) -> syn::Result<()> {
    cx.error_spanned_by(
        &meta.path,
        unknown_key_message(&format!("#[schema] {kind}"), key, known),
    );
    // Skip whatever value follows so the keys after it are still read.
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: proc_macro2::TokenStream = content.parse()?;
    }
    Ok(())
}

fn flag(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = key_of(meta);
        return Err(meta.error(format!(
            "`{key}` is a flag and takes no value; write `#[schema({key})]`"
        )));
    }
    Ok(())
}

fn lit_str(meta: &ParseNestedMeta, key: &str) -> syn::Result<syn::LitStr> {
    let expr: syn::Expr = meta.value()?.parse()?;
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(s),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a string literal, for example `{key} = \"...\"`"),
        )),
    }
}

/// A path written as a string, as serde's `crate = "..."` is.
fn path(meta: &ParseNestedMeta, key: &str) -> syn::Result<syn::Path> {
    let lit = lit_str(meta, key)?;
    lit.parse_with(syn::Path::parse_mod_style).map_err(|_| {
        syn::Error::new_spanned(
            &lit,
            format!(
                "`{key}` takes the path of a crate or module that re-exports ringback, for example `{key} = \"my_api::ringback\"`"
            ),
        )
    })
}

fn number(meta: &ParseNestedMeta, key: &str) -> syn::Result<RuleValue> {
    let expr: syn::Expr = meta.value()?.parse()?;
    let wrong = |at: &dyn quote::ToTokens| {
        syn::Error::new_spanned(
            at,
            format!("`{key}` takes a number literal, for example `{key} = 1` or `{key} = 0.5`"),
        )
    };
    let (negative, lit) = match &expr {
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            syn::Expr::Lit(l) => (true, &l.lit),
            _ => return Err(wrong(&expr)),
        },
        syn::Expr::Lit(l) => (false, &l.lit),
        _ => return Err(wrong(&expr)),
    };
    let n = match lit {
        syn::Lit::Int(i) => {
            let v: i128 = i.base10_parse().map_err(|_| wrong(i))?;
            Number::Int(if negative { -v } else { v })
        }
        syn::Lit::Float(f) => {
            let v: f64 = f.base10_parse().map_err(|_| wrong(f))?;
            if !v.is_finite() {
                return Err(wrong(f));
            }
            Number::Float(if negative { -v } else { v })
        }
        other => return Err(wrong(other)),
    };
    Ok(RuleValue::Number(n))
}

fn count(meta: &ParseNestedMeta, key: &str) -> syn::Result<RuleValue> {
    let expr: syn::Expr = meta.value()?.parse()?;
    match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u64>().map(RuleValue::Count).map_err(|_| {
            syn::Error::new_spanned(
                i,
                format!("`{key}` takes a count, a whole number of 0 or more"),
            )
        }),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a count, a whole number literal such as `{key} = 1`"),
        )),
    }
}
