//! `#[ringback::post("/path", key = value, ...)]`: every key checked, every error collected.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitInt, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::operation::model::Method;
use crate::symbol::*;

#[derive(Default)]
pub struct OperationAttrs {
    pub path: Option<LitStr>,
    pub operation_id: Option<LitStr>,
    pub tags: Vec<LitStr>,
    pub summary: Option<LitStr>,
    pub description: Option<LitStr>,
    pub deprecated: bool,
    pub responses: Vec<ResponseAttr>,
    pub security: Vec<Vec<(String, Vec<String>)>>,
    /// `public`: no security, whatever the API's default.
    pub public: Option<syn::Path>,
    pub read_only: Option<(bool, Span)>,
    pub callbacks: Vec<CallbackAttr>,
    /// `status = 202`: the success status of a plain body, and the token it was written at.
    pub status: Option<(u16, LitInt)>,
}

/// `callback(name = "<expression>", description = "..", method = "post", body = T, responses(..))`
pub struct CallbackAttr {
    pub name: Ident,
    pub expression: LitStr,
    pub description: Option<LitStr>,
    pub method: Option<Method>,
    pub body: Option<syn::Type>,
    pub responses: Vec<ResponseAttr>,
}

pub struct ResponseAttr {
    pub status: u16,
    pub description: LitStr,
    pub body: Option<syn::Type>,
    pub headers: Vec<HeaderAttr>,
}

pub struct HeaderAttr {
    pub name: LitStr,
    pub description: Option<LitStr>,
    pub format: Option<LitStr>,
}

/// The attribute's tokens, as comma-separated items after the path.
struct Items(Punctuated<syn::Meta, Token![,]>, Option<LitStr>);

impl Parse for Items {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path = if input.peek(LitStr) {
            let p: LitStr = input.parse()?;
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
            Some(p)
        } else {
            None
        };
        Ok(Items(Punctuated::parse_terminated(input)?, path))
    }
}

pub fn parse(cx: &Ctxt, tokens: proc_macro2::TokenStream, macro_span: Span) -> OperationAttrs {
    let mut out = OperationAttrs::default();
    let items = match syn::parse2::<Items>(tokens) {
        Ok(items) => items,
        Err(e) => {
            cx.syn_error(e);
            return out;
        }
    };
    out.path = items.1;
    if out.path.is_none() {
        cx.error_at(
            macro_span,
            "the first argument must be the path template, for example `#[ringback::get(\"/orders/{orderId}\")]`",
        );
    }
    let mut seen: Vec<String> = Vec::new();
    for meta in items.0 {
        let key = key_of(&meta);
        if key != RESPONSES && key != SECURITY && key != CALLBACK {
            if seen.contains(&key) {
                cx.error_spanned_by(meta.path(), format!("`{key}` is given twice; keep one"));
            }
            seen.push(key.clone());
        }
        let result = match key.as_str() {
            OPERATION_ID => string(&meta).map(|s| {
                if !s
                    .value()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                    || s.value().is_empty()
                {
                    cx.error_spanned_by(
                        &s,
                        "an operation id may use only letters, digits, `_`, `-` and `.`",
                    );
                }
                out.operation_id = Some(s)
            }),
            TAG => string(&meta).map(|s| out.tags.push(s)),
            TAGS => strings(&meta).map(|list| out.tags.extend(list)),
            SUMMARY => string(&meta).map(|s| out.summary = Some(s)),
            DESCRIPTION => string(&meta).map(|s| out.description = Some(s)),
            DEPRECATED => flag(&meta).map(|()| out.deprecated = true),
            READ_ONLY => string(&meta).and_then(|s| {
                let reject = match s.value().as_str() {
                    "strip" => false,
                    "reject" => true,
                    _ => {
                        return Err(syn::Error::new_spanned(
                            &s,
                            "`read_only` is either \"strip\" (the default) or \"reject\"",
                        ))
                    }
                };
                out.read_only = Some((reject, s.span()));
                Ok(())
            }),
            RESPONSES => responses(cx, &meta).map(|r| out.responses.extend(r)),
            STATUS => success_status(&meta).map(|s| out.status = Some(s)),
            SECURITY => security(&meta).map(|s| out.security.push(s)),
            PUBLIC => flag(&meta).map(|()| out.public = Some(meta.path().clone())),
            CALLBACK => callback(cx, &meta).map(|c| {
                if let Some(c) = c {
                    if out.callbacks.iter().any(|other| other.name == c.name) {
                        cx.error_spanned_by(
                            &c.name,
                            format!("the callback `{}` is declared twice on this operation; give each callback its own name", c.name),
                        );
                    } else {
                        out.callbacks.push(c);
                    }
                }
            }),
            _ => {
                cx.error_spanned_by(meta.path(), unknown_key_message("operation", &key, OPERATION_KEYS));
                Ok(())
            }
        };
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// The key of one item of the attribute, `""` when it is not a plain name.
fn key_of(meta: &syn::Meta) -> String {
    meta.path()
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default()
}

/// An unknown key inside a `responses(...)` entry or a `header(...)`.
fn unknown_key(key: &Ident, kind: &str, known: &[&str]) -> syn::Error {
    syn::Error::new(
        key.span(),
        unknown_key_message(kind, &key.to_string(), known),
    )
}

fn string(meta: &syn::Meta) -> syn::Result<LitStr> {
    let key = key_of(meta);
    match meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Ok(s.clone()),
            other => Err(syn::Error::new_spanned(
                other,
                format!("`{key}` takes a string, for example `{key} = \"...\"`"),
            )),
        },
        _ => Err(syn::Error::new_spanned(
            meta,
            format!("`{key}` takes a string, for example `{key} = \"...\"`"),
        )),
    }
}

/// `status = 202`: a 2xx status that has a body (204 and 205 have none: return `NoContent`).
fn success_status(meta: &syn::Meta) -> syn::Result<(u16, LitInt)> {
    let literal = match meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }),
            ..
        }) => i.clone(),
        syn::Meta::NameValue(nv) => {
            return Err(syn::Error::new_spanned(
                &nv.value,
                "`status` takes a status code, for example `status = 202`",
            ))
        }
        _ => {
            return Err(syn::Error::new_spanned(
                meta,
                "`status` takes a status code, for example `status = 202`",
            ))
        }
    };
    match literal.base10_parse::<u16>() {
        Ok(204 | 205) => Err(syn::Error::new_spanned(
            &literal,
            "a 204 or 205 response has no body; return `NoContent` and drop `status`",
        )),
        Ok(status @ 200..=299) => Ok((status, literal)),
        _ => Err(syn::Error::new_spanned(
            &literal,
            "`status` is the success status, from 200 to 299, such as `status = 202`; declare error statuses with `responses(404 = \"...\")` and return them as `ApiError`",
        )),
    }
}

fn strings(meta: &syn::Meta) -> syn::Result<Vec<LitStr>> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated)?;
    Ok(items.into_iter().collect())
}

fn flag(meta: &syn::Meta) -> syn::Result<()> {
    match meta {
        syn::Meta::Path(_) => Ok(()),
        _ => {
            let key = key_of(meta);
            Err(syn::Error::new_spanned(
                meta,
                format!("`{key}` is a flag and takes no value; write `{key}`"),
            ))
        }
    }
}

/// `responses(201 = "Created", 409 = "Conflict", 200(description = "...", body = T, header(name = "X", ...)))`
fn responses(cx: &Ctxt, meta: &syn::Meta) -> syn::Result<Vec<ResponseAttr>> {
    let list = meta.require_list()?;
    let entries = list.parse_args_with(Punctuated::<ResponseEntry, Token![,]>::parse_terminated)?;
    let mut out: Vec<ResponseAttr> = Vec::new();
    for entry in entries {
        let status: u16 = match entry.status.base10_parse::<u16>() {
            Ok(s) if (100..=599).contains(&s) => s,
            _ => {
                cx.error_spanned_by(
                    &entry.status,
                    "an HTTP status code is a number from 100 to 599, such as `200` or `404`",
                );
                continue;
            }
        };
        if out.iter().any(|r| r.status == status) {
            cx.error_spanned_by(
                &entry.status,
                format!("the status {status} is declared twice; keep one"),
            );
            continue;
        }
        out.push(ResponseAttr {
            status,
            description: entry.description,
            body: entry.body,
            headers: entry.headers,
        });
    }
    Ok(out)
}

struct ResponseEntry {
    status: LitInt,
    description: LitStr,
    body: Option<syn::Type>,
    headers: Vec<HeaderAttr>,
}

impl Parse for ResponseEntry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let status: LitInt = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a status code, as in `responses(201 = \"Created\")`",
            )
        })?;
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            let description: LitStr = input.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "a response's description is a string, as in `201 = \"Created\"`",
                )
            })?;
            return Ok(ResponseEntry {
                status,
                description,
                body: None,
                headers: Vec::new(),
            });
        }
        let content;
        syn::parenthesized!(content in input);
        let mut description = None;
        let mut body = None;
        let mut headers = Vec::new();
        while !content.is_empty() {
            let key: Ident = content.parse()?;
            match key.to_string().as_str() {
                DESCRIPTION => {
                    content.parse::<Token![=]>()?;
                    description = Some(content.parse()?);
                }
                BODY => {
                    content.parse::<Token![=]>()?;
                    body = Some(content.parse()?);
                }
                HEADER => {
                    let inner;
                    syn::parenthesized!(inner in content);
                    headers.push(header(&inner)?);
                }
                _ => return Err(unknown_key(&key, "response", RESPONSE_KEYS)),
            }
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        let description = description.ok_or_else(|| {
            syn::Error::new(
                status.span(),
                "a response needs a description: `description = \"...\"`",
            )
        })?;
        Ok(ResponseEntry {
            status,
            description,
            body,
            headers,
        })
    }
}

fn header(input: ParseStream) -> syn::Result<HeaderAttr> {
    let mut name = None;
    let mut description = None;
    let mut format = None;
    while !input.is_empty() {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value: LitStr = input.parse()?;
        match key.to_string().as_str() {
            NAME => name = Some(value),
            DESCRIPTION => description = Some(value),
            FORMAT => format = Some(value),
            _ => return Err(unknown_key(&key, "header", HEADER_KEYS)),
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    let name = name
        .ok_or_else(|| input.error("a header needs a name: `header(name = \"X-Rate-Limit\")`"))?;
    Ok(HeaderAttr {
        name,
        description,
        format,
    })
}

/// `security(bearer)`, `security(oauth = ["read", "write"], api_key)`: one alternative.
fn security(meta: &syn::Meta) -> syn::Result<Vec<(String, Vec<String>)>> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<SecurityItem, Token![,]>::parse_terminated)?;
    Ok(items.into_iter().map(|i| (i.0, i.1)).collect())
}

struct SecurityItem(String, Vec<String>);

impl Parse for SecurityItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = if input.peek(LitStr) {
            input.parse::<LitStr>()?.value()
        } else {
            input.parse::<Ident>()?.to_string()
        };
        let mut scopes = Vec::new();
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            let content;
            syn::bracketed!(content in input);
            let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
            scopes = list.into_iter().map(|s| s.value()).collect();
        }
        Ok(SecurityItem(name, scopes))
    }
}

fn callback(cx: &Ctxt, meta: &syn::Meta) -> syn::Result<Option<CallbackAttr>> {
    let list = meta.require_list()?;
    let items = list.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)?;
    let mut items = items.into_iter();
    let first = items.next().ok_or_else(|| {
        syn::Error::new_spanned(
            list,
            "a callback starts with its name and expression: `callback(orderStatusChange = \"{$request.body#/callbackUrl}\", ...)`",
        )
    })?;
    let (name, expression) = match &first {
        syn::Meta::NameValue(nv) => match (nv.path.get_ident(), &nv.value) {
            (Some(name), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) => (name.clone(), s.clone()),
            _ => return Err(syn::Error::new_spanned(&first, "expected `name = \"<runtime expression>\"`, as in `orderStatusChange = \"{$request.body#/callbackUrl}\"`")),
        },
        _ => return Err(syn::Error::new_spanned(&first, "expected `name = \"<runtime expression>\"`, as in `orderStatusChange = \"{$request.body#/callbackUrl}\"`")),
    };
    let mut out = CallbackAttr {
        name,
        expression,
        description: None,
        method: None,
        body: None,
        responses: Vec::new(),
    };
    for item in items {
        let key = key_of(&item);
        let result = match key.as_str() {
            DESCRIPTION => string(&item).map(|s| out.description = Some(s)),
            METHOD => string(&item).and_then(|s| match Method::from_name(&s.value()) {
                Some(method) => {
                    out.method = Some(method);
                    Ok(())
                }
                None => Err(syn::Error::new_spanned(&s, "a callback's method is one of \"post\" (the default), \"put\", \"patch\", \"get\" or \"delete\"")),
            }),
            BODY => match &item {
                syn::Meta::NameValue(nv) => syn::parse2::<syn::Type>(quote::ToTokens::to_token_stream(&nv.value))
                    .map(|t| out.body = Some(t)),
                _ => Err(syn::Error::new_spanned(&item, "`body` takes a type: `body = OrderStatusChange`")),
            },
            RESPONSES => responses(cx, &item).map(|r| out.responses.extend(r)),
            _ => {
                cx.error_spanned_by(item.path(), unknown_key_message("callback", &key, CALLBACK_KEYS));
                Ok(())
            }
        };
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    Ok(Some(out))
}
