//! The attribute's arguments and the handler function to the model.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;

use super::model::*;
use super::template;
use crate::attr;
use crate::case;
use crate::ctxt::Ctxt;

/// The item the attribute is on, which must be a function.
pub fn function(item: TokenStream) -> syn::Result<syn::ItemFn> {
    syn::parse2(item).map_err(|e| {
        syn::Error::new(
            e.span(),
            "#[ringback::get/post/...] goes on an `async fn` handler",
        )
    })
}

pub fn declaration<'a>(
    cx: &Ctxt,
    method: Method,
    args: TokenStream,
    func: &'a syn::ItemFn,
) -> Declaration<'a> {
    let attrs = attr::operation::parse(cx, args, Span::call_site());
    let handler = handler(cx, func);
    let template = match &attrs.path {
        Some(path) => template::parse(&path.value()).unwrap_or_else(|message| {
            cx.error_spanned_by(path, format!("invalid path template: {message}"));
            Vec::new()
        }),
        None => Vec::new(),
    };
    let bindings = bindings(&attrs, &handler);
    Declaration {
        method,
        attrs,
        template,
        handler,
        bindings,
    }
}

/// The handler must be a plain `async fn` whose arguments are extractors.
fn handler<'a>(cx: &Ctxt, func: &'a syn::ItemFn) -> Handler<'a> {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        cx.error_spanned_by(
            sig.fn_token,
            format!(
                "a handler must be an `async fn`; write `async fn {}(...)`",
                sig.ident
            ),
        );
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            "a handler cannot be generic: its arguments and return type decide how requests are read and answered; use concrete types",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, "a handler cannot be variadic");
    }
    let mut args = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => cx.error_spanned_by(
                r,
                "a handler is a free function, not a method; remove `self`",
            ),
            syn::FnArg::Typed(t) => match arg_name(&t.pat) {
                Some(name) => args.push(Arg {
                    name,
                    ty: &t.ty,
                    doc: attr::doc_comment(&t.attrs),
                }),
                None => cx.error_spanned_by(
                    &t.pat,
                    "name this argument with an identifier (`customer_id: Path<Uuid>`) or one extractor pattern (`Path(customer_id): Path<Uuid>`): path and query parameters are matched by name",
                ),
            },
        }
    }
    let output = match &sig.output {
        syn::ReturnType::Default => syn::parse_quote_spanned!(sig.span()=> ()),
        syn::ReturnType::Type(_, ty) => (**ty).clone(),
    };
    Handler { func, args, output }
}

/// `name`, `mut name`, `_name`, or `Extractor(name)`.
fn arg_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string().trim_start_matches("r#").to_owned()),
        syn::Pat::TupleStruct(t) if t.elems.len() == 1 => arg_name(&t.elems[0]),
        _ => None,
    }
}

/// Each `Callback` argument's callback: the one named like it, or the only one. `check` says
/// why an argument is left unbound.
fn bindings(attrs: &attr::operation::OperationAttrs, handler: &Handler) -> Vec<Option<usize>> {
    let callbacks = &attrs.callbacks;
    handler
        .args
        .iter()
        .map(|arg| {
            arg.callback_payload()?;
            let by_name = callbacks
                .iter()
                .position(|c| case::names_match(&arg.name, &c.name.to_string()));
            by_name.or((callbacks.len() == 1).then_some(0))
        })
        .collect()
}
