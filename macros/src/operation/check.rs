//! Checks that need the attribute and the signature together. What needs the types the handler
//! names is checked by the compiler, through the const checks `expand` writes.

use super::model::*;
use crate::case;
use crate::ctxt::Ctxt;

pub fn declaration(cx: &Ctxt, decl: &Declaration) {
    bodies(cx, decl);
    callbacks(cx, decl);
    authentication(cx, decl);
}

/// An `Auth<P>` argument needs a requirement to satisfy: one the operation names, or the
/// API's default, which `public` turns off.
fn authentication(cx: &Ctxt, decl: &Declaration) {
    let Some(public) = &decl.attrs.public else {
        return;
    };
    if !decl.attrs.security.is_empty() {
        cx.error_spanned_by(
            public,
            "`public` opts out of security, so it cannot stand beside `security(...)`; keep one of them",
        );
    }
    for arg in decl.handler.args.iter().filter(|a| a.is_auth()) {
        cx.error_spanned_by(
            arg.ty,
            format!(
                "`{}` is the authenticated principal, but the operation is `public`, so nobody is authenticated; remove `public` (the API's default security applies) or name a requirement with `security(scheme)`",
                arg.name
            ),
        );
    }
}

fn bodies(cx: &Ctxt, decl: &Declaration) {
    let bodies: Vec<&Arg> = decl
        .handler
        .args
        .iter()
        .filter(|a| a.reads_body())
        .collect();
    if !decl.method.has_body() {
        for arg in &bodies {
            cx.error_spanned_by(
                arg.ty,
                format!(
                    "`{}` reads a request body, but GET and DELETE requests carry none that servers may rely on; read `Query<T>` parameters instead, or use POST or PUT",
                    arg.name
                ),
            );
        }
    }
    for arg in &decl.handler.args {
        if let Some(written) = arg.plain_value().filter(|_| !arg.is_own()) {
            cx.error_spanned_by(
                arg.ty,
                format!(
                    "`{written}` is a value, not an extractor: say where it comes from, as `Path<{written}>` (a path parameter), `Query<{written}>` or `Header<{written}>`",
                ),
            );
        }
        if let Some(name) = arg.foreign_body_reader() {
            cx.error_spanned_by(
                arg.ty,
                format!(
                    "`{name}` reads the request body, which ringback reads, validates and documents itself; take `Body<T>` (T: Deserialize + Schema) instead",
                ),
            );
        }
    }
    if bodies.len() > 1 {
        cx.error_spanned_by(
            bodies[1].ty,
            "a request has one body; read it with a single `Body<T>` argument",
        );
    }
}

/// Every `Callback` argument is bound to one callback of its own, and every callback has a
/// body type.
fn callbacks(cx: &Ctxt, decl: &Declaration) {
    let callbacks = &decl.attrs.callbacks;
    let mut bound = vec![false; callbacks.len()];
    for (arg, binding) in decl.handler.args.iter().zip(&decl.bindings) {
        if arg.callback_payload().is_none() {
            continue;
        }
        match binding {
            Some(i) if bound[*i] => cx.error_spanned_by(
                arg.ty,
                format!(
                    "the callback `{}` is already bound to another argument; take it once",
                    callbacks[*i].name
                ),
            ),
            Some(i) => bound[*i] = true,
            None if callbacks.is_empty() => cx.error_spanned_by(
                arg.ty,
                format!(
                    "`{}` is a callback, but the operation declares none; add `callback({} = \"{{$request.body#/callbackUrl}}\")` to the attribute",
                    arg.name,
                    case::camel_case(&arg.name)
                ),
            ),
            None => {
                let names: Vec<String> = callbacks.iter().map(|c| c.name.to_string()).collect();
                cx.error_spanned_by(
                    arg.ty,
                    format!(
                        "`{}` is a callback, but the operation declares several and none is named like it; name the argument after one of: {}",
                        arg.name,
                        names.join(", ")
                    ),
                );
            }
        }
    }
    for (i, c) in callbacks.iter().enumerate() {
        let reads_response = {
            let e = c.expression.value();
            e.contains("$response.") || e.contains("$statusCode")
        };
        match decl.callback_argument(i) {
            Some(arg) if reads_response && !arg.is_callback_template() => cx.error_spanned_by(
                arg.ty,
                format!(
                    "the `{}` callback's target reads the response, which exists only once the handler answers; take `CallbackTemplate<T>` (or `Option<CallbackTemplate<T>>`) and resolve it in the handler with `.resolve(&body)`",
                    c.name
                ),
            ),
            Some(arg) if !reads_response && arg.is_callback_template() => cx.error_spanned_by(
                arg.ty,
                format!(
                    "the `{}` callback's target reads only the request, so it is resolved before the handler runs; take `Callback<T>` (or `Option<Callback<T>>`)",
                    c.name
                ),
            ),
            None if reads_response => cx.error_spanned_by(
                &c.name,
                format!(
                    "the `{}` callback's target reads the response, so only the handler can resolve it; take an argument `{}: CallbackTemplate<T>` and call `.resolve(&body)` on it",
                    c.name,
                    case::snake_case(&c.name.to_string())
                ),
            ),
            _ => {}
        }
        if decl.callback_body(i).is_none() {
            cx.error_spanned_by(
                &c.name,
                format!(
                    "the callback `{}` needs a body type: declare `body = T`, or take a `Callback<T>` argument",
                    c.name
                ),
            );
        }
    }
}
