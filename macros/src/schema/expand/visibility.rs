//! readOnly and writeOnly: stripping them from JSON, and resetting readOnly fields on a value.

use proc_macro2::TokenStream;
use quote::quote;

use super::Private;
use crate::schema::model::*;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Strip {
    ReadOnly,
    WriteOnly,
}

pub(super) fn strip_fn(rb: &Private, body: &Body, strip: Strip) -> TokenStream {
    match body {
        Body::Struct(fields) => strip_fields(rb, fields, strip),
        Body::Newtype(f) => {
            let ty = f.ty;
            match strip {
                Strip::ReadOnly => {
                    quote!(<#ty as #rb::Schema>::strip_read_only(__value, __removed);)
                }
                Strip::WriteOnly => {
                    quote!(<#ty as #rb::Schema>::strip_write_only(__value);)
                }
            }
        }
        Body::Enum { variants, tagging } => {
            let arms: Vec<TokenStream> = variants
                .iter()
                .filter_map(|v| {
                    let body = match &v.kind {
                        VariantKind::Unit => return None,
                        VariantKind::Newtype(f) => {
                            let ty = f.ty;
                            match strip {
                                Strip::ReadOnly => quote!(<#ty as #rb::Schema>::strip_read_only(__value, __removed);),
                                Strip::WriteOnly => quote!(<#ty as #rb::Schema>::strip_write_only(__value);),
                            }
                        }
                        VariantKind::Struct(fields) => strip_fields(rb, fields, strip),
                    };
                    Some((v, body))
                })
                .map(|(v, body)| {
                    let name = &v.json_name;
                    match tagging {
                        Tagging::External => descend(rb, name, &body, strip),
                        Tagging::Internal { .. } => {
                            quote!(#rb::Some(#name) => { #body })
                        }
                        Tagging::Adjacent { content, .. } => {
                            let inner = descend(rb, content, &body, strip);
                            quote!(#rb::Some(#name) => { #inner })
                        }
                        Tagging::Untagged => quote!(),
                    }
                })
                .collect();
            match tagging {
                Tagging::External => quote!(#(#arms)*),
                Tagging::Internal { tag } | Tagging::Adjacent { tag, .. } => quote! {
                    let __tag = #rb::visibility::tag_of(__value, #tag);
                    match #rb::Option::as_deref(&__tag) {
                        #(#arms)*
                        _ => {}
                    }
                },
                // Which variant a client meant is unknown until parsed; the derive refuses
                // `read_only` here, and write-only data is not stripped from untagged enums.
                Tagging::Untagged => quote!(),
            }
        }
    }
}

/// `clear_read_only` for a struct: each readOnly field reset to what serde gives a missing one,
/// and the same asked of every field whose type has readOnly properties inside. Enums keep
/// the trait's default, which sends their bodies through the JSON pass.
pub(super) fn clear_fn(rb: &Private, body: &Body) -> Option<TokenStream> {
    let fields: &[Field] = match body {
        Body::Struct(fields) => fields,
        Body::Newtype(f) => std::slice::from_ref(&**f),
        Body::Enum { .. } => return None,
    };
    let statements = fields.iter().filter(|f| !f.skip).map(|f| {
        let (ty, member) = (f.ty, &f.member);
        match (f.read_only.is_some() && !f.flatten, f.missing) {
            (true, Missing::None) => quote!(self.#member = #rb::None;),
            (true, Missing::Default) => {
                quote!(self.#member = #rb::Default::default();)
            }
            (true, Missing::Other) => quote!(return false;),
            (false, _) => quote! {
                if const { #rb::shape::contains_read_only(<#ty as #rb::Schema>::SHAPE) }
                    && !<#ty as #rb::Schema>::clear_read_only(&mut self.#member)
                {
                    return false;
                }
            },
        }
    });
    Some(quote! {
        // A field that cannot be reset ends the function early.
        #[allow(unreachable_code)]
        fn clear_read_only(&mut self) -> bool {
            #(#statements)*
            true
        }
    })
}

/// Runs `body` on the property `name` of `__value`, one pointer level down.
fn descend(rb: &Private, name: &str, body: &TokenStream, strip: Strip) -> TokenStream {
    match strip {
        Strip::ReadOnly => quote! {
            #rb::visibility::descend(
                __value, #name, __removed,
                |__value: &mut #rb::Value, __removed: &mut #rb::Removed| { #body },
            );
        },
        Strip::WriteOnly => quote! {
            if let #rb::Some(__value) = __value.get_mut(#name) {
                #body
            }
        },
    }
}

fn strip_fields(rb: &Private, fields: &[Field], strip: Strip) -> TokenStream {
    let statements = fields.iter().filter(|f| !f.skip).map(|f| {
        let ty = f.ty;
        let name = &f.json_name;
        let marked = match strip {
            Strip::ReadOnly => f.is_read_only(),
            Strip::WriteOnly => f.is_write_only(),
        };
        let contains = match strip {
            Strip::ReadOnly => quote!(contains_read_only),
            Strip::WriteOnly => quote!(contains_write_only),
        };
        let nested = quote! {
            const { #rb::shape::#contains(<#ty as #rb::Schema>::SHAPE) }
        };
        match (strip, marked, f.flatten) {
            (Strip::ReadOnly, _, true) => quote! {
                if #nested {
                    <#ty as #rb::Schema>::strip_read_only(__value, __removed);
                }
            },
            (Strip::WriteOnly, _, true) => quote! {
                if #nested {
                    <#ty as #rb::Schema>::strip_write_only(__value);
                }
            },
            (Strip::ReadOnly, true, false) => quote! {
                #rb::visibility::remove_read_only(__value, #name, __removed);
            },
            (Strip::WriteOnly, true, false) => quote! {
                #rb::visibility::remove_write_only(__value, #name);
            },
            (Strip::ReadOnly, false, false) => {
                let forbid_null = f.forbids_null().then(|| {
                    quote! {
                        #rb::visibility::forbid_null(__value, #name, __removed);
                    }
                });
                quote! {
                    #forbid_null
                    if #nested {
                        #rb::visibility::strip_property::<#ty>(__value, #name, __removed);
                    }
                }
            }
            (Strip::WriteOnly, false, false) => quote! {
                if #nested {
                    #rb::visibility::strip_property_write_only::<#ty>(__value, #name);
                }
            },
        }
    });
    quote!(#(#statements)*)
}
