//! `#[derive(ApiResponse)]`: parse -> model -> check -> expand.

mod check;
mod expand;
mod model;
mod parse;

use proc_macro2::TokenStream;

use crate::ctxt::{self, Ctxt};

pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let model = parse::container(&cx, input);
    check::container(&cx, &model);
    match cx.check() {
        Ok(()) => expand::expand(&model),
        checked => ctxt::errors_then(checked, expand::fallback(&model)),
    }
}
