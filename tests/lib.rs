//! Integration tests for ringback; the tests live in the one `[[test]]` target, `integration`
//! (`integration/main.rs`, a module per area).
