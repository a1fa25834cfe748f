//! The handler function: it must be a plain `async fn` whose arguments are extractors.

use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

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

impl Arg<'_> {
    /// The last segment of the argument type's path (`Path` for `ringback::Path<T>`).
    pub fn type_name(&self) -> Option<String> {
        match self.ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
    }
}

pub fn parse<'a>(cx: &Ctxt, func: &'a syn::ItemFn) -> Handler<'a> {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        cx.error_spanned_by(
            sig.fn_token,
            format!(
                "a handler must be an `async fn`; write `async fn {}(...)`",
                sig.ident
            ),
        );
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            "a handler cannot be generic: its arguments and return type decide how requests are read and answered; use concrete types",
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, "a handler cannot be variadic");
    }
    let mut args = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => cx.error_spanned_by(
                r,
                "a handler is a free function, not a method; remove `self`",
            ),
            syn::FnArg::Typed(t) => match arg_name(&t.pat) {
                Some(name) => args.push(Arg {
                    name,
                    ty: &t.ty,
                    doc: crate::attr::doc_comment(&t.attrs),
                }),
                None => cx.error_spanned_by(
                    &t.pat,
                    "name this argument with an identifier (`customer_id: Path<Uuid>`) or one extractor pattern (`Path(customer_id): Path<Uuid>`): path and query parameters are matched by name",
                ),
            },
        }
    }
    let output = match &sig.output {
        syn::ReturnType::Default => syn::parse_quote_spanned!(sig.span()=> ()),
        syn::ReturnType::Type(_, ty) => (**ty).clone(),
    };
    Handler { func, args, output }
}

/// `name`, `mut name`, `_name`, or `Extractor(name)`.
fn arg_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string().trim_start_matches("r#").to_owned()),
        syn::Pat::TupleStruct(t) if t.elems.len() == 1 => arg_name(&t.elems[0]),
        _ => None,
    }
}
