//! `#[derive(Schema)]`: parse -> model -> check -> expand.

mod check;
mod expand;
pub mod model;
mod parse;
mod pattern;

use proc_macro2::TokenStream;

use crate::ctxt::{self, Ctxt};

pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let container = parse::container(&cx, input);
    check::container(&cx, &container);
    match (cx.check(), &container.body) {
        (Ok(()), Some(body)) => expand::expand(&container, body),
        (checked, _) => ctxt::errors_then(checked, expand::fallback(&container)),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn derive(input: proc_macro2::TokenStream) -> String {
        super::derive(&syn::parse2(input).unwrap()).to_string()
    }

    #[test]
    fn a_crate_path_replaces_ringback_in_everything_generated() {
        let out = derive(quote! {
            #[schema(crate = "reexport::rb")]
            #[serde(tag = "kind")]
            enum Event<T> {
                Placed {
                    #[schema(read_only)]
                    id: Option<u64>,
                    #[schema(min_length = 1, pattern = "^a", format = "uri")]
                    url: String,
                    next: Option<Box<Event<T>>>,
                    payload: T,
                },
            }
        });
        assert!(!out.contains(":: ringback"), "{out}");
        for expected in [
            "reexport :: rb :: __private :: Schema",
            "reexport :: rb :: __private :: rules :: min_length",
            "reexport :: rb :: __private :: Recursive",
            "reexport :: rb :: __private :: visibility",
        ] {
            assert!(out.contains(expected), "no `{expected}` in {out}");
        }
    }

    #[test]
    fn a_crate_path_serves_the_fallback_too() {
        let out = derive(quote! {
            #[schema(crate = "reexport::rb")]
            union Bits { a: u8 }
        });
        assert!(out.contains("compile_error"), "{out}");
        assert!(!out.contains(":: ringback"), "{out}");
        assert!(
            out.contains("reexport :: rb :: __private :: Schema"),
            "{out}"
        );
    }

    #[test]
    fn a_crate_path_must_be_a_path() {
        for value in [quote!("not a path"), quote!("a::<T>"), quote!("")] {
            let out = derive(quote! {
                #[schema(crate = #value)]
                struct Order { id: u64 }
            });
            assert!(out.contains("`crate` takes the path"), "{out}");
        }
        let out = derive(quote! {
            #[schema(crate = reexport::rb)]
            struct Order { id: u64 }
        });
        assert!(out.contains("`crate` takes a string literal"), "{out}");
    }
}
