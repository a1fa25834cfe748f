//! The error every store returns: what the store was doing, and the error underneath.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// An error from a [`DeliveryStore`](super::DeliveryStore): what the store was doing, and the
/// error underneath it (a SQLite, PostgreSQL or I/O error), kept as the [`source`](Error::source)
/// so that it can be inspected or downcast.
///
/// `{}` prints what the store was doing; `{:#}` adds every cause, for a log line or a message to
/// a person.
///
/// ```
/// use std::error::Error;
/// use ringback::dispatch::StoreError;
///
/// let disk = std::io::Error::other("disk full");
/// let e = StoreError::with_source("recording a delivery", disk);
/// assert_eq!(e.to_string(), "delivery store: recording a delivery");
/// assert_eq!(format!("{e:#}"), "delivery store: recording a delivery: disk full");
/// assert_eq!(e.message(), "recording a delivery");
/// assert!(e.source().unwrap().downcast_ref::<std::io::Error>().is_some());
/// ```
#[derive(Debug, Clone)]
pub struct StoreError {
    message: Cow<'static, str>,
    // Shared, so that one failed commit can answer every write of its group with the same
    // cause. `Error` is implemented by hand, not by thiserror: `source()` must hand out the
    // cause itself, not the `Arc` around it, or it could not be downcast.
    source: Option<Arc<dyn Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// An error with no cause underneath: the store refused something itself.
    ///
    /// ```
    /// use ringback::dispatch::StoreError;
    /// let e = StoreError::new("delivery msg_1 already exists");
    /// assert_eq!(e.to_string(), "delivery store: delivery msg_1 already exists");
    /// ```
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }

    /// An error saying what the store was doing when `source` happened.
    ///
    /// ```
    /// use std::error::Error;
    /// use ringback::dispatch::StoreError;
    /// let e = StoreError::with_source("opening the outbox", std::io::Error::other("denied"));
    /// assert_eq!(e.source().unwrap().to_string(), "denied");
    /// ```
    pub fn with_source(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn Error + Send + Sync + 'static>>,
    ) -> Self {
        StoreError {
            message: message.into(),
            source: Some(Arc::from(source.into())),
        }
    }

    /// What the store was doing, or what it refused, without the causes.
    ///
    /// ```
    /// use ringback::dispatch::StoreError;
    /// assert_eq!(StoreError::new("closed").message(), "closed");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `more` said after its message (advice on what to do about it).
    #[cfg(any(feature = "postgres", test))]
    pub(in crate::dispatch) fn and(self, more: &str) -> Self {
        StoreError {
            message: format!("{}: {more}", self.message).into(),
            source: self.source,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "delivery store: {}", self.message)?;
        if f.alternate() {
            // Some errors (tokio-postgres's) print their cause in their own message too: a
            // cause already said is not said again.
            let mut said = self.message.to_string();
            let mut cause = self.source();
            while let Some(c) = cause {
                let text = c.to_string();
                if !said.contains(&text) {
                    write!(f, ": {text}")?;
                    said.push_str(&text);
                }
                cause = c.source();
            }
        }
        Ok(())
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// Says what a store was doing when an error happened, keeping the error as the cause.
pub(in crate::dispatch) trait Context<T> {
    fn context(self, doing: impl Into<Cow<'static, str>>) -> Result<T, StoreError>;
}

impl<T, E: Error + Send + Sync + 'static> Context<T> for Result<T, E> {
    fn context(self, doing: impl Into<Cow<'static, str>>) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::with_source(doing, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "outer: {}", self.0)
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_cause_the_message_already_holds_is_printed_once() {
        let e = StoreError::with_source("connecting", Outer(std::io::Error::other("reset")));
        assert_eq!(format!("{e:#}"), "delivery store: connecting: outer: reset");
        assert_eq!(e.to_string(), "delivery store: connecting");
    }

    #[test]
    fn the_cause_is_the_original_error() {
        let e: Result<(), _> = Err(std::io::Error::other("gone"));
        let e = e.context("syncing").unwrap_err();
        let source = e.source().unwrap();
        assert!(source.downcast_ref::<std::io::Error>().is_some());
        assert_eq!(e.clone().and("try again").message(), "syncing: try again");
    }
}
