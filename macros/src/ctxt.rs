//! Collects every error a macro finds, so the user sees all of them in one build.

use proc_macro2::TokenStream;
use std::cell::RefCell;
use std::fmt::Display;

/// Errors found so far. Dropping it without calling [`Ctxt::check`] is a bug in the macro.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records an error at the tokens of `at`.
    pub fn error_spanned_by<T: quote::ToTokens, M: Display>(&self, at: T, message: M) {
        self.syn_error(syn::Error::new_spanned(at.into_token_stream(), message));
    }

    /// Records an error at `span`.
    pub fn error_at<M: Display>(&self, span: proc_macro2::Span, message: M) {
        self.syn_error(syn::Error::new(span, message));
    }

    /// Records an error syn produced.
    pub fn syn_error(&self, error: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("Ctxt used after check")
            .push(error);
    }

    /// Ends collection: `Err` with every error combined, or `Ok`.
    pub fn check(self) -> Result<(), TokenStream> {
        let errors = self.errors.borrow_mut().take().expect("Ctxt checked twice");
        let mut combined = TokenStream::new();
        for e in &errors {
            combined.extend(e.to_compile_error());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(combined)
        }
    }
}

/// Every error found, then what a failed expansion still emits so that the rest of the crate
/// compiles and the user sees the real error rather than its consequences.
pub fn errors_then(checked: Result<(), TokenStream>, fallback: TokenStream) -> TokenStream {
    let mut out = checked.err().unwrap_or_default();
    out.extend(fallback);
    out
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("ringback-macros: Ctxt dropped without check()");
        }
    }
}
