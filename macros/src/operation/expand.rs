//! The declaration to code: a unit struct named after the handler that implements
//! `IntoOperation`, the static description of the operation, the const checks spanned at the
//! user's tokens, and the handler itself, moved inside.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::model::*;
use crate::attr::operation::ResponseAttr;
use crate::ty;

pub fn operation(decl: &Declaration, path: &syn::LitStr) -> TokenStream {
    let func = decl.handler.func;
    let name = &func.sig.ident;
    let vis = &func.vis;
    let docs: Vec<&syn::Attribute> = func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let meta = meta(decl, path);
    let checks = checks(decl, path);
    let operation_id_guard = operation_id_guard(decl);
    let inner = inner_handler(func);
    let arg_infos = decl
        .handler
        .args
        .iter()
        .zip(&decl.bindings)
        .map(|(arg, binding)| {
            let ident = &arg.name;
            let description = opt_str(arg.doc.as_deref());
            let template = &decl.template;
            let callback = match binding {
                Some(i) => quote!(::ringback::__private::Some(&__RINGBACK_CALLBACKS[#i])),
                None => quote!(::ringback::__private::None),
            };
            quote! {
                ::ringback::__private::ArgInfo {
                    ident: #ident,
                    description: #description,
                    template: &[#(#template),*],
                    callback: #callback,
                }
            }
        });
    let callbacks = callback_decls(decl);
    let callback_count = decl.attrs.callbacks.len();
    let arg_count = decl.handler.args.len();
    // What each argument is read as: ringback's extractors as written, any other extractor
    // through `Foreign`, which runs axum's `FromRequestParts` (spanned at the argument, so an
    // argument that is neither is reported there).
    let types: Vec<TokenStream> = decl
        .handler
        .args
        .iter()
        .map(|a| {
            let ty = a.ty;
            if a.is_own() {
                quote!(#ty)
            } else {
                quote_spanned!(ty.span()=> ::ringback::__private::Foreign<#ty>)
            }
        })
        .collect();
    let output = &decl.handler.output;
    let bounds = quote! {
        __S: ::core::clone::Clone + ::ringback::__private::Send + ::ringback::__private::Sync + 'static,
        #(#types: ::ringback::__private::FromRequest<__S>,)*
        #output: ::ringback::__private::ResponseFor<__S>,
    };
    let indices: Vec<usize> = (0..arg_count).collect();
    let slots: Vec<syn::Ident> = indices
        .iter()
        .map(|i| format_ident!("__arg{}", i))
        .collect();
    // The handler takes a foreign extractor's value, not its wrapper.
    let call_args = indices.iter().map(|&i| {
        let slot = &slots[i];
        if decl.handler.args[i].is_own() {
            quote!(#slot)
        } else {
            quote!(#slot.0)
        }
    });
    let default_status = quote!(<#output as ::ringback::__private::ResponseFor<__S>>::STATUS);
    let respond = quote! {
        <#output as ::ringback::__private::ResponseFor<__S>>::respond(
            __ringback_handler(#(#call_args),*).await,
        )
    };
    // `status = 202`: the body's own 200 becomes the declared status, errors keep theirs.
    let (success, respond) = match &decl.attrs.status {
        Some((status, _)) => {
            let success = quote!(::ringback::__private::status(#status));
            let respond = quote! {
                ::ringback::__private::restate(#respond, #default_status, #success)
            };
            (success, respond)
        }
        None => (default_status, respond),
    };
    // Callbacks read the body as the client sent it, so they are resolved after the body.
    let mut order: Vec<usize> = indices
        .iter()
        .copied()
        .filter(|&i| decl.bindings[i].is_none())
        .collect();
    order.extend(
        indices
            .iter()
            .copied()
            .filter(|&i| decl.bindings[i].is_some()),
    );
    let first_callback = order.iter().position(|&i| decl.bindings[i].is_some());
    // With only ringback's extractors, nothing is awaited before the handler: the arguments
    // are read by a plain function before the future is made, and the future holds them
    // alone, with one await (the handler's).
    let all_own = decl.handler.args.iter().all(|a| a.is_own());
    let extract = order.iter().enumerate().map(|(position, &i)| {
        let ty = &types[i];
        let slot = &slots[i];
        // Callbacks read a request that passed every other check; once something was
        // refused, resolving them would only repeat the same complaint.
        let gate = (Some(position) == first_callback).then(|| {
            let stop = if all_own {
                quote!(::ringback::__private::Err(::ringback::__private::refused(
                    __refused
                )))
            } else {
                quote!(::ringback::__private::refused(__refused))
            };
            quote! {
                if !__refused.is_empty() {
                    return #stop;
                }
            }
        });
        // ringback's own extractors are read without waiting (the body was read before), so
        // the future has an await only for axum's extractors and the handler.
        let extracted = if decl.handler.args[i].is_own() {
            quote! {
                <#ty as ::ringback::__private::FromRequest<__S>>::read_now(
                    &__RINGBACK_ARGS[#i],
                    &mut __request,
                )
            }
        } else {
            quote! {
                <#ty as ::ringback::__private::FromRequest<__S>>::from_request(
                    &__RINGBACK_ARGS[#i],
                    &mut __request,
                ).await
            }
        };
        quote! {
            #gate
            let #slot = ::ringback::__private::keep(#extracted, &mut __refused);
        }
    });
    let document_args = indices.iter().map(|&i| {
        let ty = &types[i];
        let arg = &decl.handler.args[i];
        if arg.is_own() {
            quote! {
                <#ty as ::ringback::__private::FromRequest<__S>>::document(&__RINGBACK_ARGS[#i], __operation, __components);
            }
        } else {
            // Documents the type if it implements `Documented`, and does nothing otherwise.
            let written = arg.ty;
            quote! {
                {
                    use ::ringback::__private::{DocumentedProbe as _, UndocumentedProbe as _};
                    (&::ringback::__private::Probe::<#written>::NEW).ringback_document(__operation, __components);
                }
            }
        }
    });

    let handle = if all_own {
        quote! {
            fn __ringback_extract<__S>(
                mut __request: ::ringback::__private::RequestParts<__S>,
            ) -> ::ringback::__private::Result<(#(#types,)*), ::ringback::__private::Response>
            where
                #bounds
            {
                let mut __refused = ::ringback::__private::Vec::new();
                #(#extract)*
                match (#(#slots,)*) {
                    (#(::ringback::__private::Some(#slots),)*) => {
                        ::ringback::__private::Ok((#(#slots,)*))
                    }
                    #[allow(unreachable_patterns)]
                    _ => ::ringback::__private::Err(::ringback::__private::refused(__refused)),
                }
            }

            fn __ringback_handle<__S>(
                __request: ::ringback::__private::RequestParts<__S>,
            ) -> ::ringback::__private::HandlerFuture
            where
                #bounds
            {
                let __extracted = __ringback_extract::<__S>(__request);
                ::ringback::__private::Box::pin(async move {
                    match __extracted {
                        ::ringback::__private::Ok((#(#slots,)*)) => #respond,
                        ::ringback::__private::Err(__refused) => __refused,
                    }
                })
            }
        }
    } else {
        quote! {
            fn __ringback_handle<__S>(
                mut __request: ::ringback::__private::RequestParts<__S>,
            ) -> ::ringback::__private::HandlerFuture
            where
                #bounds
            {
                ::ringback::__private::Box::pin(async move {
                    let mut __refused = ::ringback::__private::Vec::new();
                    #(#extract)*
                    match (#(#slots,)*) {
                        (#(::ringback::__private::Some(#slots),)*) => {
                            #respond
                        }
                        #[allow(unreachable_patterns)]
                        _ => ::ringback::__private::refused(__refused),
                    }
                })
            }
        }
    };

    quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name;

        #operation_id_guard

        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            #inner

            #checks

            static __RINGBACK_CALLBACKS: [::ringback::__private::CallbackDecl; #callback_count] = [#(#callbacks),*];
            static __RINGBACK_META: ::ringback::__private::OperationMeta = #meta;
            static __RINGBACK_ARGS: [::ringback::__private::ArgInfo; #arg_count] = [#(#arg_infos),*];

            #[automatically_derived]
            impl<__S> ::ringback::__private::IntoOperation<__S> for #name
            where
                #bounds
            {
                fn into_operation(self) -> ::ringback::__private::OperationDef<__S> {
                    ::ringback::__private::OperationDef {
                        meta: &__RINGBACK_META,
                        arg_kinds: const { &[#(<#types as ::ringback::__private::FromRequest<__S>>::KIND),*] },
                        principal: const {
                            ::ringback::__private::PrincipalType::first(&[#(<#types as ::ringback::__private::FromRequest<__S>>::PRINCIPAL),*])
                        },
                        document_args: __ringback_document::<__S>,
                        document_responses: <#output as ::ringback::__private::ResponseFor<__S>>::document,
                        success: #success,
                        handler: __ringback_handle::<__S>,
                    }
                }
            }

            fn __ringback_document<__S>(
                __operation: &mut ::ringback::__private::Operation,
                __components: &mut ::ringback::__private::Components,
            )
            where
                #bounds
            {
                #(#document_args)*
            }

            #handle
        };
    }
}

/// What a failed expansion still emits: the struct (so uses of it do not add errors) and the
/// handler's body (so it is still checked and the IDE keeps working).
pub fn fallback(func: &syn::ItemFn) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let inner = inner_handler(func);
    quote! {
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name;

        impl<__S> ::ringback::__private::IntoOperation<__S> for #name {
            fn into_operation(self) -> ::ringback::__private::OperationDef<__S> {
                ::core::panic!("this operation did not compile")
            }
        }

        #[allow(dead_code, unused)]
        const _: () = {
            #inner
        };
    }
}

/// The user's function, renamed so that its name is free for the operation struct.
fn inner_handler(func: &syn::ItemFn) -> TokenStream {
    let mut inner = func.clone();
    inner.sig.ident = syn::Ident::new("__ringback_handler", func.sig.ident.span());
    inner.vis = syn::Visibility::Inherited;
    inner.attrs.retain(|a| !a.path().is_ident("doc"));
    quote!(#inner)
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::ringback::__private::Some(#s)),
        None => quote!(::ringback::__private::None),
    }
}

fn meta(decl: &Declaration, path: &syn::LitStr) -> TokenStream {
    let func = decl.handler.func;
    let method = decl.method.variant();
    let (operation_id, _) = decl.operation_id();
    let tags = &decl.attrs.tags;
    // The doc comment's first line is the summary and the rest the description, unless the
    // attribute gives them.
    let (doc_summary, doc_description) = match crate::attr::doc_comment(&func.attrs) {
        Some(doc) => match doc.split_once('\n') {
            Some((first, rest)) => (Some(first.trim().to_owned()), Some(rest.trim().to_owned())),
            None => (Some(doc), None),
        },
        None => (None, None),
    };
    let summary = opt_str(
        decl.attrs
            .summary
            .as_ref()
            .map(|s| s.value())
            .or(doc_summary)
            .as_deref(),
    );
    let description = opt_str(
        decl.attrs
            .description
            .as_ref()
            .map(|s| s.value())
            .or(doc_description.filter(|d| !d.is_empty()))
            .as_deref(),
    );
    let public = decl.attrs.public.is_some();
    let deprecated = decl.attrs.deprecated || crate::attr::rust_deprecated(&func.attrs);
    let responses = response_decls(&decl.attrs.responses);
    let security = decl.attrs.security.iter().map(|alternative| {
        let schemes = alternative
            .iter()
            .map(|(name, scopes)| quote!((#name, &[#(#scopes),*])));
        quote!(&[#(#schemes),*])
    });
    let read_only = match decl.attrs.read_only {
        Some((true, _)) => quote!(::ringback::__private::Some(
            ::ringback::__private::ReadOnlyPolicy::Reject
        )),
        Some((false, _)) => quote!(::ringback::__private::Some(
            ::ringback::__private::ReadOnlyPolicy::Strip
        )),
        None => quote!(::ringback::__private::None),
    };
    quote! {
        ::ringback::__private::OperationMeta {
            method: ::ringback::__private::Method::#method,
            path: #path,
            operation_id: #operation_id,
            tags: &[#(#tags),*],
            summary: #summary,
            description: #description,
            deprecated: #deprecated,
            responses: &[#(#responses),*],
            security: &[#(#security),*],
            public: #public,
            read_only: #read_only,
            callbacks: &__RINGBACK_CALLBACKS,
        }
    }
}

fn response_decls(responses: &[ResponseAttr]) -> Vec<TokenStream> {
    responses
        .iter()
        .map(|r| {
            let status = r.status;
            let description = &r.description;
            let body = match &r.body {
                Some(ty) => quote_spanned!(ty.span()=> ::ringback::__private::Some(<#ty as ::ringback::__private::Schema>::schema)),
                None => quote!(::ringback::__private::None),
            };
            let headers = r.headers.iter().map(|h| {
                let name = &h.name;
                let description = opt_str(h.description.as_ref().map(|d| d.value()).as_deref());
                let format = opt_str(h.format.as_ref().map(|d| d.value()).as_deref());
                quote! {
                    ::ringback::__private::HeaderDecl { name: #name, description: #description, format: #format }
                }
            });
            quote! {
                ::ringback::__private::ResponseDecl {
                    status: #status,
                    description: #description,
                    body: #body,
                    headers: &[#(#headers),*],
                }
            }
        })
        .collect()
}

fn callback_decls(decl: &Declaration) -> Vec<TokenStream> {
    decl.attrs
        .callbacks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = c.name.to_string();
            let expression = &c.expression;
            let description = opt_str(c.description.as_ref().map(|d| d.value()).as_deref());
            let method = c.method.unwrap_or(Method::POST).variant();
            let body = decl
                .callback_body(i)
                .expect("check::callbacks reports a callback without a body type");
            let responses = response_decls(&c.responses);
            quote! {
                ::ringback::__private::CallbackDecl {
                    name: #name,
                    expression: #expression,
                    description: #description,
                    method: ::ringback::__private::Method::#method,
                    body: <#body as ::ringback::__private::Schema>::schema,
                    responses: &[#(#responses),*],
                }
            }
        })
        .collect()
}

/// Const checks, each spanned at the token it is about, plus the trait assertions that make
/// the compiler's own errors land on the user's argument and return type.
fn checks(decl: &Declaration, path: &syn::LitStr) -> TokenStream {
    let method = decl.method.variant();
    let template = &decl.template;
    let mut out = Vec::new();
    let arg_shape = |arg: &Arg| {
        let ty = arg.ty;
        let ident = &arg.name;
        quote_spanned! {ty.span()=>
            ::ringback::__private::ArgShape {
                ident: #ident,
                kind: <#ty as ::ringback::__private::Extractor>::KIND,
                shape: <#ty as ::ringback::__private::Extractor>::SHAPE,
            }
        }
    };
    for arg in decl.handler.args.iter().filter(|a| a.is_own()) {
        let shape = arg_shape(arg);
        out.push(stop_on_failure(
            arg.ty.span(),
            quote_spanned! {arg.ty.span()=>
                ::ringback::__private::check_arg(
                    ::ringback::__private::Method::#method,
                    #path,
                    &[#(#template),*],
                    #shape,
                )
            },
        ));
    }
    // Only arguments written as `Path<..>` take part, so that an argument that is not an
    // extractor at all is reported once, at itself.
    let path_args: Vec<TokenStream> = decl
        .handler
        .args
        .iter()
        .filter(|a| a.type_name().as_deref() == Some("Path"))
        .map(arg_shape)
        .collect();
    out.push(stop_on_failure(
        path.span(),
        quote_spanned! {path.span()=>
            ::ringback::__private::check_template(#path, &[#(#template),*], &[#(#path_args),*])
        },
    ));
    let output = &decl.handler.output;
    out.push(quote_spanned! {output.span()=>
        const _: fn() = ::ringback::__private::assert_response::<#output>;
    });
    if let Some((_, literal)) = &decl.attrs.status {
        out.push(quote_spanned! {literal.span()=>
            const _: () = if !<#output as ::ringback::__private::IntoApiResponse>::RESTATABLE {
                ::core::panic!("`status` sets the status of a plain body (a `Schema` type, `Text` or `Bytes`), but this handler's return type sets its own (`Created` is 201, `NoContent` 204, a response enum one per variant); remove `status`, or return the body itself")
            };
        });
    }
    // Callback checks see the arguments written as path, query, header or body extractors.
    let input_args: Vec<TokenStream> = decl
        .handler
        .args
        .iter()
        .filter(|a| {
            matches!(a.type_name().as_deref(), Some("Path" | "Query" | "Header")) || a.reads_body()
        })
        .map(arg_shape)
        .collect();
    for (i, c) in decl.attrs.callbacks.iter().enumerate() {
        let name = c.name.to_string();
        let expression = &c.expression;
        let response_body = if c.expression.value().contains("$response.") {
            quote!(<#output as ::ringback::__private::IntoApiResponse>::BODY)
        } else {
            quote!(::ringback::__private::None)
        };
        let argument = decl.callback_argument(i);
        let required = match argument {
            Some(a)
                if ty::is_option_of(a.ty, "Callback")
                    || ty::is_option_of(a.ty, "CallbackTemplate") =>
            {
                quote!(::ringback::__private::Some(false))
            }
            Some(_) => quote!(::ringback::__private::Some(true)),
            None => quote!(::ringback::__private::None),
        };
        out.push(stop_on_failure(
            expression.span(),
            quote_spanned! {expression.span()=>
                ::ringback::__private::check_callback(
                    &::ringback::__private::OperationShapes {
                        path: #path,
                        template: &[#(#template),*],
                        args: &[#(#input_args),*],
                        response_body: #response_body,
                    },
                    #name,
                    #expression,
                    #required,
                )
            },
        ));
        if let (Some(declared), Some(arg)) = (&c.body, argument) {
            if let Some(payload) = arg.callback_payload() {
                out.push(quote_spanned! {declared.span()=>
                    const _: () = ::ringback::__private::assert_callback_body::<#declared, #payload>();
                });
            }
        }
    }
    quote!(#(#out)*)
}

/// A `const` item that runs `check` during compilation and stops the build with its message.
/// The panic is written here, in the item at the user's token, rather than inside the runtime's
/// checks, so the compiler reports the message without a trail of notes through them.
fn stop_on_failure(span: Span, check: TokenStream) -> TokenStream {
    quote_spanned! {span=>
        const _: () = if let ::ringback::__private::Some(message) = #check {
            ::core::panic!("{}", message.as_str())
        };
    }
}

/// A module-level item named after the operation id: two operations in one module with the
/// same id then fail to compile, with the name saying why.
fn operation_id_guard(decl: &Declaration) -> TokenStream {
    let (id, span) = decl.operation_id();
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return TokenStream::new();
    }
    let guard = format_ident!(
        "operation_id_{}_is_used_by_two_operations_in_this_module",
        id,
        span = span
    );
    quote_spanned! {span=>
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code)]
        const #guard: () = ();
    }
}
