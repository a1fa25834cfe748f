//! The model to code. Everything generated names `::ringback::__private::...` by absolute
//! path and calls trait methods in fully qualified form, so it compiles in any scope.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::visit_mut::VisitMut;

use super::model::*;

/// Formats that ringback checks at run time; others are documented only.
const CHECKED_FORMATS: &[&str] = &[
    "uri",
    "url",
    "uuid",
    "email",
    "ipv4",
    "ipv6",
    "date",
    "date-time",
];

pub fn expand(cont: &Container) -> TokenStream {
    let mut patterns = Patterns {
        owner: cont.ident.to_string(),
        ..Patterns::default()
    };
    let shape = shape(cont);
    let schema = schema_fn(cont, &mut patterns);
    let validate = validate_fn(cont, &mut patterns);
    let strip_read_only = strip_fn(cont, Strip::ReadOnly);
    let strip_write_only = strip_fn(cont, Strip::WriteOnly);
    let clear_read_only = clear_fn(cont);
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

// ---------------------------------------------------------------------------------------------
// The const shape

fn shape(cont: &Container) -> TokenStream {
    let name = cont.ident.to_string();
    match &cont.body {
        Body::Struct(fields) => object_shape(cont, &name, fields),
        Body::Newtype(f) => {
            let ty = recursion_safe(cont, f.ty);
            quote!(<#ty as ::ringback::__private::Schema>::SHAPE)
        }
        Body::Enum { variants, tagging } => {
            if let Some(names) = string_enum(variants, tagging) {
                return quote!(&::ringback::__private::Shape::StringEnum(&[#(#names),*]));
            }
            let shapes = variants.iter().map(|v| variant_shape(cont, v, tagging));
            quote!(&::ringback::__private::Shape::OneOf(&[#(#shapes),*]))
        }
    }
}

fn object_shape(cont: &Container, name: &str, fields: &[Field]) -> TokenStream {
    object_shape_with(cont, name, fields, None)
}

/// An object shape; `tag` adds the property an internally or adjacently tagged enum writes.
fn object_shape_with(
    cont: &Container,
    name: &str,
    fields: &[Field],
    tag: Option<(&str, &str)>,
) -> TokenStream {
    let mut entries: Vec<TokenStream> = Vec::new();
    if let Some((tag, value)) = tag {
        entries.push(tag_field(tag, value));
    }
    let live = fields.iter().filter(|f| !f.skip);
    for f in live.clone().filter(|f| !f.flatten) {
        let ty = recursion_safe(cont, f.ty);
        let json = &f.json_name;
        let required = static_required(f);
        let (ro, wo) = (f.is_read_only(), f.is_write_only());
        let nullable = !f.forbids_null();
        entries.push(quote! {
            ::ringback::__private::FieldShape {
                name: #json,
                shape: <#ty as ::ringback::__private::Schema>::SHAPE,
                required: #required && !::ringback::__private::shape::is_optional(
                    <#ty as ::ringback::__private::Schema>::SHAPE
                ),
                read_only: #ro,
                write_only: #wo,
                nullable: #nullable && ::ringback::__private::shape::is_optional(
                    <#ty as ::ringback::__private::Schema>::SHAPE
                ),
            }
        });
    }
    let flattened = live.filter(|f| f.flatten).map(|f| {
        let ty = recursion_safe(cont, f.ty);
        quote!(<#ty as ::ringback::__private::Schema>::SHAPE)
    });
    quote! {
        &::ringback::__private::Shape::Object(&::ringback::__private::ObjectShape {
            name: #name,
            fields: &[#(#entries),*],
            flattened: &[#(#flattened),*],
        })
    }
}

fn variant_shape(cont: &Container, v: &Variant, tagging: &Tagging) -> TokenStream {
    let name = format!("{}::{}", cont.ident, v.ident);
    let vname = v.json_name.as_str();
    let single = |key: &str, inner: TokenStream, required: bool| {
        quote! {
            &::ringback::__private::Shape::Object(&::ringback::__private::ObjectShape {
                name: #name,
                fields: &[::ringback::__private::FieldShape {
                    name: #key,
                    shape: #inner,
                    required: #required,
                    read_only: false,
                    write_only: false,
                    nullable: false,
                }],
                flattened: &[],
            })
        }
    };
    let inner_shape = |kind: &VariantKind| -> TokenStream {
        match kind {
            VariantKind::Unit => quote!(&::ringback::__private::Shape::Null),
            VariantKind::Newtype(f) => {
                let ty = recursion_safe(cont, f.ty);
                quote!(<#ty as ::ringback::__private::Schema>::SHAPE)
            }
            VariantKind::Struct(fields) => object_shape(cont, &name, fields),
        }
    };
    match (tagging, &v.kind) {
        (Tagging::External, VariantKind::Unit) => {
            quote!(&::ringback::__private::Shape::StringEnum(&[#vname]))
        }
        (Tagging::External, kind) => single(vname, inner_shape(kind), true),
        (Tagging::Internal { tag }, VariantKind::Struct(fields)) => {
            object_shape_with(cont, &name, fields, Some((tag, vname)))
        }
        (Tagging::Internal { tag }, VariantKind::Unit) => {
            object_shape_with(cont, &name, &[], Some((tag, vname)))
        }
        (Tagging::Internal { tag }, VariantKind::Newtype(f)) => {
            let ty = recursion_safe(cont, f.ty);
            let tag_field = tag_field(tag, vname);
            quote! {
                &::ringback::__private::Shape::Object(&::ringback::__private::ObjectShape {
                    name: #name,
                    fields: &[#tag_field],
                    flattened: &[<#ty as ::ringback::__private::Schema>::SHAPE],
                })
            }
        }
        (Tagging::Adjacent { tag, content }, kind) => {
            let inner = inner_shape(kind);
            let unit = matches!(kind, VariantKind::Unit);
            let tag_field = tag_field(tag, vname);
            quote! {
                &::ringback::__private::Shape::Object(&::ringback::__private::ObjectShape {
                    name: #name,
                    fields: &[
                        #tag_field,
                        ::ringback::__private::FieldShape {
                            name: #content,
                            shape: #inner,
                            required: !#unit,
                            read_only: false,
                            write_only: false,
                            nullable: false,
                        },
                    ],
                    flattened: &[],
                })
            }
        }
        (Tagging::Untagged, kind) => inner_shape(kind),
    }
}

/// The property a tagged enum writes its variant's name into.
fn tag_field(tag: &str, variant: &str) -> TokenStream {
    quote! {
        ::ringback::__private::FieldShape {
            name: #tag,
            shape: &::ringback::__private::Shape::StringEnum(&[#variant]),
            required: true,
            read_only: false,
            write_only: false,
            nullable: false,
        }
    }
}

/// The JSON names of an enum that serde writes as plain strings.
fn string_enum<'a>(variants: &'a [Variant], tagging: &Tagging) -> Option<Vec<&'a str>> {
    let all_unit = variants.iter().all(|v| matches!(v.kind, VariantKind::Unit));
    (all_unit && matches!(tagging, Tagging::External))
        .then(|| variants.iter().map(|v| v.json_name.as_str()).collect())
}

/// Whether a property is required, as far as attributes say; an `Option` type (checked on its
/// shape) makes it optional too.
fn static_required(f: &Field) -> bool {
    !(f.default || f.skip_serializing_if || f.skip_deserializing)
}

/// The field type with the container's own name replaced by a `Recursive` marker, so that
/// its const shape refers to the container by name instead of containing itself.
fn recursion_safe(cont: &Container, ty: &syn::Type) -> syn::Type {
    struct Replace<'a> {
        ident: &'a syn::Ident,
        self_ty: syn::Type,
    }
    impl VisitMut for Replace<'_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(p) = ty {
                let is_self = p.qself.is_none()
                    && p.path.segments.len() == 1
                    && (p.path.segments[0].ident == *self.ident
                        || p.path.segments[0].ident == "Self");
                if is_self {
                    let named = if p.path.segments[0].ident == "Self" {
                        self.self_ty.clone()
                    } else {
                        ty.clone()
                    };
                    *ty = syn::parse_quote!(::ringback::__private::Recursive<#named>);
                    return;
                }
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let ident = cont.ident;
    let (_, ty_generics, _) = cont.generics.split_for_impl();
    let mut ty = ty.clone();
    Replace {
        ident,
        self_ty: syn::parse_quote!(#ident #ty_generics),
    }
    .visit_type_mut(&mut ty);
    ty
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI schema

fn schema_fn(cont: &Container, patterns: &mut Patterns) -> TokenStream {
    let body = match &cont.body {
        Body::Struct(fields) => {
            let object = object_schema(fields, patterns, cont.deny_unknown_fields);
            quote!(let mut __s = #object;)
        }
        Body::Newtype(f) => {
            let property = property_schema(f, patterns);
            quote!(let mut __s = #property;)
        }
        Body::Enum { variants, tagging } => enum_schema(variants, tagging, patterns),
    };
    let description = opt_string(&cont.description);
    let deprecated = cont.deprecated;
    let example = cont.example.as_ref().map(
        |e| quote!(__s.example = ::ringback::__private::Some(::ringback::__private::example(#e));),
    );
    let annotate = quote! {
        if let ::ringback::__private::Some(d) = #description {
            __s.description = ::ringback::__private::Some(::ringback::__private::string(d));
        }
        if #deprecated {
            __s.deprecated = true;
        }
        #example
    };
    match &cont.component {
        Some(name) => quote! {
            __components.register(
                #name,
                ::core::any::type_name::<Self>(),
                |__components: &mut ::ringback::__private::Components| {
                    #body
                    #annotate
                    __s
                },
            )
        },
        None => quote! {
            #body
            #annotate
            __s
        },
    }
}

fn object_schema(fields: &[Field], patterns: &mut Patterns, deny_unknown: bool) -> TokenStream {
    let mut statements = Vec::new();
    for f in fields.iter().filter(|f| !f.skip) {
        let ty = f.ty;
        if f.flatten {
            statements.push(quote! {
                __o.all_of.push(<#ty as ::ringback::__private::Schema>::schema(__components));
            });
            continue;
        }
        let json = &f.json_name;
        let property = property_schema(f, patterns);
        let required = static_required(f);
        statements.push(quote! {
            if #required && !::ringback::__private::shape::is_optional(
                <#ty as ::ringback::__private::Schema>::SHAPE
            ) {
                __o.required.push(::ringback::__private::string(#json));
            }
            __o.properties.push((::ringback::__private::string(#json), #property));
        });
    }
    let deny = deny_unknown.then(|| {
        quote! {
            __o.additional_properties = ::ringback::__private::Some(
                ::ringback::__private::AdditionalProperties::Forbidden,
            );
        }
    });
    quote! {{
        let mut __o = ::ringback::__private::SchemaObject::of_type(
            ::ringback::__private::Type::Object,
        );
        #(#statements)*
        #deny
        __o
    }}
}

/// A field's schema with its `#[schema]` annotations and rules applied.
fn property_schema(f: &Field, patterns: &mut Patterns) -> TokenStream {
    let ty = f.ty;
    let mut sets = Vec::new();
    if let Some(d) = &f.description {
        sets.push(quote!(__p.description = ::ringback::__private::Some(::ringback::__private::string(#d));));
    }
    if f.is_read_only() {
        sets.push(quote!(__p.read_only = true;));
    }
    if f.is_write_only() {
        sets.push(quote!(__p.write_only = true;));
    }
    if f.forbids_null() {
        sets.push(quote!(__p.nullable = false;));
    }
    if f.deprecated {
        sets.push(quote!(__p.deprecated = true;));
    }
    if let Some(format) = &f.format {
        sets.push(quote!(__p.format = ::ringback::__private::Some(::ringback::__private::string(#format));));
    }
    if let Some(example) = &f.example {
        sets.push(quote!(__p.example = ::ringback::__private::Some(::ringback::__private::example(#example));));
    }
    for rule in &f.rules {
        let set = match (&rule.value, rule.kind) {
            (RuleValue::Number(n), kind) => {
                let field = match kind {
                    RuleKind::Minimum => quote!(minimum),
                    RuleKind::Maximum => quote!(maximum),
                    RuleKind::ExclusiveMinimum => quote!(exclusive_minimum),
                    _ => quote!(exclusive_maximum),
                };
                let n = number_literal(*n);
                quote!(__p.#field = ::ringback::__private::Some(#n);)
            }
            (RuleValue::Count(n), kind) => {
                let field = match kind {
                    RuleKind::MinLength => quote!(min_length),
                    RuleKind::MaxLength => quote!(max_length),
                    RuleKind::MinItems => quote!(min_items),
                    _ => quote!(max_items),
                };
                quote!(__p.#field = ::ringback::__private::Some(#n);)
            }
            (RuleValue::Pattern(lit), _) => {
                let pattern = patterns.get(lit, &f.json_name);
                // Compiling it here makes an invalid pattern fail when the document is built,
                // at start-up, rather than on the first request.
                quote! {
                    __p.pattern = ::ringback::__private::Some(
                        ::ringback::__private::string(#pattern.regex().as_str()),
                    );
                }
            }
        };
        sets.push(set);
    }
    quote! {{
        let mut __p = <#ty as ::ringback::__private::Schema>::schema(__components);
        #(#sets)*
        __p
    }}
}

fn number_literal(n: Number) -> TokenStream {
    match n {
        Number::Int(i) => quote!(::ringback::__private::number_i128(#i)),
        Number::Float(f) => quote!(::ringback::__private::number_f64(#f)),
    }
}

fn enum_schema(variants: &[Variant], tagging: &Tagging, patterns: &mut Patterns) -> TokenStream {
    if let Some(names) = string_enum(variants, tagging) {
        return quote! {
            let mut __s = ::ringback::__private::SchemaObject::string(::ringback::__private::None);
            #(__s.enum_values.push(::ringback::__private::Value::String(
                ::ringback::__private::string(#names),
            ));)*
        };
    }
    let mut pushes = Vec::new();
    let list = match tagging {
        Tagging::Untagged => quote!(any_of),
        _ => quote!(one_of),
    };
    // Unit variants of an externally tagged enum are plain strings: one enum lists them all.
    if let Tagging::External = tagging {
        let units: Vec<&str> = variants
            .iter()
            .filter(|v| matches!(v.kind, VariantKind::Unit))
            .map(|v| v.json_name.as_str())
            .collect();
        if !units.is_empty() {
            pushes.push(quote! {{
                let mut __u = ::ringback::__private::SchemaObject::string(::ringback::__private::None);
                #(__u.enum_values.push(::ringback::__private::Value::String(
                    ::ringback::__private::string(#units),
                ));)*
                __s.#list.push(__u);
            }});
        }
    }
    for v in variants {
        if matches!((tagging, &v.kind), (Tagging::External, VariantKind::Unit)) {
            continue;
        }
        let schema = variant_schema(v, tagging, patterns);
        let description = opt_string(&v.description);
        let deprecated = v.deprecated;
        pushes.push(quote! {{
            let mut __vs = #schema;
            if let ::ringback::__private::Some(d) = #description {
                __vs.description = ::ringback::__private::Some(::ringback::__private::string(d));
            }
            if #deprecated {
                __vs.deprecated = true;
            }
            __s.#list.push(__vs);
        }});
    }
    quote! {
        let mut __s = ::ringback::__private::empty_schema();
        #(#pushes)*
    }
}

fn variant_schema(v: &Variant, tagging: &Tagging, patterns: &mut Patterns) -> TokenStream {
    let vname = v.json_name.as_str();
    let tag_property = |tag: &str| {
        quote! {
            __o.required.insert(0, ::ringback::__private::string(#tag));
            __o.properties.insert(0, (::ringback::__private::string(#tag), {
                let mut __t = ::ringback::__private::SchemaObject::string(::ringback::__private::None);
                __t.enum_values.push(::ringback::__private::Value::String(
                    ::ringback::__private::string(#vname),
                ));
                __t
            }));
        }
    };
    let content = |kind: &VariantKind, patterns: &mut Patterns| -> TokenStream {
        match kind {
            VariantKind::Unit => {
                quote!(<() as ::ringback::__private::Schema>::schema(__components))
            }
            VariantKind::Newtype(f) => property_schema(f, patterns),
            VariantKind::Struct(fields) => object_schema(fields, patterns, false),
        }
    };
    let empty_object = quote! {
        ::ringback::__private::SchemaObject::of_type(::ringback::__private::Type::Object)
    };
    match (tagging, &v.kind) {
        (Tagging::External, kind) => {
            let inner = content(kind, patterns);
            quote! {{
                let mut __o = #empty_object;
                __o.required.push(::ringback::__private::string(#vname));
                __o.properties.push((::ringback::__private::string(#vname), #inner));
                __o.additional_properties = ::ringback::__private::Some(
                    ::ringback::__private::AdditionalProperties::Forbidden,
                );
                __o
            }}
        }
        (Tagging::Internal { tag }, VariantKind::Newtype(f)) => {
            let tag = tag_property(tag);
            let inner = property_schema(f, patterns);
            quote! {{
                let mut __o = #empty_object;
                #tag
                let mut __all = ::ringback::__private::empty_schema();
                __all.all_of.push(__o);
                __all.all_of.push(#inner);
                __all
            }}
        }
        (Tagging::Internal { tag }, kind) => {
            let tag = tag_property(tag);
            let object = match kind {
                VariantKind::Struct(fields) => object_schema(fields, patterns, false),
                _ => empty_object.clone(),
            };
            quote! {{
                let mut __o = #object;
                #tag
                __o
            }}
        }
        (Tagging::Adjacent { tag, content: key }, kind) => {
            let tag = tag_property(tag);
            let inner = (!matches!(kind, VariantKind::Unit)).then(|| {
                let inner = content(kind, patterns);
                quote! {
                    __o.required.push(::ringback::__private::string(#key));
                    __o.properties.push((::ringback::__private::string(#key), #inner));
                }
            });
            quote! {{
                let mut __o = #empty_object;
                #tag
                #inner
                __o
            }}
        }
        (Tagging::Untagged, kind) => content(kind, patterns),
    }
}

fn opt_string(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(::ringback::__private::Some(#s)),
        None => quote!(::ringback::__private::None::<&str>),
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

fn validate_fn(cont: &Container, patterns: &mut Patterns) -> TokenStream {
    match &cont.body {
        Body::Struct(fields) => {
            let accessed: Vec<(&Field, TokenStream)> = fields
                .iter()
                .map(|f| {
                    let m = &f.member;
                    (f, quote!(&self.#m))
                })
                .collect();
            validate_fields(&accessed, patterns)
        }
        Body::Newtype(f) => {
            let m = &f.member;
            field_checks(f, &quote!(&self.#m), patterns)
        }
        Body::Enum { variants, tagging } => {
            let arms = variants.iter().map(|v| {
                let ident = v.ident;
                let (pattern, body) = match &v.kind {
                    VariantKind::Unit => (quote!(Self::#ident), quote!()),
                    VariantKind::Newtype(f) => (
                        quote!(Self::#ident(__f0)),
                        field_checks(f, &quote!(__f0), patterns),
                    ),
                    VariantKind::Struct(fields) => {
                        let bindings: Vec<(&Field, syn::Ident)> = fields
                            .iter()
                            .enumerate()
                            .map(|(i, f)| (f, format_ident!("__f{}", i)))
                            .collect();
                        let members = bindings.iter().map(|(f, b)| {
                            let m = &f.member;
                            quote!(#m: #b)
                        });
                        let accessed: Vec<(&Field, TokenStream)> =
                            bindings.iter().map(|(f, b)| (*f, quote!(#b))).collect();
                        (
                            quote!(Self::#ident { #(#members,)* .. }),
                            validate_fields(&accessed, patterns),
                        )
                    }
                };
                let body = match (tagging, &v.kind) {
                    (_, VariantKind::Unit) => body,
                    (Tagging::External, _) => {
                        let name = &v.json_name;
                        quote!(__v.static_field(#name, |__v| { #body });)
                    }
                    (Tagging::Adjacent { content, .. }, _) => {
                        quote!(__v.static_field(#content, |__v| { #body });)
                    }
                    _ => body,
                };
                quote!(#pattern => { #body })
            });
            quote! {
                #[allow(unreachable_patterns)]
                match self {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    }
}

fn validate_fields(fields: &[(&Field, TokenStream)], patterns: &mut Patterns) -> TokenStream {
    let checks = fields
        .iter()
        .filter(|(f, _)| !f.skip && !f.skip_deserializing)
        .map(|(f, access)| {
            let checks = field_checks(f, access, patterns);
            if f.flatten {
                checks
            } else {
                let name = &f.json_name;
                quote!(__v.static_field(#name, |__v| { #checks });)
            }
        });
    quote!(#(#checks)*)
}

/// The rule checks for one field (each spanned at its key, so a rule on the wrong type is an
/// error there), then the field's own nested validation.
fn field_checks(f: &Field, access: &TokenStream, patterns: &mut Patterns) -> TokenStream {
    let ty = f.ty;
    let mut checks = Vec::new();
    for rule in &f.rules {
        let span = rule.span;
        let access = respan(access, span);
        let check = match (&rule.value, rule.kind) {
            (RuleValue::Number(n), kind) => {
                let n = match n {
                    Number::Int(i) => quote!(::ringback::__private::rules::Num::Int(#i)),
                    Number::Float(x) => quote!(::ringback::__private::rules::Num::Float(#x)),
                };
                let (func, exclusive) = match kind {
                    RuleKind::Minimum => (quote!(minimum), false),
                    RuleKind::Maximum => (quote!(maximum), false),
                    RuleKind::ExclusiveMinimum => (quote!(minimum), true),
                    _ => (quote!(maximum), true),
                };
                quote_spanned!(span=> ::ringback::__private::rules::#func(#access, #n, #exclusive, __v);)
            }
            (RuleValue::Count(n), kind) => {
                let n = *n as usize;
                let func = match kind {
                    RuleKind::MinLength => quote!(min_length),
                    RuleKind::MaxLength => quote!(max_length),
                    RuleKind::MinItems => quote!(min_items),
                    _ => quote!(max_items),
                };
                quote_spanned!(span=> ::ringback::__private::rules::#func(#access, #n, __v);)
            }
            (RuleValue::Pattern(lit), _) => {
                let pattern = patterns.get(lit, &f.json_name);
                quote_spanned!(span=> ::ringback::__private::rules::pattern(#access, &#pattern, __v);)
            }
        };
        checks.push(check);
    }
    if let Some(format) = &f.format {
        if CHECKED_FORMATS.contains(&format.value().as_str()) {
            let span = format.span();
            let access = respan(access, span);
            checks.push(
                quote_spanned!(span=> ::ringback::__private::rules::format(#access, #format, __v);),
            );
        }
    }
    quote! {
        #(#checks)*
        <#ty as ::ringback::__private::Schema>::validate(#access, __v);
    }
}

/// The same tokens, spanned at `span`, so that a type error in them is reported there.
fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// readOnly and writeOnly on JSON

#[derive(Clone, Copy, PartialEq)]
enum Strip {
    ReadOnly,
    WriteOnly,
}

fn strip_fn(cont: &Container, strip: Strip) -> TokenStream {
    match &cont.body {
        Body::Struct(fields) => strip_fields(fields, strip),
        Body::Newtype(f) => {
            let ty = f.ty;
            match strip {
                Strip::ReadOnly => {
                    quote!(<#ty as ::ringback::__private::Schema>::strip_read_only(__value, __removed);)
                }
                Strip::WriteOnly => {
                    quote!(<#ty as ::ringback::__private::Schema>::strip_write_only(__value);)
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
                                Strip::ReadOnly => quote!(<#ty as ::ringback::__private::Schema>::strip_read_only(__value, __removed);),
                                Strip::WriteOnly => quote!(<#ty as ::ringback::__private::Schema>::strip_write_only(__value);),
                            }
                        }
                        VariantKind::Struct(fields) => strip_fields(fields, strip),
                    };
                    Some((v, body))
                })
                .map(|(v, body)| {
                    let name = &v.json_name;
                    match tagging {
                        Tagging::External => descend(name, &body, strip),
                        Tagging::Internal { .. } => {
                            quote!(::ringback::__private::Some(#name) => { #body })
                        }
                        Tagging::Adjacent { content, .. } => {
                            let inner = descend(content, &body, strip);
                            quote!(::ringback::__private::Some(#name) => { #inner })
                        }
                        Tagging::Untagged => quote!(),
                    }
                })
                .collect();
            match tagging {
                Tagging::External => quote!(#(#arms)*),
                Tagging::Internal { tag } | Tagging::Adjacent { tag, .. } => quote! {
                    let __tag = ::ringback::__private::visibility::tag_of(__value, #tag);
                    match ::ringback::__private::Option::as_deref(&__tag) {
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
fn clear_fn(cont: &Container) -> Option<TokenStream> {
    let fields: &[Field] = match &cont.body {
        Body::Struct(fields) => fields,
        Body::Newtype(f) => std::slice::from_ref(&**f),
        Body::Enum { .. } => return None,
    };
    let statements = fields.iter().filter(|f| !f.skip).map(|f| {
        let (ty, member) = (f.ty, &f.member);
        match (f.read_only.is_some() && !f.flatten, f.missing) {
            (true, Missing::None) => quote!(self.#member = ::ringback::__private::None;),
            (true, Missing::Default) => {
                quote!(self.#member = ::ringback::__private::Default::default();)
            }
            (true, Missing::Other) => quote!(return false;),
            (false, _) => quote! {
                if const { ::ringback::__private::shape::contains_read_only(<#ty as ::ringback::__private::Schema>::SHAPE) }
                    && !<#ty as ::ringback::__private::Schema>::clear_read_only(&mut self.#member)
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
fn descend(name: &str, body: &TokenStream, strip: Strip) -> TokenStream {
    match strip {
        Strip::ReadOnly => quote! {
            ::ringback::__private::visibility::descend(
                __value, #name, __removed,
                |__value: &mut ::ringback::__private::Value, __removed: &mut ::ringback::__private::Removed| { #body },
            );
        },
        Strip::WriteOnly => quote! {
            if let ::ringback::__private::Some(__value) = __value.get_mut(#name) {
                #body
            }
        },
    }
}

fn strip_fields(fields: &[Field], strip: Strip) -> TokenStream {
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
            const { ::ringback::__private::shape::#contains(<#ty as ::ringback::__private::Schema>::SHAPE) }
        };
        match (strip, marked, f.flatten) {
            (Strip::ReadOnly, _, true) => quote! {
                if #nested {
                    <#ty as ::ringback::__private::Schema>::strip_read_only(__value, __removed);
                }
            },
            (Strip::WriteOnly, _, true) => quote! {
                if #nested {
                    <#ty as ::ringback::__private::Schema>::strip_write_only(__value);
                }
            },
            (Strip::ReadOnly, true, false) => quote! {
                ::ringback::__private::visibility::remove_read_only(__value, #name, __removed);
            },
            (Strip::WriteOnly, true, false) => quote! {
                ::ringback::__private::visibility::remove_write_only(__value, #name);
            },
            (Strip::ReadOnly, false, false) => {
                let forbid_null = f.forbids_null().then(|| quote! {
                    ::ringback::__private::visibility::forbid_null(__value, #name, __removed);
                });
                quote! {
                    #forbid_null
                    if #nested {
                        ::ringback::__private::visibility::strip_property::<#ty>(__value, #name, __removed);
                    }
                }
            }
            (Strip::WriteOnly, false, false) => quote! {
                if #nested {
                    ::ringback::__private::visibility::strip_property_write_only::<#ty>(__value, #name);
                }
            },
        }
    });
    quote!(#(#statements)*)
}

// ---------------------------------------------------------------------------------------------
// Patterns: one static per pattern, compiled on first use

#[derive(Default)]
struct Patterns {
    /// The type the patterns belong to, for panic messages.
    owner: String,
    statics: Vec<TokenStream>,
    names: Vec<(String, syn::Ident)>,
}

impl Patterns {
    fn get(&mut self, lit: &syn::LitStr, field: &str) -> syn::Ident {
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
