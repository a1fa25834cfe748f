//! `Schema::validate`: each rule checked on the value, spanned at its key, then each field's
//! own validation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};

use super::{respan, Patterns, Private};
use crate::schema::model::*;

/// Formats that ringback checks at run time; others are documented only.
const CHECKED_FORMATS: &[&str] = &[
    "uri",
    "url",
    "uuid",
    "email",
    "ipv4",
    "ipv6",
    "date",
    "date-time",
];

pub(super) fn validate_fn(rb: &Private, body: &Body, patterns: &mut Patterns) -> TokenStream {
    match body {
        Body::Struct(fields) => {
            let accessed: Vec<(&Field, TokenStream)> = fields
                .iter()
                .map(|f| {
                    let m = &f.member;
                    (f, quote!(&self.#m))
                })
                .collect();
            validate_fields(rb, &accessed, patterns)
        }
        Body::Newtype(f) => {
            let m = &f.member;
            field_checks(rb, f, &quote!(&self.#m), patterns)
        }
        Body::Enum { variants, tagging } => {
            let arms = variants.iter().map(|v| {
                let ident = v.ident;
                let (pattern, body) = match &v.kind {
                    VariantKind::Unit => (quote!(Self::#ident), quote!()),
                    VariantKind::Newtype(f) => (
                        quote!(Self::#ident(__f0)),
                        field_checks(rb, f, &quote!(__f0), patterns),
                    ),
                    VariantKind::Struct(fields) => {
                        let bindings: Vec<(&Field, syn::Ident)> = fields
                            .iter()
                            .enumerate()
                            .map(|(i, f)| (f, format_ident!("__f{}", i)))
                            .collect();
                        let members = bindings.iter().map(|(f, b)| {
                            let m = &f.member;
                            quote!(#m: #b)
                        });
                        let accessed: Vec<(&Field, TokenStream)> =
                            bindings.iter().map(|(f, b)| (*f, quote!(#b))).collect();
                        (
                            quote!(Self::#ident { #(#members,)* .. }),
                            validate_fields(rb, &accessed, patterns),
                        )
                    }
                };
                let body = match (tagging, &v.kind) {
                    (_, VariantKind::Unit) => body,
                    (Tagging::External, _) => {
                        let name = &v.json_name;
                        within(name, body)
                    }
                    (Tagging::Adjacent { content, .. }, _) => within(content, body),
                    _ => body,
                };
                quote!(#pattern => { #body })
            });
            quote! {
                #[allow(unreachable_patterns)]
                match self {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    }
}

fn validate_fields(
    rb: &Private,
    fields: &[(&Field, TokenStream)],
    patterns: &mut Patterns,
) -> TokenStream {
    let checks = fields
        .iter()
        .filter(|(f, _)| !f.skip && !f.skip_deserializing)
        .map(|(f, access)| {
            let checks = field_checks(rb, f, access, patterns);
            if f.flatten {
                checks
            } else {
                within(&f.json_name, checks)
            }
        });
    quote!(#(#checks)*)
}

/// The rule checks for one field (each spanned at its key, so a rule on the wrong type is an
/// error there), then the field's own nested validation.
fn field_checks(
    rb: &Private,
    f: &Field,
    access: &TokenStream,
    patterns: &mut Patterns,
) -> TokenStream {
    let ty = f.ty;
    let mut checks = Vec::new();
    for rule in &f.rules {
        let span = rule.span;
        let access = respan(access, span);
        let private = rb.at(span);
        let check = match (&rule.value, rule.kind) {
            (RuleValue::Number(n), kind) => {
                let n = match n {
                    Number::Int(i) => quote!(#rb::rules::Num::Int(#i)),
                    Number::Float(x) => quote!(#rb::rules::Num::Float(#x)),
                };
                let (func, exclusive) = match kind {
                    RuleKind::Minimum => (quote!(minimum), false),
                    RuleKind::Maximum => (quote!(maximum), false),
                    RuleKind::ExclusiveMinimum => (quote!(minimum), true),
                    _ => (quote!(maximum), true),
                };
                quote_spanned!(span=> #private::rules::#func(#access, #n, #exclusive, __v);)
            }
            (RuleValue::Count(n), kind) => {
                let n = *n as usize;
                let func = match kind {
                    RuleKind::MinLength => quote!(min_length),
                    RuleKind::MaxLength => quote!(max_length),
                    RuleKind::MinItems => quote!(min_items),
                    _ => quote!(max_items),
                };
                quote_spanned!(span=> #private::rules::#func(#access, #n, __v);)
            }
            (RuleValue::Pattern(lit), _) => {
                let pattern = patterns.get(lit, &f.json_name);
                quote_spanned!(span=> #private::rules::pattern(#access, &#pattern, __v);)
            }
        };
        checks.push(check);
    }
    if let Some(format) = &f.format {
        if CHECKED_FORMATS.contains(&format.value().as_str()) {
            let span = format.span();
            let access = respan(access, span);
            let private = rb.at(span);
            checks.push(quote_spanned!(span=> #private::rules::format(#access, #format, __v);));
        }
    }
    quote! {
        #(#checks)*
        <#ty as #rb::Schema>::validate(#access, __v);
    }
}

/// `checks` run one level down, at the property `name`. The validator steps in and out by
/// plain calls, not through a closure: a closure would be a new instantiation of the
/// validator's stepping code for every field of every type.
fn within(name: &impl ToTokens, checks: TokenStream) -> TokenStream {
    quote! {
        __v.enter_static(#name);
        { #checks }
        __v.leave();
    }
}
