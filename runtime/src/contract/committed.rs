//! A committed document and the code that must keep to it: the check, the test helper, and
//! the rewrite when a change is intended.

use std::path::Path;

use serde_json::Value;

use super::classify::Allow;
use super::load::{load, ContractError};
use super::report::Report;
use crate::openapi::{Document, OpenApiVersion};

/// The environment variable that, set to `overwrite`, makes [`assert_matches`] rewrite the
/// committed document from the code instead of failing.
pub const OVERWRITE_VAR: &str = "RINGBACK_CONTRACT";

/// Whatever gives an OpenAPI document: an [`Api`](crate::Api), or a [`Document`] itself.
///
/// ```
/// use ringback::contract::Source;
/// let doc = ringback::openapi::Document::new("Shop", "1.0");
/// assert_eq!(Source::document(&doc).info.title, "Shop");
/// ```
pub trait Source {
    /// The document the code describes.
    fn document(&self) -> Document;
}

impl Source for Document {
    fn document(&self) -> Document {
        self.clone()
    }
}

/// The version a committed document is written in (3.0.3 when it does not say 3.1).
fn version_of(committed: &Value) -> OpenApiVersion {
    // An unquoted `openapi: 3.1` in YAML is a number.
    match committed
        .get("openapi")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
    {
        Some(v) if v.starts_with("3.1") => OpenApiVersion::V3_1_0,
        _ => OpenApiVersion::V3_0_3,
    }
}

/// Compares the code's document with the committed one at `path` (JSON or YAML, 3.0 or
/// 3.1): the report calls them `committed` and `code`, and judges the code's document by what
/// it does to the clients of the committed one.
///
/// ```
/// use ringback::contract::{check, Class};
/// use ringback::openapi::Document;
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("openapi.yaml");
/// std::fs::write(&path, "openapi: 3.0.3\ninfo: {title: Shop, version: '1.0'}\npaths: {}\n").unwrap();
///
/// let code = Document::new("Shop", "1.1");
/// let report = check(&code, &path).unwrap();
/// assert_eq!(report.worst(), Some(Class::Documentation));
/// assert!(report.to_string().contains("code:"));
/// ```
pub fn check(source: &impl Source, path: impl AsRef<Path>) -> Result<Report, ContractError> {
    let committed = load(path.as_ref())?;
    let code = source.document().to_json(version_of(&committed));
    Ok(super::compare(&committed, &code)?.named("committed", "code"))
}

/// Writes the code's document to `path`: YAML for a `.yaml` or `.yml` file, JSON otherwise,
/// in the OpenAPI version the file already has (3.0.3 for a new one).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("openapi.json");
/// ringback::contract::write(&ringback::openapi::Document::new("Shop", "1.0"), &path).unwrap();
/// assert!(ringback::contract::check(&ringback::openapi::Document::new("Shop", "1.0"), &path)
///     .unwrap()
///     .is_empty());
/// ```
pub fn write(source: &impl Source, path: impl AsRef<Path>) -> Result<(), ContractError> {
    let path = path.as_ref();
    let version = load(path).map(|v| version_of(&v)).unwrap_or_default();
    let doc = source.document();
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let text = if yaml {
        doc.to_yaml(version)
    } else {
        doc.to_json_pretty(version) + "\n"
    };
    std::fs::write(path, text).map_err(|source| ContractError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// The command that runs the current test again with the rewrite on.
fn rerun_command() -> String {
    let package = std::env::var("CARGO_PKG_NAME").ok();
    let test = std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .map(str::to_owned);
    let target = std::env::current_exe().ok().and_then(|exe| {
        let stem = exe.file_stem()?.to_str()?.to_owned();
        let name = stem
            .rsplit_once('-')
            .map_or(stem.as_str(), |(n, _)| n)
            .to_owned();
        let crate_name = package.as_deref().map(|p| p.replace('-', "_"));
        Some(if Some(&name) == crate_name.as_ref() {
            "--lib".to_owned()
        } else {
            format!("--test {name}")
        })
    });
    let mut command = format!("{OVERWRITE_VAR}=overwrite cargo test");
    if let Some(p) = package {
        command += &format!(" -p {p}");
    }
    if let Some(t) = target {
        command += &format!(" {t}");
    }
    if let Some(t) = test {
        command += &format!(" -- --exact {t}");
    }
    command
}

/// Holds the code to the committed document at `path`: panics with the report when they
/// differ by more than `allow` lets pass, or when the file is missing.
///
/// With `RINGBACK_CONTRACT=overwrite` in the environment it writes the code's document to
/// `path` instead (see [`write()`]) whenever the two differ at all, and passes: commit the file
/// and review its diff. The panic message gives the exact command. A relative `path` is from
/// the package's root, where `cargo test` runs tests.
///
/// ```
/// use ringback::contract::{assert_matches, Allow};
/// use ringback::openapi::Document;
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("openapi.yaml");
/// std::fs::write(&path, "openapi: 3.0.3\ninfo: {title: Shop, version: '1.0'}\npaths: {}\n").unwrap();
///
/// assert_matches(&Document::new("Shop", "1.0"), &path, Allow::Nothing);
/// // A new version number is documentation: it passes unless nothing may differ.
/// assert_matches(&Document::new("Shop", "1.1"), &path, Allow::Documentation);
/// let refused = std::panic::catch_unwind(|| {
///     assert_matches(&Document::new("Shop", "1.1"), &path, Allow::Nothing)
/// });
/// assert!(refused.is_err());
/// ```
#[track_caller]
pub fn assert_matches(source: &impl Source, path: impl AsRef<Path>, allow: Allow) {
    let path = path.as_ref();
    let overwrite = std::env::var(OVERWRITE_VAR).is_ok_and(|v| v == "overwrite");
    let shown = path.display();
    if !path.exists() {
        if overwrite {
            write(source, path).unwrap_or_else(|e| panic!("{e}"));
            eprintln!("{OVERWRITE_VAR}=overwrite: wrote {shown}");
            return;
        }
        panic!(
            "the committed OpenAPI document {shown} does not exist; write it from the code with\n    {}",
            rerun_command()
        );
    }
    let report = check(source, path).unwrap_or_else(|e| panic!("{shown}: {e}"));
    if report.is_empty() {
        return;
    }
    if overwrite {
        write(source, path).unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "{OVERWRITE_VAR}=overwrite: rewrote {shown} from the code; review its diff:\n{report}"
        );
        return;
    }
    if report.passes(allow) {
        eprintln!(
            "{shown}: the code differs from its committed document as allowed ({allow}):\n{report}"
        );
        return;
    }
    panic!(
        "the code no longer matches its committed OpenAPI document {shown} (this check allows {allow})\n\n{report}\n\
         If the change is intended, rewrite the document from the code, then review and commit its diff:\n    {}\n",
        rerun_command()
    );
}
