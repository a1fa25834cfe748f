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

#[cfg(test)]
mod tests {
    use quote::quote;

    fn derive(input: proc_macro2::TokenStream) -> String {
        super::derive(&syn::parse2(input).unwrap()).to_string()
    }

    #[test]
    fn generated_code_names_only_the_private_path() {
        let out = derive(quote! {
            enum GetOrder<T> {
                #[response(status = 200)]
                Found(T),
                #[response(status = 202)]
                Pending {
                    #[response(header = "Retry-After")]
                    retry_after: Option<u32>,
                },
                #[response(status = 304)]
                NotModified,
            }
        });
        let mut rest = out.as_str();
        while let Some(at) = rest.find(":: ringback ::") {
            rest = &rest[at + ":: ringback ::".len()..];
            assert!(rest.starts_with(" __private ::"), "{out}");
        }
        assert!(out.contains("IntoApiResponse for GetOrder < T >"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn every_error_is_reported_and_the_impl_is_still_emitted() {
        let out = derive(quote! {
            enum GetOrder {
                #[response(status = 200)]
                Found(String, String),
                Missing,
                #[response(status = 200)]
                Again,
            }
        });
        assert_eq!(out.matches("compile_error").count(), 3, "{out}");
        assert!(out.contains("IntoApiResponse for GetOrder"), "{out}");
    }

    #[test]
    fn the_body_of_the_only_success_variant_is_the_one_callbacks_read() {
        let one = derive(quote! {
            enum A {
                #[response(status = 201)]
                Made(Order),
                #[response(status = 400)]
                Bad(Reason),
            }
        });
        assert!(one.contains("< Order as :: ringback :: __private :: ResponseBody > :: SHAPE"));
        assert!(one.contains("status (201u16)"), "{one}");
        let two = derive(quote! {
            enum B {
                #[response(status = 200)]
                Found(Order),
                #[response(status = 202)]
                Queued(Ticket),
            }
        });
        assert!(two.contains("const BODY : :: ringback :: __private :: Option < & 'static :: ringback :: __private :: Shape > = :: ringback :: __private :: None"), "{two}");
    }
}
