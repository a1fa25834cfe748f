//! What a type says as written: a macro sees names, not types, so `Option<T>` and
//! `ringback::Body<T>` are recognised by their last path segment. Invisible groups (a type that
//! came through a `macro_rules!` `$ty`) and parentheses are looked through.

/// The last segment of a path type: `Body<T>` for `ringback::Body<T>`.
pub fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        syn::Type::Group(g) => last_segment(&g.elem),
        syn::Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

/// The type with invisible groups and parentheses looked through.
pub fn ungroup(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Group(g) => ungroup(&g.elem),
        syn::Type::Paren(p) => ungroup(&p.elem),
        _ => ty,
    }
}

/// Whether the type is written `<name><..>` or `<name>`, under any path.
pub fn is_named(ty: &syn::Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == name)
}

/// The first type argument of a path segment: `T` of `Option<T>`.
pub fn first_type_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The `T` of a type written `Option<T>`.
pub fn option_argument(ty: &syn::Type) -> Option<&syn::Type> {
    last_segment(ty)
        .filter(|s| s.ident == "Option")
        .and_then(first_type_argument)
}

/// Whether the type is written `Option<..>`.
pub fn is_option(ty: &syn::Type) -> bool {
    option_argument(ty).is_some()
}

/// Whether the type is written `Option<<name><..>>`.
pub fn is_option_of(ty: &syn::Type, name: &str) -> bool {
    option_argument(ty).is_some_and(|t| is_named(t, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(tokens: proc_macro2::TokenStream) -> syn::Type {
        syn::parse2(tokens).unwrap()
    }

    #[test]
    fn options_through_groups_and_parentheses() {
        let grouped = syn::Type::Group(syn::TypeGroup {
            group_token: Default::default(),
            elem: Box::new(ty(quote::quote!(Option<u8>))),
        });
        assert!(is_option(&grouped));
        assert!(is_option(&ty(quote::quote!((std::option::Option<u8>)))));
        assert!(!is_option(&ty(quote::quote!(Vec<Option<u8>>))));
        assert!(!is_option(&ty(quote::quote!(<T as Trait>::Option<u8>))));
        assert!(is_option_of(
            &ty(quote::quote!(Option<ringback::Body<Order>>)),
            "Body"
        ));
    }
}
