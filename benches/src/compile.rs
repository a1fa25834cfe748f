//! Compile time: the order service as ringback, plain axum and poem-openapi crates, each built
//! clean (its dependencies already built) and again after one handler changes; and the two
//! derive crates, ringback's and poem-openapi's, built on their own.
//!
//! Builds go to `target/compile-bench`, apart from the workspace's own builds, in the dev
//! profile a user iterates with.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{median, rounds};

/// One implementation of the order service, and the file holding its `place_order` handler.
struct Variant {
    name: &'static str,
    package: &'static str,
    handler: &'static str,
}

const VARIANTS: [Variant; 3] = [
    Variant {
        name: "ringback",
        package: "orders-ringback",
        handler: "examples/src/service.rs",
    },
    Variant {
        name: "plain axum",
        package: "orders-axum",
        handler: "benches/orders/axum/src/lib.rs",
    },
    Variant {
        name: "poem-openapi",
        package: "orders-poem",
        handler: "benches/orders/poem/src/lib.rs",
    },
];

/// The text each handler has in its 409 message; the incremental build changes it.
const MARKER: &str = "sent to the orders of";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ is inside the workspace")
        .to_owned()
}

/// Runs cargo on the benchmark's target directory; returns how long it took.
fn cargo(args: &[&str]) -> Duration {
    let root = workspace();
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .arg("--quiet")
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target/compile-bench"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo {args:?} failed");
    started.elapsed()
}

/// A handler file changed for one build and put back however the build ends.
struct Edited {
    path: PathBuf,
    original: String,
}

impl Edited {
    fn new(path: PathBuf) -> Self {
        let original = std::fs::read_to_string(&path).expect("the handler file");
        assert!(
            original.contains(MARKER),
            "{} lost its marker",
            path.display()
        );
        // A real change to the handler's code: one word of a message.
        std::fs::write(
            &path,
            original.replacen(MARKER, "sent to the orders  of", 1),
        )
        .unwrap();
        Edited { path, original }
    }
}

impl Drop for Edited {
    fn drop(&mut self) {
        std::fs::write(&self.path, &self.original).expect("the handler file is put back");
    }
}

fn seconds(d: &[Duration]) -> f64 {
    median(d.iter().map(Duration::as_secs_f64).collect())
}

pub fn compile() {
    let rounds = rounds();
    println!("## compile time: dev profile, dependencies prebuilt, {rounds} rounds side by side, target/compile-bench");
    for v in &VARIANTS {
        cargo(&["build", "-p", v.package]);
    }
    let macros = ["ringback-macros", "poem-openapi-derive"];
    for m in macros {
        cargo(&["build", "-p", m]);
    }
    let mut clean = vec![Vec::new(); VARIANTS.len()];
    let mut incremental = vec![Vec::new(); VARIANTS.len()];
    let mut macro_builds = vec![Vec::new(); macros.len()];
    for round in 0..rounds {
        for (i, v) in VARIANTS.iter().enumerate() {
            cargo(&["clean", "-p", v.package]);
            let c = cargo(&["build", "-p", v.package]);
            let edited = Edited::new(workspace().join(v.handler));
            let n = cargo(&["build", "-p", v.package]);
            drop(edited);
            println!(
                "round {round} {:<13} clean {:>6.2} s  one handler changed {:>6.2} s",
                v.name,
                c.as_secs_f64(),
                n.as_secs_f64()
            );
            clean[i].push(c);
            incremental[i].push(n);
        }
    }
    // The derive crates last: rebuilding one makes everything that uses it stale, which
    // would put ringback's or poem-openapi's own rebuild into the next round's figures.
    for round in 0..rounds {
        for (i, m) in macros.iter().enumerate() {
            cargo(&["clean", "-p", m]);
            let t = cargo(&["build", "-p", m]);
            println!("round {round} {m:<20} {:>6.2} s", t.as_secs_f64());
            macro_builds[i].push(t);
        }
    }
    let axum = (seconds(&clean[1]), seconds(&incremental[1]));
    println!("median of {rounds} rounds:");
    for (i, v) in VARIANTS.iter().enumerate() {
        let (c, n) = (seconds(&clean[i]), seconds(&incremental[i]));
        println!(
            "  {:<13} clean {c:>6.2} s ({:.2}x plain axum)  one handler changed {n:>6.2} s ({:.2}x plain axum)",
            v.name,
            c / axum.0,
            n / axum.1
        );
    }
    for (i, m) in macros.iter().enumerate() {
        println!("  {m:<20} built alone {:>6.2} s", seconds(&macro_builds[i]));
    }
}
