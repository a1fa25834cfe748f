//! `#[derive(Schema)]`: parse -> model -> check -> expand.

mod check;
mod expand;
pub mod model;
mod parse;
mod pattern;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let container = parse::container(&cx, input);
    if let Some(container) = &container {
        check::container(&cx, container);
    }
    match (container, cx.check()) {
        (Some(container), Ok(())) => expand::expand(&container),
        (_, Err(errors)) => {
            let mut out = errors;
            out.extend(expand::fallback(input));
            out
        }
        (None, Ok(())) => expand::fallback(input),
    }
}
