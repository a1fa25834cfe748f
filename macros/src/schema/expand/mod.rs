//! The model to code, split by what is generated: the const `shape`, the OpenAPI `schema`,
//! `validate`, and readOnly/writeOnly `visibility`. Everything generated names
//! `::ringback::__private::...` by absolute path and calls trait methods in fully qualified
//! form, so it compiles in any scope.

mod schema;
mod shape;
mod validate;
mod visibility;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::model::*;
use visibility::Strip;

pub fn expand(cont: &Container) -> TokenStream {
    let mut patterns = Patterns {
        owner: cont.ident.to_string(),
        ..Patterns::default()
    };
    let shape = shape::shape(cont);
    let schema = schema::schema_fn(cont, &mut patterns);
    let validate = validate::validate_fn(cont, &mut patterns);
    let strip_read_only = visibility::strip_fn(cont, Strip::ReadOnly);
    let strip_write_only = visibility::strip_fn(cont, Strip::WriteOnly);
    let clear_read_only = visibility::clear_fn(cont);
    let statics = &patterns.statics;
    let (impl_generics, ty_generics, where_clause) = split_generics(cont);
    let ident = cont.ident;
    let name = ident.to_string();
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_variables, unused_mut, clippy::all)]
        const _: () = {
            #(#statics)*

            #[automatically_derived]
            impl #impl_generics ::ringback::__private::Named for #ident #ty_generics #where_clause {
                const NAME: &'static str = #name;
            }

            #[automatically_derived]
            impl #impl_generics ::ringback::__private::Schema for #ident #ty_generics #where_clause {
                const SHAPE: &'static ::ringback::__private::Shape = #shape;

                fn schema(
                    __components: &mut ::ringback::__private::Components,
                ) -> ::ringback::__private::SchemaObject {
                    #schema
                }

                fn validate(&self, __v: &mut ::ringback::__private::Validator) {
                    #validate
                }

                fn strip_read_only(
                    __value: &mut ::ringback::__private::Value,
                    __removed: &mut ::ringback::__private::Removed,
                ) {
                    #strip_read_only
                }

                fn strip_write_only(__value: &mut ::ringback::__private::Value) {
                    #strip_write_only
                }

                #clear_read_only
            }
        };
    }
}

/// What a failed derive still emits, so that the rest of the crate compiles and the user sees
/// the real error rather than "`T: Schema` is not satisfied" wherever the type is used.
pub fn fallback(input: &syn::DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let mut generics = input.generics.clone();
    add_bounds(&mut generics);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = ident.to_string();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::ringback::__private::Named for #ident #ty_generics #where_clause {
                const NAME: &'static str = #name;
            }
            #[automatically_derived]
            impl #impl_generics ::ringback::__private::Schema for #ident #ty_generics #where_clause {
                const SHAPE: &'static ::ringback::__private::Shape = &::ringback::__private::Shape::Any;
                fn schema(
                    _: &mut ::ringback::__private::Components,
                ) -> ::ringback::__private::SchemaObject {
                    ::ringback::__private::empty_schema()
                }
            }
        };
    }
}

fn split_generics(cont: &Container) -> (TokenStream, TokenStream, TokenStream) {
    let mut generics = cont.generics.clone();
    add_bounds(&mut generics);
    let (i, t, w) = generics.split_for_impl();
    (
        i.to_token_stream(),
        t.to_token_stream(),
        w.to_token_stream(),
    )
}

fn add_bounds(generics: &mut syn::Generics) {
    let params: Vec<syn::Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for p in params {
        where_clause
            .predicates
            .push(syn::parse_quote!(#p: ::ringback::__private::Schema));
    }
}

/// One static per pattern, compiled on first use.
#[derive(Default)]
pub(super) struct Patterns {
    /// The type the patterns belong to, for panic messages.
    owner: String,
    statics: Vec<TokenStream>,
    names: Vec<(String, syn::Ident)>,
}

impl Patterns {
    pub(super) fn get(&mut self, lit: &syn::LitStr, field: &str) -> syn::Ident {
        let owner = format!("{}.{field}", self.owner);
        let key = format!("{owner}\u{0}{}", lit.value());
        if let Some((_, ident)) = self.names.iter().find(|(k, _)| *k == key) {
            return ident.clone();
        }
        let ident = format_ident!("__RINGBACK_PATTERN_{}", self.names.len());
        self.statics.push(quote! {
            static #ident: ::ringback::__private::rules::Pattern =
                ::ringback::__private::rules::Pattern::new(#lit, #owner);
        });
        self.names.push((key, ident.clone()));
        ident
    }
}
