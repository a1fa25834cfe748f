//! `#[ringback::get/put/post/delete/patch]`: parse -> model -> check -> expand.

mod check;
mod expand;
pub mod model;
mod parse;
mod template;

use proc_macro2::TokenStream;

use crate::ctxt::{self, Ctxt};

/// `method` is the attribute's name: `post` for `#[ringback::post]`.
pub fn expand(method: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    let method = model::Method::from_name(method).expect("every operation macro is a method");
    let func = match parse::function(item.clone()) {
        Ok(func) => func,
        Err(error) => {
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let cx = Ctxt::new();
    let decl = parse::declaration(&cx, method, args, &func);
    check::declaration(&cx, &decl);
    match (cx.check(), &decl.attrs.path) {
        (Ok(()), Some(path)) => expand::operation(&decl, path),
        (checked, _) => ctxt::errors_then(checked, expand::fallback(&func)),
    }
}
