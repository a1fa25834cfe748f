//! The operation macro's model: the handler, what its attribute declares, and which argument
//! takes which callback.

use proc_macro2::Span;

use crate::attr::operation::OperationAttrs;
use crate::case::{self, RenameRule};
use crate::ty;

/// An HTTP method, as an attribute names it: `#[ringback::post]`, `method = "put"`. The methods
/// are defined once, by the runtime's `Method`, whose variants are these names capitalised;
/// the macro only maps one onto the other.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Method(&'static str);

impl Method {
    const NAMES: [&'static str; 5] = ["get", "put", "post", "delete", "patch"];

    /// A callback's method when none is given.
    pub const POST: Method = Method("post");

    /// The method called `name`, in any case.
    pub fn from_name(name: &str) -> Option<Method> {
        Self::NAMES
            .into_iter()
            .find(|n| n.eq_ignore_ascii_case(name))
            .map(Method)
    }

    /// The runtime's variant, as in `::ringback::__private::Method::Post`.
    pub fn variant(self) -> syn::Ident {
        syn::Ident::new(
            &RenameRule::Pascal.apply_to_field(self.0),
            Span::call_site(),
        )
    }

    /// Whether servers may rely on a request body: GET and DELETE carry none.
    pub fn has_body(self) -> bool {
        !matches!(self.0, "get" | "delete")
    }
}

/// A handler and the attribute on it.
pub struct Declaration<'a> {
    pub method: Method,
    pub attrs: OperationAttrs,
    /// The path template's parameters, in order.
    pub template: Vec<String>,
    pub handler: Handler<'a>,
    /// For each argument, the callback it is bound to: a `Callback` argument takes the callback
    /// named like it, or the only one.
    pub bindings: Vec<Option<usize>>,
}

impl Declaration<'_> {
    /// The operation id, declared or the handler's name in camelCase, and where it comes from.
    pub fn operation_id(&self) -> (String, Span) {
        match &self.attrs.operation_id {
            Some(s) => (s.value(), s.span()),
            None => {
                let ident = &self.handler.func.sig.ident;
                (case::camel_case(&ident.to_string()), ident.span())
            }
        }
    }

    /// The argument bound to the callback `index`.
    pub fn callback_argument(&self, index: usize) -> Option<&Arg<'_>> {
        self.handler
            .args
            .iter()
            .zip(&self.bindings)
            .find(|(_, b)| **b == Some(index))
            .map(|(a, _)| a)
    }

    /// The body type of the callback `index`: declared (`body = T`), or the `T` of the
    /// `Callback<T>` argument bound to it.
    pub fn callback_body(&self, index: usize) -> Option<&syn::Type> {
        self.attrs.callbacks[index]
            .body
            .as_ref()
            .or_else(|| self.callback_argument(index)?.callback_payload())
    }
}

/// The handler function.
pub struct Handler<'a> {
    pub func: &'a syn::ItemFn,
    pub args: Vec<Arg<'a>>,
    /// The return type, `()` when none is written.
    pub output: syn::Type,
}

pub struct Arg<'a> {
    /// The name the argument is known by (for `Path(id): Path<T>`, `id`).
    pub name: String,
    pub ty: &'a syn::Type,
    pub doc: Option<String>,
}

/// ringback's own extractors, by name. Any other argument is an axum `FromRequestParts`
/// extractor that ringback runs as axum would (an axum extractor named like one of these is
/// written with its path: `axum::extract::State<T>`).
const OWN_EXTRACTORS: [&str; 9] = [
    "State",
    "Path",
    "Query",
    "Header",
    "Body",
    "Callback",
    "CallbackTemplate",
    "Auth",
    "Webhook",
];

/// axum extractors that consume the request body, which ringback reads itself.
const BODY_EXTRACTORS: [&str; 8] = [
    "Json",
    "Form",
    "Bytes",
    "String",
    "Multipart",
    "Request",
    "RawForm",
    "BodyStream",
];

impl<'a> Arg<'a> {
    /// Whether the argument is one of ringback's extractors, rather than axum's or the
    /// application's own.
    pub fn is_own(&self) -> bool {
        fn own(ty: &syn::Type) -> bool {
            if let syn::Type::Path(p) = ty::ungroup(ty) {
                if p.path.segments.first().is_some_and(|s| s.ident == "axum") {
                    return false;
                }
            }
            match ty::last_segment(ty) {
                Some(s) if s.ident == "Option" => ty::first_type_argument(s).is_some_and(own),
                Some(s) => OWN_EXTRACTORS.iter().any(|n| s.ident == n),
                None => false,
            }
        }
        own(self.ty)
    }

    /// For an argument that is not ringback's and consumes the body (`Json<T>`, `Bytes`), its
    /// type's name.
    pub fn foreign_body_reader(&self) -> Option<String> {
        if self.is_own() {
            return None;
        }
        let name = self.type_name()?;
        BODY_EXTRACTORS.contains(&name.as_str()).then_some(name)
    }

    /// For an argument whose type is plainly a value rather than an extractor (`u32`, `&str`,
    /// `(A, B)`), how it is written.
    pub fn plain_value(&self) -> Option<String> {
        const VALUES: [&str; 17] = [
            "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
            "f32", "f64", "bool", "char", "str",
        ];
        let plain = match ty::ungroup(self.ty) {
            syn::Type::Reference(_)
            | syn::Type::Tuple(_)
            | syn::Type::Array(_)
            | syn::Type::Slice(_) => true,
            syn::Type::Path(p) => {
                p.path.segments.len() == 1 && VALUES.iter().any(|v| p.path.segments[0].ident == v)
            }
            _ => false,
        };
        plain.then(|| quote::ToTokens::to_token_stream(self.ty).to_string())
    }

    /// Whether the argument is a callback template, `CallbackTemplate<T>` or
    /// `Option<CallbackTemplate<T>>`: resolved by the handler once its response exists.
    pub fn is_callback_template(&self) -> bool {
        ty::is_named(self.ty, "CallbackTemplate") || ty::is_option_of(self.ty, "CallbackTemplate")
    }

    /// Whether the argument is the authenticated principal, `Auth<P>`.
    pub fn is_auth(&self) -> bool {
        self.is_own() && ty::is_named(self.ty, "Auth")
    }

    /// The last segment of the argument type's path (`Path` for `ringback::Path<T>`).
    pub fn type_name(&self) -> Option<String> {
        ty::last_segment(self.ty).map(|s| s.ident.to_string())
    }

    /// Whether the argument is the request body: `Body<T>` or `Option<Body<T>>`.
    pub fn reads_body(&self) -> bool {
        ty::is_named(self.ty, "Body") || ty::is_option_of(self.ty, "Body")
    }

    /// The `T` of `Callback<T>` or `Option<Callback<T>>`, if the argument is a callback.
    pub fn callback_payload(&self) -> Option<&'a syn::Type> {
        fn payload(ty: &syn::Type) -> Option<&syn::Type> {
            let segment = ty::last_segment(ty)?;
            let argument = ty::first_type_argument(segment)?;
            match segment.ident.to_string().as_str() {
                "Callback" | "CallbackTemplate" => Some(argument),
                "Option" => payload(argument),
                _ => None,
            }
        }
        payload(self.ty)
    }
}
