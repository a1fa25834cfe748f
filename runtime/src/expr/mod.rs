//! OpenAPI runtime expressions (`{$request.body#/callbackUrl}`): one parser, made of `const
//! fn`s, that checks callback declarations during compilation and evaluates them at run time.

mod evaluate;
mod parse;

pub use evaluate::{evaluate, expand, expand_request, Context, ExpandError, ResponseContext};
pub use parse::{
    check_template, is_single_expression, next_piece, parse_expression, ErrorKind, Expression,
    ParseError, Piece, Source,
};

#[cfg(test)]
mod tests;
