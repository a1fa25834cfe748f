//! The crate's layers, checked: a module may use only the modules of the layers below its own.
//! The crate documentation draws the same table; this test keeps the two honest.

use std::path::Path;

/// Each top-level module and its layer, lowest first.
const LAYERS: &[(&str, u8)] = &[
    ("case", 0),
    ("openapi", 1),
    ("expr", 1),
    ("schema", 2),
    ("contract", 2),
    ("callback", 3),
    ("checks", 3),
    ("server", 4),
    ("dispatch", 4),
    ("receiver", 5),
    ("bridge", 5),
    ("console", 5),
    ("__private", 6),
];

/// What the crate root re-exports, by the module it comes from: `crate::Schema` is a use of
/// `schema`.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Schema", "schema"),
    ("Shape", "schema"),
    ("Validator", "schema"),
    ("Violation", "schema"),
    ("shape", "schema"),
    ("validate", "schema"),
    ("Callback", "callback"),
    ("WebhookEvent", "callback"),
    ("Api", "server"),
    ("ApiError", "server"),
    ("Body", "server"),
    ("Bytes", "server"),
    ("Created", "server"),
    ("Header", "server"),
    ("NoContent", "server"),
    ("Path", "server"),
    ("Problem", "server"),
    ("Query", "server"),
    ("ReadOnlyPolicy", "server"),
    ("State", "server"),
    ("Text", "server"),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level modules that `source` names through `crate::`, with the line each is on.
fn uses(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            // `crate::{a, b::c}` names several modules at once.
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|item| item.trim())
                    .collect(),
                None => vec![rest],
            };
            for name in names {
                let ident: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() && ident != "self" {
                    found.push((n + 1, ident));
                }
            }
        }
    }
    found
}

/// Each use in `source`, a file of `module`, of a module on its own layer or above.
fn violations(module: &str, file: &str, source: &str) -> Vec<String> {
    let Some(own) = layer(module) else {
        return vec![format!("{file}: module `{module}` has no layer in LAYERS")];
    };
    let mut out = Vec::new();
    for (line, name) in uses(source) {
        let target = match ROOT_ITEMS.iter().find(|(item, _)| *item == name) {
            Some((_, from)) => *from,
            None => name.as_str(),
        };
        if target == module {
            continue;
        }
        match layer(target) {
            Some(l) if l < own => {}
            Some(l) => out.push(format!(
                "{file}:{line}: `{module}` (layer {own}) uses `{target}` (layer {l}); a module uses only the layers below its own"
            )),
            None => out.push(format!(
                "{file}:{line}: `crate::{name}` is neither a module in LAYERS nor an item in ROOT_ITEMS"
            )),
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the source folder is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a file");
        let module = first.as_os_str().to_str().expect("UTF-8 names");
        let module = module.strip_suffix(".rs").unwrap_or(module);
        if matches!(module, "lib" | "layers") {
            continue;
        }
        let source = std::fs::read_to_string(path).expect("readable source");
        problems.extend(violations(module, &relative.display().to_string(), &source));
    }
    assert!(files.len() > 40, "found only {} files", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_a_use_upwards() {
    let source = "use crate::server::Problem;\nuse crate::{expr, dispatch::Secret};\n// crate::server in a comment\nfn f() -> crate::Api<()> { loop {} }";
    let found = violations("callback", "x.rs", source);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("x.rs:1: `callback` (layer 3) uses `server` (layer 4)"));
    assert!(found[1].contains("uses `dispatch`"));
    assert!(found[2].starts_with("x.rs:4:"));
    assert!(violations("server", "y.rs", source).len() == 1);
    assert!(violations("schema", "z.rs", "use crate::case::str_eq;").is_empty());
    assert_eq!(
        violations("schema", "z.rs", "crate::nowhere::f()")[0],
        "z.rs:1: `crate::nowhere` is neither a module in LAYERS nor an item in ROOT_ITEMS"
    );
}
