//! Checks across a type's fields and attributes that a single attribute cannot make.

use super::model::*;
use super::pattern;
use crate::ctxt::Ctxt;

pub fn container(cx: &Ctxt, cont: &Container) {
    let Some(body) = &cont.body else { return };
    match body {
        Body::Struct(fields) => {
            for f in fields {
                field(cx, f, true);
            }
            duplicate_names(cx, fields.iter());
        }
        Body::Newtype(f) => {
            if let Some(span) = f.read_only.or(f.write_only) {
                cx.error_at(
                    span,
                    "a newtype has no property to mark; put `read_only`/`write_only` on the \
                     field of the struct that holds this type",
                );
            }
            field(cx, f, false);
        }
        Body::Enum { variants, tagging } => {
            for v in variants {
                let fields: Vec<&Field> = match &v.kind {
                    VariantKind::Unit => continue,
                    VariantKind::Newtype(f) => vec![f],
                    VariantKind::Struct(fs) => fs.iter().collect(),
                };
                for f in &fields {
                    field(cx, f, matches!(v.kind, VariantKind::Struct(_)));
                    if let (Tagging::Untagged, Some(span)) = (tagging, f.read_only) {
                        cx.error_at(
                            span,
                            "`read_only` cannot be enforced inside an untagged enum: which \
                             variant a client meant is only known after parsing; tag the enum \
                             (`#[serde(tag = \"...\")]`) or move the property out of it",
                        );
                    }
                }
                if let VariantKind::Struct(fs) = &v.kind {
                    duplicate_names(cx, fs.iter());
                }
            }
        }
    }
}

fn field(cx: &Ctxt, f: &Field, is_property: bool) {
    if let (Some(_), Some(w)) = (f.read_only, f.write_only) {
        cx.error_at(
            w,
            "a property cannot be both `read_only` and `write_only`: it would never be sent \
             either way; keep one of them",
        );
    }
    if let Some(span) = f.read_only {
        if is_property && !f.is_option() && !f.default {
            cx.error_at(
                span,
                format!(
                    "`read_only` needs a value to reset `{}` to when a client sends it: make the \
                     field an `Option<..>` or add `#[serde(default)]`",
                    f.json_name
                ),
            );
        }
    }
    // The first of what `#[schema]` says about the field's own property, if anything.
    let marked = f
        .read_only
        .or(f.write_only)
        .or_else(|| f.rules.first().map(|r| r.span));
    if let (true, Some(span)) = (f.skip, marked) {
        cx.error_at(
            span,
            "this field is `#[serde(skip)]`ped, so it is never in JSON and this has no effect; remove it",
        );
    }
    if let (true, Some(span)) = (f.flatten, marked) {
        cx.error_at(
            span,
            "a `#[serde(flatten)]` field has no property of its own; put the rule on the \
             fields of the flattened type",
        );
    }
    ordered(cx, f, RuleKind::Minimum, RuleKind::Maximum);
    ordered(
        cx,
        f,
        RuleKind::ExclusiveMinimum,
        RuleKind::ExclusiveMaximum,
    );
    ordered(cx, f, RuleKind::Minimum, RuleKind::ExclusiveMaximum);
    ordered(cx, f, RuleKind::ExclusiveMinimum, RuleKind::Maximum);
    ordered(cx, f, RuleKind::MinLength, RuleKind::MaxLength);
    ordered(cx, f, RuleKind::MinItems, RuleKind::MaxItems);
    exclusive_pair(cx, f, RuleKind::Minimum, RuleKind::ExclusiveMinimum);
    exclusive_pair(cx, f, RuleKind::Maximum, RuleKind::ExclusiveMaximum);
    for rule in &f.rules {
        if let RuleValue::Pattern(lit) = &rule.value {
            if let Err(problem) = pattern::check(&lit.value()) {
                cx.error_spanned_by(lit, format!("invalid `pattern`: {problem}"));
            }
        }
    }
    if let Some(format) = &f.format {
        if format.value().trim().is_empty() {
            cx.error_spanned_by(
                format,
                "`format` cannot be empty; remove it or name a format such as \"uri\"",
            );
        }
    }
}

fn find<'f>(f: &'f Field, kind: RuleKind) -> Option<&'f Rule> {
    f.rules.iter().find(|r| r.kind == kind)
}

/// `low` must not exceed `high`.
fn ordered(cx: &Ctxt, f: &Field, low: RuleKind, high: RuleKind) {
    let (Some(lo), Some(hi)) = (find(f, low), find(f, high)) else {
        return;
    };
    let strict =
        matches!(low, RuleKind::ExclusiveMinimum) || matches!(high, RuleKind::ExclusiveMaximum);
    let (a, b) = match (lo.number(), hi.number(), lo.count(), hi.count()) {
        (Some(a), Some(b), _, _) => (a.as_f64(), b.as_f64()),
        (_, _, Some(a), Some(b)) => (a as f64, b as f64),
        _ => return,
    };
    if a > b || (strict && a >= b) {
        cx.error_at(
            lo.span,
            format!(
                "`{}` is greater than `{}`, so no value is valid; swap or correct them",
                low.key(),
                high.key()
            ),
        );
    }
}

fn exclusive_pair(cx: &Ctxt, f: &Field, inclusive: RuleKind, exclusive: RuleKind) {
    if let (Some(_), Some(ex)) = (find(f, inclusive), find(f, exclusive)) {
        cx.error_at(
            ex.span,
            format!(
                "`{}` and `{}` bound the same side; keep one",
                inclusive.key(),
                exclusive.key()
            ),
        );
    }
}

fn duplicate_names<'a, 'b: 'a>(cx: &Ctxt, fields: impl Iterator<Item = &'a Field<'b>>) {
    let mut seen: Vec<&str> = Vec::new();
    for f in fields {
        if f.skip || f.flatten {
            continue;
        }
        if seen.contains(&f.json_name.as_str()) {
            cx.error_spanned_by(
                &f.member,
                format!(
                    "two fields are both named `{}` in JSON; rename one with #[serde(rename = \"...\")]",
                    f.json_name
                ),
            );
        } else {
            seen.push(&f.json_name);
        }
    }
}
