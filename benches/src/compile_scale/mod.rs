//! Compile time as an API grows: the same API of N operations written as plain axum,
//! poem-openapi, ringback, and ringback with a callback on every operation (see
//! `templates.rs`), each a generated crate of its own. For each size the four are measured side
//! by side in rounds, the order reversed every other round: a clean build of the crate (its
//! dependencies prebuilt) with the peak RSS of its rustc, a build after one handler changed,
//! and `cargo check` after a clean. The figures kept are the medians.
//!
//! Everything lives in `target/compile-scale/`: the crates in `<variant>-<N>/`, one target
//! directory for all of them in `target/`, so that dependencies are built once.

mod generate;
mod templates;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use generate::{Generated, Variant};

use crate::{median, rounds};

/// The sizes measured when none are named.
const SIZES: [usize; 3] = [10, 50, 200];

/// GNU time (Debian package `time`): it reports the peak RSS of the rustc it runs.
const TIME: &str = "/usr/bin/time";

/// Cargo's `RUSTC_WRAPPER` for every build here: it runs rustc as it is, except the crate
/// named in `SCALE_RSS_CRATE`, whose peak RSS in KiB GNU time writes to `SCALE_RSS_FILE`.
const WRAPPER: &str = r#"#!/bin/sh
# Written by `ringback-bench compile-scale`.
if [ -n "$SCALE_RSS_FILE" ]; then
    previous=
    for arg in "$@"; do
        if [ "$previous" = --crate-name ] && [ "$arg" = "$SCALE_RSS_CRATE" ]; then
            exec /usr/bin/time -f %M -o "$SCALE_RSS_FILE" "$@"
        fi
        previous=$arg
    done
fi
exec "$@"
"#;

/// Where the generated crates are, and how cargo is run on them.
struct Bench {
    workspace: PathBuf,
    root: PathBuf,
    wrapper: PathBuf,
}

impl Bench {
    fn new() -> Self {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("benches/ is inside the workspace")
            .to_owned();
        let root = workspace.join("target/compile-scale");
        std::fs::create_dir_all(&root).expect("target/compile-scale");
        let wrapper = root.join("rustc-wrapper");
        std::fs::write(&wrapper, WRAPPER).expect("the rustc wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        Bench {
            workspace,
            root,
            wrapper,
        }
    }

    fn command(&self, krate: &Generated, args: &[&str]) -> Command {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .args(args)
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(&krate.manifest)
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            // The same wrapper on every build: what cargo runs rustc with stays the same, and
            // nothing here is rebuilt for a reason of its own.
            .env("RUSTC_WRAPPER", &self.wrapper)
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("SCALE_RSS_FILE");
        command
    }

    fn clean(&self, krate: &Generated) {
        let status = self
            .command(krate, &["clean", "-p", &krate.package])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo clean -p {} failed", krate.package);
    }

    /// Runs `cargo build` or `cargo check` on `krate`; returns how long it took and the
    /// dependencies it rebuilt. With `rss`, the crate's own rustc runs under GNU time, which
    /// writes its peak RSS there.
    fn run(&self, krate: &Generated, build: &str, rss: Option<&Path>) -> (Duration, Vec<String>) {
        let mut command = self.command(krate, &[build, "--message-format=json"]);
        if let Some(file) = rss {
            command
                .env("SCALE_RSS_FILE", file)
                .env("SCALE_RSS_CRATE", &krate.crate_name);
        }
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let started = Instant::now();
        let out = command.output().expect("cargo runs");
        let elapsed = started.elapsed();
        let messages: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if !out.status.success() {
            for m in &messages {
                if let Some(text) = m["message"]["rendered"].as_str() {
                    eprint!("{text}");
                }
            }
            panic!("cargo {build} failed on {}", krate.manifest.display());
        }
        let rebuilt = messages
            .iter()
            .filter(|m| m["reason"] == "compiler-artifact" && m["fresh"] == false)
            .filter_map(|m| m["target"]["name"].as_str())
            .filter(|name| *name != krate.crate_name)
            .map(str::to_owned)
            .collect();
        (elapsed, rebuilt)
    }

    /// [`run`](Self::run), timed: `None` when a dependency was rebuilt inside the timing
    /// (someone edited ringback meanwhile), as the figure would include it.
    fn timed(&self, krate: &Generated, build: &str, rss: Option<&Path>) -> Option<Duration> {
        let (elapsed, rebuilt) = self.run(krate, build, rss);
        if rebuilt.is_empty() {
            return Some(elapsed);
        }
        println!(
            "  ({} rebuilt inside a timed {build}: measured again)",
            rebuilt.join(", ")
        );
        None
    }

    /// One round of one crate: clean build (and its peak RSS), one handler changed, check.
    /// A step that rebuilt a dependency is measured again.
    fn round(&self, krate: &Generated) -> Sample {
        let rss_file = self.root.join("rustc-peak-rss");
        let clean = loop {
            self.clean(krate);
            let _ = std::fs::remove_file(&rss_file);
            if let Some(t) = self.timed(krate, "build", Some(&rss_file)) {
                break t;
            }
        };
        let rss_kib = peak_rss_kib(&rss_file);
        let incremental = loop {
            let edit = Edited::new(&krate.lib);
            let t = self.timed(krate, "build", None);
            drop(edit);
            match t {
                Some(t) => break t,
                // Built again as it was, so that the next try starts where this one did.
                None => {
                    self.run(krate, "build", None);
                }
            }
        };
        let check = loop {
            self.clean(krate);
            if let Some(t) = self.timed(krate, "check", None) {
                break t;
            }
        };
        Sample {
            clean,
            incremental,
            check,
            rss_kib,
        }
    }
}

/// What GNU time wrote: the peak RSS in KiB, on the last line.
fn peak_rss_kib(file: &Path) -> f64 {
    let text = std::fs::read_to_string(file)
        .expect("GNU time wrote the crate's peak RSS (was its rustc run through the wrapper?)");
    text.lines()
        .filter_map(|l| l.trim().parse().ok())
        .next_back()
        .expect("a peak RSS in KiB")
}

/// The crate's source with operation 0's handler changed, put back however the build ends.
struct Edited {
    path: PathBuf,
    original: String,
}

impl Edited {
    fn new(path: &Path) -> Self {
        let original = std::fs::read_to_string(path).expect("the generated lib.rs");
        std::fs::write(path, generate::edited(&original)).unwrap();
        Edited {
            path: path.to_owned(),
            original,
        }
    }
}

impl Drop for Edited {
    fn drop(&mut self) {
        std::fs::write(&self.path, &self.original).expect("the generated lib.rs is put back");
    }
}

struct Sample {
    clean: Duration,
    incremental: Duration,
    check: Duration,
    rss_kib: f64,
}

/// The medians of one variant at one size.
struct Figures {
    clean: f64,
    incremental: f64,
    check: f64,
    rss_mib: f64,
}

impl Figures {
    fn of(samples: &[Sample]) -> Self {
        let seconds = |f: fn(&Sample) -> Duration| {
            median(samples.iter().map(|s| f(s).as_secs_f64()).collect())
        };
        Figures {
            clean: seconds(|s| s.clean),
            incremental: seconds(|s| s.incremental),
            check: seconds(|s| s.check),
            rss_mib: median(samples.iter().map(|s| s.rss_kib / 1024.0).collect()),
        }
    }
}

/// `ringback-bench compile-scale [N...]`.
pub fn compile_scale(args: &[String]) {
    let sizes: Vec<usize> = if args.is_empty() {
        SIZES.to_vec()
    } else {
        args.iter()
            .map(|a| a.parse().expect("sizes are numbers of operations"))
            .collect()
    };
    if !Path::new(TIME).exists() {
        eprintln!(
            "{TIME} is missing: the peak memory needs GNU time (Debian: apt-get install time)"
        );
        std::process::exit(2);
    }
    let bench = Bench::new();
    let rounds = rounds();
    let mut results = Vec::new();
    for &n in &sizes {
        println!(
            "## compile time at {n} operations: dev profile, dependencies prebuilt, {rounds} rounds side by side (reversed every other round), {}",
            bench.root.display()
        );
        let crates: Vec<Generated> = Variant::ALL
            .iter()
            .map(|&v| generate::generate(&bench.root, &bench.workspace, v, n))
            .collect();
        // Dependencies built (for build and for check) before anything is timed.
        for krate in &crates {
            for build in ["build", "check"] {
                bench.run(krate, build, None);
            }
        }
        let mut samples: Vec<Vec<Sample>> = crates.iter().map(|_| Vec::new()).collect();
        for round in 0..rounds {
            let mut order: Vec<usize> = (0..crates.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let s = bench.round(&crates[i]);
                println!(
                    "round {round} {:<20} clean {:>6.2} s ({:>4.0} MiB)  one handler changed {:>6.2} s  check {:>6.2} s",
                    Variant::ALL[i].label(),
                    s.clean.as_secs_f64(),
                    s.rss_kib / 1024.0,
                    s.incremental.as_secs_f64(),
                    s.check.as_secs_f64()
                );
                samples[i].push(s);
            }
        }
        let figures: Vec<Figures> = samples.iter().map(|s| Figures::of(s)).collect();
        print_medians(rounds, &figures);
        results.push((n, figures));
    }
    print_table(&results);
}

fn print_medians(rounds: usize, figures: &[Figures]) {
    let axum = &figures[0];
    println!("median of {rounds} rounds:");
    for (v, f) in Variant::ALL.iter().zip(figures) {
        println!(
            "  {:<20} clean {:>6.2} s ({:.2}x axum)  one handler changed {:>6.2} s ({:.2}x)  check {:>6.2} s ({:.2}x)  rustc peak {:.0} MiB",
            v.label(),
            f.clean,
            f.clean / axum.clean,
            f.incremental,
            f.incremental / axum.incremental,
            f.check,
            f.check / axum.check,
            f.rss_mib
        );
    }
}

/// The medians as a Markdown table for BENCHMARKS.md.
fn print_table(results: &[(usize, Vec<Figures>)]) {
    println!();
    println!("| operations | variant | clean | one handler changed | `cargo check` | clean / axum | changed / axum | check / axum | rustc peak RSS (clean) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (n, figures) in results {
        let axum = &figures[0];
        for (v, f) in Variant::ALL.iter().zip(figures) {
            let ratio = |x: f64, base: f64| {
                if *v == Variant::Axum {
                    String::new()
                } else {
                    format!("{:.2}x", x / base)
                }
            };
            println!(
                "| {n} | {} | {:.2} s | {:.2} s | {:.2} s | {} | {} | {} | {:.0} MiB |",
                v.label(),
                f.clean,
                f.incremental,
                f.check,
                ratio(f.clean, axum.clean),
                ratio(f.incremental, axum.incremental),
                ratio(f.check, axum.check),
                f.rss_mib
            );
        }
    }
}
