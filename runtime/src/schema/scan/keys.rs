//! The keys an object has sent so far, to refuse one sent twice. serde keeps the last of two
//! equal keys and a `Value` does too, but a reader that keeps the first sees another body:
//! refusing them leaves no body that two readers see differently.
//!
//! The properties a type declares are tracked by a bit each in the scan itself; this holds
//! the others (map keys, unknown properties), whose number a client chooses.

use std::borrow::Cow;
use std::collections::HashSet;

use super::lexeme::{unescape, Str};

/// Up to this many keys, a new one is compared with each; past it, they are hashed.
const LINEAR: usize = 16;

/// The keys of every object being scanned, innermost last.
#[derive(Default)]
pub(super) struct Keys<'b> {
    /// The keys, as text where they were written with escapes (of a hashed object, only
    /// the first few).
    stack: Vec<Cow<'b, [u8]>>,
    /// For objects past [`LINEAR`] keys: where the object's keys start, and their set.
    hashed: Vec<(usize, HashSet<Cow<'b, [u8]>>)>,
}

impl<'b> Keys<'b> {
    /// Where the keys of an object that starts now will begin; pass it to the calls below.
    pub fn open(&self) -> usize {
        self.stack.len()
    }

    /// Records `key` in the object whose keys begin at `from`; `false` when it was there.
    pub fn insert(&mut self, from: usize, key: Str<'b>) -> bool {
        let key: Cow<'b, [u8]> = if key.escaped {
            // A key that is not JSON text is reported on its own; any spelling will do here.
            Cow::Owned(unescape(key.raw).map_or_else(|| key.raw.to_vec(), String::into_bytes))
        } else {
            Cow::Borrowed(key.raw)
        };
        if let Some((start, set)) = self.hashed.last_mut() {
            if *start == from {
                return set.insert(key);
            }
        }
        if self.stack[from..].contains(&key) {
            return false;
        }
        self.stack.push(key);
        if self.stack.len() - from > LINEAR {
            // The keys stay on the stack too, so that an object opened inside this one
            // starts past them.
            let set = self.stack[from..].iter().cloned().collect();
            self.hashed.push((from, set));
        }
        true
    }

    /// Forgets the keys of the object whose keys began at `from`.
    pub fn close(&mut self, from: usize) {
        if self.hashed.last().is_some_and(|(start, _)| *start == from) {
            self.hashed.pop();
        }
        self.stack.truncate(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> Str<'_> {
        Str {
            raw: raw.as_bytes(),
            escaped: raw.contains('\\'),
        }
    }

    #[test]
    fn a_key_sent_twice_is_found_however_it_is_spelled_and_however_many_there_are() {
        let names: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        let mut keys = Keys::default();
        let outer = keys.open();
        assert!(keys.insert(outer, key("a")));
        let inner = keys.open();
        assert!(keys.insert(inner, key("a")), "objects do not share keys");
        for name in &names {
            assert!(keys.insert(inner, key(name)));
        }
        let deeper = keys.open();
        assert_ne!(
            deeper, inner,
            "an object inside a hashed one has keys of its own"
        );
        assert!(keys.insert(deeper, key("k3")));
        keys.close(deeper);
        assert!(!keys.insert(inner, key("k3")));
        assert!(!keys.insert(inner, key("k39")));
        assert!(!keys.insert(inner, key("\\u0061")));
        keys.close(inner);
        assert!(!keys.insert(outer, key("\\u0061")));
        assert!(keys.insert(outer, key("k3")));
        keys.close(outer);
        assert_eq!(keys.open(), 0);
    }
}
