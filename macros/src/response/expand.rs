//! The response enum to code: a table of its variants (what the document shows) and a
//! `match` that answers each with its status, body and headers.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::model::*;

pub fn expand(input: &ResponseEnum) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut bounds: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    // Bounds rather than assertions, so that generic fields work too; each is spanned at its
    // field, where the compiler then reports a type that is not a body or header.
    for variant in &input.variants {
        if let Some(body) = &variant.body {
            let ty = body.ty;
            bounds.push(quote_spanned!(ty.span()=> #ty: ::ringback::__private::ResponseBody));
        }
        for header in &variant.headers {
            let ty = header.field.ty;
            bounds.push(quote_spanned!(ty.span()=> #ty: ::ringback::__private::HeaderField));
        }
    }
    let rows = input.variants.iter().map(row);
    let arms = input.variants.iter().map(arm);
    let status = input.primary_status();
    let body = match input.body_variant().and_then(|v| v.body.as_ref()) {
        Some(body) => {
            let ty = body.ty;
            quote!(<#ty as ::ringback::__private::ResponseBody>::SHAPE)
        }
        None => quote!(::ringback::__private::None),
    };
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::ringback::__private::IntoApiResponse for #ident #ty_generics
            where
                #(#bounds,)*
            {
                const STATUS: ::ringback::__private::StatusCode = ::ringback::__private::status(#status);
                const BODY: ::ringback::__private::Option<&'static ::ringback::__private::Shape> = #body;

                fn document(
                    _: ::ringback::__private::StatusCode,
                    __responses: &mut ::ringback::__private::Responses,
                    __components: &mut ::ringback::__private::Components,
                ) {
                    ::ringback::__private::document_variants(
                        const { &[#(#rows),*] },
                        __responses,
                        __components,
                    )
                }

                fn into_api_response(self) -> ::ringback::__private::Response {
                    match self {
                        #(#arms)*
                    }
                }
            }
        };
    }
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::ringback::__private::Some(#s)),
        None => quote!(::ringback::__private::None),
    }
}

/// The variant's row of the table the document is made from.
fn row(variant: &Variant) -> TokenStream {
    let status = variant.status.as_ref().map(|(s, _)| *s).unwrap_or(200);
    let description = opt_str(variant.description.as_deref());
    let content = match &variant.body {
        Some(body) => {
            let ty = body.ty;
            quote!(::ringback::__private::Some(<#ty as ::ringback::__private::ResponseBody>::content))
        }
        None => quote!(::ringback::__private::None),
    };
    let headers = variant.headers.iter().map(|h| {
        let name = &h.name;
        let ty = h.field.ty;
        let description = opt_str(h.description.as_deref());
        let format = opt_str(h.format.as_ref().map(|f| f.value()).as_deref());
        quote! {
            ::ringback::__private::VariantHeader {
                name: #name,
                description: #description,
                format: #format,
                required: <#ty as ::ringback::__private::HeaderField>::REQUIRED,
            }
        }
    });
    quote! {
        ::ringback::__private::ResponseVariant {
            status: #status,
            description: #description,
            content: #content,
            headers: &[#(#headers),*],
        }
    }
}

/// The variant's arm of `into_api_response`.
fn arm(variant: &Variant) -> TokenStream {
    let ident = variant.ident;
    let status = variant.status.as_ref().map(|(s, _)| *s).unwrap_or(200);
    let status = quote!(::ringback::__private::status(#status));
    let header_bindings: Vec<syn::Ident> = (0..variant.headers.len())
        .map(|i| format_ident!("__header{}", i))
        .collect();
    let pattern = match variant.style {
        Style::Unit => quote!(Self::#ident),
        Style::Tuple => quote!(Self::#ident(__body)),
        Style::Named => {
            let body = variant.body.as_ref().map(|b| {
                let member = &b.member;
                quote!(#member: __body,)
            });
            let headers = variant.headers.iter().zip(&header_bindings).map(|(h, b)| {
                let member = &h.field.member;
                quote!(#member: #b,)
            });
            quote!(Self::#ident { #body #(#headers)* })
        }
    };
    let response = match &variant.body {
        Some(body) => {
            let ty = body.ty;
            quote!(<#ty as ::ringback::__private::ResponseBody>::respond(__body, #status))
        }
        None => quote!(::ringback::__private::IntoResponse::into_response(#status)),
    };
    let response = if variant.headers.is_empty() {
        response
    } else {
        let values = variant.headers.iter().zip(&header_bindings).map(|(h, b)| {
            let name = &h.name;
            let ty = h.field.ty;
            quote!((#name, <#ty as ::ringback::__private::HeaderField>::header_value(&#b)))
        });
        quote!(::ringback::__private::with_headers(#response, &[#(#values),*]))
    };
    quote!(#pattern => #response,)
}

/// What a failed derive still emits: an implementation, so that handlers returning the enum
/// report nothing more than the real error.
pub fn fallback(input: &ResponseEnum) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::ringback::__private::IntoApiResponse for #ident #ty_generics #where_clause {
                const STATUS: ::ringback::__private::StatusCode = ::ringback::__private::status(200);
                fn document(
                    _: ::ringback::__private::StatusCode,
                    _: &mut ::ringback::__private::Responses,
                    _: &mut ::ringback::__private::Components,
                ) {}
                fn into_api_response(self) -> ::ringback::__private::Response {
                    ::core::panic!("this response enum did not compile")
                }
            }
        };
    }
}
