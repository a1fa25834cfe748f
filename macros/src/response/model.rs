//! The response enum's model: each variant's status, body and headers.

/// `#[derive(ApiResponse)] enum ...`
pub struct ResponseEnum<'a> {
    pub ident: &'a syn::Ident,
    pub generics: &'a syn::Generics,
    /// False for a struct or union, which parsing has already refused.
    pub is_enum: bool,
    pub variants: Vec<Variant<'a>>,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    /// `#[response(status = 404)]`, and its token.
    pub status: Option<(u16, syn::LitInt)>,
    /// `description = ".."` or the doc comment.
    pub description: Option<String>,
    pub style: Style,
    pub body: Option<Field<'a>>,
    pub headers: Vec<HeaderField<'a>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Unit,
    Tuple,
    Named,
}

/// A field of a variant: its name (or index) and type.
pub struct Field<'a> {
    pub member: syn::Member,
    pub ty: &'a syn::Type,
}

/// A field marked `#[response(header = "Retry-After")]`.
pub struct HeaderField<'a> {
    pub field: Field<'a>,
    pub name: syn::LitStr,
    pub description: Option<String>,
    pub format: Option<syn::LitStr>,
}

impl Variant<'_> {
    pub fn is_success(&self) -> bool {
        matches!(self.status, Some((200..=299, _)))
    }
}

impl ResponseEnum<'_> {
    /// The variant whose body `$response.body` expressions read: the only 2xx variant with a
    /// body. With several, none: a callback could not know which body it reads.
    pub fn body_variant(&self) -> Option<&Variant<'_>> {
        let mut with_body = self
            .variants
            .iter()
            .filter(|v| v.is_success() && v.body.is_some());
        match (with_body.next(), with_body.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// The status the enum stands for when one is asked for: that of the body variant, or
    /// else of the first 2xx variant, or else of the first variant.
    pub fn primary_status(&self) -> u16 {
        self.body_variant()
            .or_else(|| self.variants.iter().find(|v| v.is_success()))
            .or_else(|| self.variants.first())
            .and_then(|v| v.status.as_ref().map(|(s, _)| *s))
            .unwrap_or(200)
    }
}
