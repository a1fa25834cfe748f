//! `#[ringback::get/put/post/delete/patch]`: parse -> model -> check -> expand.

mod attr;
mod expand;
mod signature;
mod template;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;

#[derive(Clone, Copy)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
}

impl Method {
    pub fn variant(self) -> TokenStream {
        match self {
            Method::Get => quote!(Get),
            Method::Put => quote!(Put),
            Method::Post => quote!(Post),
            Method::Delete => quote!(Delete),
            Method::Patch => quote!(Patch),
        }
    }
}

/// The checked declaration, ready to expand.
pub struct Declaration<'a> {
    pub method: Method,
    pub attrs: attr::OperationAttrs,
    pub path: syn::LitStr,
    pub template: Vec<String>,
    pub handler: signature::Handler<'a>,
    /// For each argument, the callback it is bound to, if it is a `Callback`.
    pub bindings: Vec<Option<usize>>,
    /// For each callback, its body type (declared, or from its argument).
    pub callback_bodies: Vec<syn::Type>,
}

pub fn expand(method: Method, args: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let mut out = syn::Error::new(
                e.span(),
                "#[ringback::get/post/...] goes on an `async fn` handler",
            )
            .to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let cx = Ctxt::new();
    let attrs = attr::parse(&cx, args, Span::call_site());
    let handler = signature::parse(&cx, &func);
    let template = match &attrs.path {
        Some(path) => match template::parse(&path.value()) {
            Ok(params) => params,
            Err(message) => {
                cx.error_spanned_by(path, format!("invalid path template: {message}"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    check(&cx, method, &attrs, &handler);
    let (bindings, callback_bodies) = bind_callbacks(&cx, &attrs, &handler);
    let path = attrs.path.clone();
    match (cx.check(), path) {
        (Ok(()), Some(path)) => expand::operation(&Declaration {
            method,
            attrs,
            path,
            template,
            handler,
            bindings,
            callback_bodies,
        }),
        (Err(errors), _) => {
            let mut out = errors;
            out.extend(expand::fallback(&func));
            out
        }
        (Ok(()), None) => expand::fallback(&func),
    }
}

/// Checks that need the attribute and the signature together.
fn check(cx: &Ctxt, method: Method, attrs: &attr::OperationAttrs, handler: &signature::Handler) {
    for arg in &handler.args {
        let is_body =
            matches!(arg.type_name().as_deref(), Some("Body")) || is_option_of(arg.ty, "Body");
        if is_body && matches!(method, Method::Get | Method::Delete) {
            cx.error_spanned_by(
                arg.ty,
                format!(
                    "`{}` reads a request body, but GET and DELETE requests carry none that servers may rely on; read `Query<T>` parameters instead, or use POST or PUT",
                    arg.name
                ),
            );
        }
    }
    let bodies: Vec<_> = handler
        .args
        .iter()
        .filter(|a| matches!(a.type_name().as_deref(), Some("Body")) || is_option_of(a.ty, "Body"))
        .collect();
    if bodies.len() > 1 {
        cx.error_spanned_by(
            bodies[1].ty,
            "a request has one body; read it with a single `Body<T>` argument",
        );
    }
    let _ = attrs;
}

/// The `T` of `Callback<T>` or `Option<Callback<T>>`, if the argument is a callback.
pub fn callback_payload(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let first = args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })?;
    match last.ident.to_string().as_str() {
        "Callback" => Some(first),
        "Option" => callback_payload(first),
        _ => None,
    }
}

/// Binds each `Callback` argument to a declared callback: the one named like it, or the only
/// one. Returns the bindings and each callback's body type.
fn bind_callbacks(
    cx: &Ctxt,
    attrs: &attr::OperationAttrs,
    handler: &signature::Handler,
) -> (Vec<Option<usize>>, Vec<syn::Type>) {
    let callbacks = &attrs.callbacks;
    let names: Vec<String> = callbacks.iter().map(|c| c.name.to_string()).collect();
    let mut bindings = Vec::new();
    let mut bound: Vec<Option<&syn::Type>> = vec![None; callbacks.len()];
    for arg in &handler.args {
        let Some(payload) = callback_payload(arg.ty) else {
            bindings.push(None);
            continue;
        };
        let normalize = |s: &str| s.replace(['_', '-'], "").to_ascii_lowercase();
        let by_name = names
            .iter()
            .position(|n| normalize(n) == normalize(&arg.name));
        let index = match (by_name, callbacks.len()) {
            (Some(i), _) => Some(i),
            (None, 1) => Some(0),
            (None, 0) => {
                cx.error_spanned_by(
                    arg.ty,
                    format!(
                        "`{}` is a callback, but the operation declares none; add `callback({} = \"{{$request.body#/callbackUrl}}\")` to the attribute",
                        arg.name,
                        expand::camel_case(&arg.name)
                    ),
                );
                None
            }
            (None, _) => {
                cx.error_spanned_by(
                    arg.ty,
                    format!(
                        "`{}` is a callback, but the operation declares several and none is named like it; name the argument after one of: {}",
                        arg.name,
                        names.join(", ")
                    ),
                );
                None
            }
        };
        if let Some(i) = index {
            if bound[i].is_some() {
                cx.error_spanned_by(
                    arg.ty,
                    format!(
                        "the callback `{}` is already bound to another argument; take it once",
                        names[i]
                    ),
                );
            }
            bound[i] = Some(payload);
        }
        bindings.push(index);
    }
    let bodies = callbacks
        .iter()
        .zip(&bound)
        .map(|(c, arg)| match (&c.body, arg) {
            (Some(body), _) => body.clone(),
            (None, Some(payload)) => (*payload).clone(),
            (None, None) => {
                cx.error_spanned_by(
                    &c.name,
                    format!(
                        "the callback `{}` needs a body type: declare `body = T`, or take a `Callback<T>` argument",
                        c.name
                    ),
                );
                syn::parse_quote!(())
            }
        })
        .collect();
    (bindings, bodies)
}

pub fn is_option_of(ty: &syn::Type, inner: &str) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    if last.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args.iter().any(|a| match a {
        syn::GenericArgument::Type(syn::Type::Path(tp)) => {
            tp.path.segments.last().is_some_and(|s| s.ident == inner)
        }
        _ => false,
    })
}
