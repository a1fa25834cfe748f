//! An `Api` is a source of the document a committed contract is compared with.

use super::Api;
use crate::contract::Source;
use crate::openapi::Document;

impl<S: Clone + Send + Sync + 'static> Source for Api<S> {
    fn document(&self) -> Document {
        Api::document(self)
    }
}
