//! The message a failed compile-time check stops the build with, built during constant
//! evaluation, which has no `format!`.

use crate::case::{self, RenameRule};

/// A message built during constant evaluation (which has no `format!`). A check returns one
/// when it fails, and the generated `const` item panics with it, so the compiler reports the
/// message at the user's token without a trail of notes through the checks.
pub struct Message {
    bytes: [u8; 1024],
    len: usize,
}

impl Message {
    /// An empty message.
    pub const fn new() -> Self {
        Message {
            bytes: [0; 1024],
            len: 0,
        }
    }

    /// The message with `text` appended (cut off at 1 KiB).
    pub const fn push(mut self, text: &str) -> Self {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = b[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// The message with `name` appended in snake_case (`orderId` as `order_id`).
    pub const fn push_snake(mut self, name: &str) -> Self {
        self.len = case::snake_into(name, &mut self.bytes, self.len);
        self
    }

    /// The message with `name` appended in camelCase (`order_id` as `orderId`).
    pub const fn push_camel(mut self, name: &str) -> Self {
        self.len = RenameRule::Camel.field_into(name, &mut self.bytes, self.len);
        self
    }

    /// The text so far.
    pub const fn as_str(&self) -> &str {
        let (head, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(head) {
            Ok(s) => s,
            // Only whole `&str`s are pushed, so this is reached only past the cut-off.
            Err(e) => match core::str::from_utf8(head.split_at(e.valid_up_to()).0) {
                Ok(s) => s,
                Err(_) => "",
            },
        }
    }
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_case() {
        assert_eq!(Message::new().push_snake("orderId").as_str(), "order_id");
        assert_eq!(
            Message::new().push_snake("X-Request-Id").as_str(),
            "x_request_id"
        );
        assert_eq!(Message::new().push_camel("order_id").as_str(), "orderId");
    }

    #[test]
    fn messages_build_and_cut_off() {
        let m = Message::new().push("a").push("é");
        assert_eq!(m.as_str(), "aé");
        let mut long = Message::new();
        for _ in 0..2000 {
            long = long.push("é");
        }
        assert!(long.as_str().len() <= 1024);
    }
}
