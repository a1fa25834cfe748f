//! Procedural macros for ringback. Use them through the `ringback` crate, which re-exports
//! them and provides everything the generated code names (`::ringback::__private`).
//!
//! Each macro is a visible pipeline: `attr` reads attributes into a model, `check` finds
//! every misuse (all of them, each spanned at the user's token), `expand` writes code.
#![forbid(unsafe_code)]

mod attr;
mod case;
mod ctxt;
mod operation;
mod response;
mod schema;
mod symbol;
mod ty;

use proc_macro::TokenStream;

/// Derives `ringback::Schema`; see its documentation in the `ringback` crate.
#[proc_macro_derive(Schema, attributes(schema))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    schema::derive(&input).into()
}

/// Derives `ringback::server::IntoApiResponse` for an enum of responses; see its
/// documentation in the `ringback` crate.
#[proc_macro_derive(ApiResponse, attributes(response))]
pub fn derive_api_response(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    response::derive(&input).into()
}

macro_rules! operation_macros {
    ($($method:ident),*) => {$(
        /// Declares an operation; see the `ringback` crate's documentation of this macro.
        #[proc_macro_attribute]
        pub fn $method(args: TokenStream, item: TokenStream) -> TokenStream {
            operation::expand(stringify!($method), args.into(), item.into()).into()
        }
    )*};
}
operation_macros!(get, put, post, delete, patch);
