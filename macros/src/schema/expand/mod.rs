//! The model to code, split by what is generated: the const `shape`, the OpenAPI `schema`,
//! `validate`, and readOnly/writeOnly `visibility`. Everything generated names the runtime by
//! absolute path (`::ringback::__private::...`, or the path `#[schema(crate = "...")]` gives)
//! and calls trait methods in fully qualified form, so it compiles in any scope.

mod schema;
mod shape;
mod validate;
mod visibility;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

use super::model::*;
use visibility::Strip;

pub fn expand(cont: &Container, body: &Body) -> TokenStream {
    let rb = &Private::new(cont);
    let mut patterns = Patterns::new(cont, rb);
    let shape = shape::shape(rb, cont, body);
    let schema = schema::schema_fn(rb, cont, body, &mut patterns);
    let write_name = schema::write_name_fn(rb, cont);
    let validate = validate::validate_fn(rb, body, &mut patterns);
    let strip_read_only = visibility::strip_fn(rb, body, Strip::ReadOnly);
    let strip_write_only = visibility::strip_fn(rb, body, Strip::WriteOnly);
    let clear_read_only = visibility::clear_fn(rb, body);
    let statics = &patterns.statics;
    let items = quote! {
        fn schema(
            __components: &mut #rb::Components,
        ) -> #rb::SchemaObject {
            #schema
        }

        #write_name

        fn validate(&self, __v: &mut #rb::Validator) {
            #validate
        }

        fn strip_read_only(
            __value: &mut #rb::Value,
            __removed: &mut #rb::Removed,
        ) {
            #strip_read_only
        }

        fn strip_write_only(__value: &mut #rb::Value) {
            #strip_write_only
        }

        #clear_read_only
    };
    impls(rb, cont, quote!(#(#statics)*), shape, items)
}

/// What a failed derive still emits, so that the rest of the crate compiles and the user sees
/// the real error rather than "`T: Schema` is not satisfied" wherever the type is used.
pub fn fallback(cont: &Container) -> TokenStream {
    let rb = &Private::new(cont);
    // The real shape where the body was understood: the errors are about rules, not about
    // what the JSON looks like, and a `Shape::Any` would make every compile-time check that
    // reads this type fail a second time with a message about the stand-in.
    let shape = match &cont.body {
        Some(body) => shape::shape(rb, cont, body),
        None => quote!(&#rb::Shape::Any),
    };
    let items = quote! {
        fn schema(_: &mut #rb::Components) -> #rb::SchemaObject {
            #rb::empty_schema()
        }
    };
    impls(rb, cont, TokenStream::new(), shape, items)
}

/// The `Named` and `Schema` impls, inside `const _: () = { ... };` with the statics they use.
fn impls(
    rb: &Private,
    cont: &Container,
    statics: TokenStream,
    shape: TokenStream,
    items: TokenStream,
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = split_generics(rb, cont.generics);
    let ident = cont.ident;
    let name = ident.to_string();
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_variables, unused_mut, clippy::all)]
        const _: () = {
            #statics

            #[automatically_derived]
            impl #impl_generics #rb::Named for #ident #ty_generics #where_clause {
                const NAME: &'static str = #name;
            }

            #[automatically_derived]
            impl #impl_generics #rb::Schema for #ident #ty_generics #where_clause {
                const SHAPE: &'static #rb::Shape = #shape;

                #items
            }
        };
    }
}

/// The impl's generics, each type parameter bound by `Schema`.
fn split_generics(
    rb: &Private,
    generics: &syn::Generics,
) -> (TokenStream, TokenStream, TokenStream) {
    let mut generics = generics.clone();
    let params: Vec<syn::Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for p in params {
        where_clause
            .predicates
            .push(syn::parse_quote!(#p: #rb::Schema));
    }
    let (i, t, w) = generics.split_for_impl();
    (
        i.to_token_stream(),
        t.to_token_stream(),
        w.to_token_stream(),
    )
}

/// The path generated code names the runtime's private API by: `::ringback::__private`, or the
/// same under the path `#[schema(crate = "...")]` gives.
#[derive(Clone)]
pub(super) struct Private(TokenStream);

impl Private {
    fn new(cont: &Container) -> Self {
        Private(match &cont.krate {
            Some(path) => quote!(#path::__private),
            None => quote!(::ringback::__private),
        })
    }

    /// The path spanned at `span`, for code whose errors are reported there.
    pub(super) fn at(&self, span: Span) -> TokenStream {
        respan(&self.0, span)
    }
}

impl ToTokens for Private {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.0.to_tokens(tokens);
    }
}

/// The same tokens, spanned at `span`, so that a type error in them is reported there.
pub(super) fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}

/// One static per pattern, compiled on first use.
pub(super) struct Patterns {
    /// The type the patterns belong to, for panic messages.
    owner: String,
    rb: Private,
    statics: Vec<TokenStream>,
    names: Vec<(String, syn::Ident)>,
}

impl Patterns {
    fn new(cont: &Container, rb: &Private) -> Self {
        Patterns {
            owner: cont.ident.to_string(),
            rb: rb.clone(),
            statics: Vec::new(),
            names: Vec::new(),
        }
    }

    pub(super) fn get(&mut self, lit: &syn::LitStr, field: &str) -> syn::Ident {
        let owner = format!("{}.{field}", self.owner);
        let key = format!("{owner}\u{0}{}", lit.value());
        if let Some((_, ident)) = self.names.iter().find(|(k, _)| *k == key) {
            return ident.clone();
        }
        let ident = format_ident!("__RINGBACK_PATTERN_{}", self.names.len());
        let rb = &self.rb;
        self.statics.push(quote! {
            static #ident: #rb::rules::Pattern =
                #rb::rules::Pattern::new(#lit, #owner);
        });
        self.names.push((key, ident.clone()));
        ident
    }
}
