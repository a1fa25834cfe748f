//! The derive's model of a type: what serde does with it and what `#[schema]` adds.

use proc_macro2::Span;

/// A type deriving `Schema`.
pub struct Container<'a> {
    pub ident: &'a syn::Ident,
    pub generics: &'a syn::Generics,
    /// Where generated code finds ringback (`#[schema(crate = "...")]`), when not at `::ringback`.
    pub krate: Option<syn::Path>,
    /// The component name (a generic type's instantiations add their arguments' names), or
    /// `None` when the schema is written inline.
    pub component: Option<String>,
    /// The name the type gives a generic type it instantiates: its component name or, inline,
    /// its `rename` or Rust name.
    pub name: String,
    pub description: Option<String>,
    pub deprecated: bool,
    pub example: Option<syn::Expr>,
    pub deny_unknown_fields: bool,
    /// What serde makes of the type, or `None` when the derive cannot describe it (an error
    /// says why).
    pub body: Option<Body<'a>>,
}

pub enum Body<'a> {
    /// Named fields, serialized as an object.
    Struct(Vec<Field<'a>>),
    /// One field serialized as itself (a tuple newtype or `#[serde(transparent)]`).
    Newtype(Box<Field<'a>>),
    Enum {
        variants: Vec<Variant<'a>>,
        tagging: Tagging,
    },
}

#[derive(Clone)]
pub enum Tagging {
    External,
    Internal { tag: String },
    Adjacent { tag: String, content: String },
    Untagged,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub json_name: String,
    pub description: Option<String>,
    pub deprecated: bool,
    pub kind: VariantKind<'a>,
}

pub enum VariantKind<'a> {
    Unit,
    Newtype(Box<Field<'a>>),
    Struct(Vec<Field<'a>>),
}

pub struct Field<'a> {
    /// `self.<member>` reaches it.
    pub member: syn::Member,
    pub ty: &'a syn::Type,
    pub json_name: String,
    pub description: Option<String>,
    pub deprecated: bool,
    /// serde never reads or writes it.
    pub skip: bool,
    /// Output only when the predicate says so, so not always present.
    pub skip_serializing_if: bool,
    /// Accepted on input but never written (serde `skip_serializing`).
    pub skip_serializing: bool,
    /// Written but never read (serde `skip_deserializing`).
    pub skip_deserializing: bool,
    /// serde fills it in when it is missing.
    pub default: bool,
    /// What serde gives the field when it is missing, for resetting a readOnly one.
    pub missing: Missing,
    pub flatten: bool,
    pub read_only: Option<Span>,
    pub write_only: Option<Span>,
    pub format: Option<syn::LitStr>,
    pub example: Option<syn::Expr>,
    pub rules: Vec<Rule>,
}

impl Field<'_> {
    /// Whether the field's type is written as `Option<..>` (how serde itself decides that a
    /// missing field is `None`).
    pub fn is_option(&self) -> bool {
        crate::ty::is_option(self.ty)
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some() || self.skip_deserializing
    }

    pub fn is_write_only(&self) -> bool {
        self.write_only.is_some() || self.skip_serializing
    }

    /// An `Option` that serde never writes as `null`: optional, but not nullable.
    pub fn forbids_null(&self) -> bool {
        self.is_option() && self.skip_serializing_if
    }
}

/// What serde gives a field a client left out.
#[derive(Clone, Copy, PartialEq)]
pub enum Missing {
    /// `None`: an `Option` without `#[serde(default)]`.
    None,
    /// `Default::default()`: `#[serde(default)]` on the field.
    Default,
    /// A function's or the container's default, or an error: not reproduced here.
    Other,
}

/// One `#[schema]` validation rule on a field.
pub struct Rule {
    pub kind: RuleKind,
    pub value: RuleValue,
    /// The key's span, where errors about the rule point.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
    MinLength,
    MaxLength,
    Pattern,
    MinItems,
    MaxItems,
}

impl RuleKind {
    pub fn key(self) -> &'static str {
        use crate::symbol::*;
        match self {
            RuleKind::Minimum => MINIMUM,
            RuleKind::Maximum => MAXIMUM,
            RuleKind::ExclusiveMinimum => EXCLUSIVE_MINIMUM,
            RuleKind::ExclusiveMaximum => EXCLUSIVE_MAXIMUM,
            RuleKind::MinLength => MIN_LENGTH,
            RuleKind::MaxLength => MAX_LENGTH,
            RuleKind::Pattern => PATTERN,
            RuleKind::MinItems => MIN_ITEMS,
            RuleKind::MaxItems => MAX_ITEMS,
        }
    }
}

pub enum RuleValue {
    /// A number literal, possibly negative.
    Number(Number),
    /// A count (lengths and item counts).
    Count(u64),
    /// A pattern.
    Pattern(syn::LitStr),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

impl Rule {
    pub fn number(&self) -> Option<Number> {
        match self.value {
            RuleValue::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn count(&self) -> Option<u64> {
        match self.value {
            RuleValue::Count(n) => Some(n),
            _ => None,
        }
    }
}
