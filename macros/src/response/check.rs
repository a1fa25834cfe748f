//! Every misuse of a response enum, each at its token.

use super::model::*;
use crate::ctxt::Ctxt;

pub fn container(cx: &Ctxt, input: &ResponseEnum) {
    if input.is_enum && input.variants.is_empty() {
        cx.error_spanned_by(
            input.ident,
            "a response enum needs a variant per response, as in `#[response(status = 200)] Found(Order)`",
        );
    }
    let mut seen: Vec<(u16, &syn::Ident)> = Vec::new();
    for variant in &input.variants {
        let Some((status, literal)) = &variant.status else {
            cx.error_spanned_by(
                variant.ident,
                format!(
                    "give the variant `{}` its status: `#[response(status = 200)]`",
                    variant.ident
                ),
            );
            continue;
        };
        if !(200..=599).contains(status) {
            cx.error_spanned_by(
                literal,
                "a response's status is from 200 to 599, such as `200` or `404`",
            );
            continue;
        }
        // The document lists one response per status; a oneOf would hide which is which.
        if let Some((_, other)) = seen.iter().find(|(s, _)| s == status) {
            cx.error_spanned_by(
                literal,
                format!("the status {status} is already the variant `{other}`'s; each status is one variant, so merge the two (an enum body documents as `oneOf`)"),
            );
        }
        seen.push((*status, variant.ident));
        if let (204 | 205 | 304, Some(body)) = (status, &variant.body) {
            cx.error_spanned_by(
                body.ty,
                format!("a {status} response has no body; remove this field, or mark it as a header with `#[response(header = \"X-Name\")]`"),
            );
        }
    }
    for header in input.variants.iter().flat_map(|v| &v.headers) {
        check_header_name(cx, &header.name);
    }
}

fn check_header_name(cx: &Ctxt, name: &syn::LitStr) {
    let value = name.value();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if value.is_empty() || !value.chars().all(token) {
        cx.error_spanned_by(
            name,
            "a header name is letters, digits and `-` (any of RFC 9110's token characters), such as `Retry-After`",
        );
    } else if value.eq_ignore_ascii_case("content-type") {
        cx.error_spanned_by(
            name,
            "the body sets `Content-Type`; return `Bytes<M>` to choose the media type",
        );
    }
}
