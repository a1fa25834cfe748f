//! Receives the order service's callbacks and prints each one.
//!
//! ```text
//! beer-orders-receiver [--listen 127.0.0.1:8081] [--secret whsec_...]
//! ```

use std::process::ExitCode;

use ringback::dispatch::Secret;
use ringback::receiver::Verifier;
use ringback_examples::{receiver, DEMO_SECRET};

fn main() -> ExitCode {
    let mut listen = "127.0.0.1:8081".to_owned();
    let mut secret = DEMO_SECRET.to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--listen", Some(v)) => listen = v,
            ("--secret", Some(v)) => secret = v,
            _ => {
                eprintln!("usage: beer-orders-receiver [--listen ADDR] [--secret whsec_...]");
                return ExitCode::from(2);
            }
        }
    }
    let secret: Secret = match secret.parse() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("beer-orders-receiver: --secret: {e}");
            return ExitCode::from(2);
        }
    };
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
        match axum::serve(listener, receiver::router(Verifier::new(vec![secret]), tx)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("beer-orders-receiver: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
