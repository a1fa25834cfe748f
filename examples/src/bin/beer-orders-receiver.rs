//! Receives the order service's callbacks and prints each one.
//!
//! ```text
//! beer-orders-receiver [--listen 127.0.0.1:8081] [--secret whsec_...] [--public-key whpk_...]
//! ```
//!
//! `--secret` is the customer's own secret, as `GET /v1/customers/{customerId}/webhook-secret`
//! gives it (by default the demo customer's under the demo keys); `--public-key` is the
//! service's, as `GET /v1/webhooks/public-key` gives it. A callback passes when any signature
//! on it verifies with either.

use std::process::ExitCode;

use ringback::dispatch::{PublicKey, Secret};
use ringback::receiver::Verifier;
use ringback_examples::keys::demo_customer_secret;
use ringback_examples::receiver;

const USAGE: &str =
    "usage: beer-orders-receiver [--listen ADDR] [--secret whsec_...] [--public-key whpk_...]";

fn main() -> ExitCode {
    let mut listen = "127.0.0.1:8081".to_owned();
    let mut secrets: Vec<Secret> = Vec::new();
    let mut public_keys: Vec<PublicKey> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let parsed = match (arg.as_str(), args.next()) {
            ("--listen", Some(v)) => {
                listen = v;
                Ok(())
            }
            ("--secret", Some(v)) => v.parse().map(|s| secrets.push(s)),
            ("--public-key", Some(v)) => v.parse().map(|k| public_keys.push(k)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        };
        if let Err(e) = parsed {
            eprintln!("beer-orders-receiver: {arg}: {e}");
            return ExitCode::from(2);
        }
    }
    if secrets.is_empty() && public_keys.is_empty() {
        secrets.push(demo_customer_secret());
    }
    let verifier = public_keys
        .into_iter()
        .fold(Verifier::new(secrets), Verifier::also_public_key);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<receiver::Received>();
        let listener = match tokio::net::TcpListener::bind(&listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("beer-orders-receiver: cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        eprintln!(
            "receiving callbacks at http://{}/hooks/orders",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move {
            while let Some(r) = rx.recv().await {
                println!(
                    "{} order {} is {}",
                    r.id, r.change.order_id, r.change.order_status
                );
            }
        });
        match axum::serve(listener, receiver::router(verifier, tx)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("beer-orders-receiver: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
