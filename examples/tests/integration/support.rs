//! Shared by the process tests: starting the order service as a real process.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `beer-orders` on a free loopback port with fast statuses and short attempts,
/// delivering from `outbox` (a file or a PostgreSQL URL), and returns it with its base URL.
pub fn spawn_service(outbox: &std::ffi::OsStr) -> (Child, String) {
    spawn_service_with(outbox, &[])
}

/// [`spawn_service`], with `more` arguments (`--customer UUID=TOKEN`, say).
pub fn spawn_service_with(outbox: &std::ffi::OsStr, more: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_beer-orders"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--allow-loopback",
            "--status-interval",
            "0.02",
            "--attempt-timeout",
            "1",
        ])
        .arg("--outbox")
        .arg(outbox)
        .args(more)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("beer-orders starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("beer-orders prints its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("beer-orders listening on ") {
            break rest.trim().to_owned();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}
