//! Integration tests for ringback; the tests live in the `[[test]]` targets.
