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
    let path = attrs.path.clone();
    match (cx.check(), path) {
        (Ok(()), Some(path)) => expand::operation(&Declaration {
            method,
            attrs,
            path,
            template,
            handler,
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
