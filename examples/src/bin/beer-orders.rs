//! The order service.
//!
//! ```text
//! beer-orders [--listen 127.0.0.1:8080] [--public-url URL] [--customer UUID]...
//! beer-orders openapi [--yaml] [--openapi-version 3.0|3.1]
//! ```

use std::process::ExitCode;

use ringback::openapi::OpenApiVersion;
use ringback_examples::service::{api, Shop, DEMO_CUSTOMER};

const USAGE: &str = "usage:
  beer-orders [--listen ADDR] [--public-url URL] [--customer UUID]...
      serve the order service (default 127.0.0.1:8080); the demo customer
      6f1c2d9e-4b7a-4c1e-9a3f-0d2b8e5c7a41 always exists
  beer-orders openapi [--yaml] [--openapi-version 3.0|3.1]
      print the OpenAPI document (JSON by default, 3.0.3 by default)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("openapi") => print_document(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => serve(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("beer-orders: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn print_document(args: &[String]) -> Result<(), String> {
    let mut yaml = false;
    let mut version = OpenApiVersion::V3_0_3;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--yaml" => yaml = true,
            "--openapi-version" => {
                let v = rest
                    .next()
                    .ok_or("--openapi-version needs a value: 3.0 or 3.1")?;
                version = v.parse()?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let doc = api().document();
    if yaml {
        print!("{}", doc.to_yaml(version));
    } else {
        let json =
            serde_json::to_string_pretty(&doc.to_json(version)).map_err(|e| e.to_string())?;
        println!("{json}");
    }
    Ok(())
}

fn serve(args: &[String]) -> Result<(), String> {
    let mut listen = "127.0.0.1:8080".to_owned();
    let mut public_url = None;
    let mut customers = vec![DEMO_CUSTOMER];
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| rest.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => listen = value("--listen")?,
            "--public-url" => public_url = Some(value("--public-url")?),
            "--customer" => {
                let id = value("--customer")?;
                customers.push(id.parse().map_err(|e| format!("--customer {id:?}: {e}"))?);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let public_url = public_url.unwrap_or_else(|| format!("http://{address}"));
        let router = api().router(Shop::new(&public_url, customers));
        eprintln!("beer-orders listening on http://{address}");
        eprintln!("  document: {public_url}/openapi.json (or .yaml; ?version=3.1)");
        eprintln!("  demo customer: {DEMO_CUSTOMER}");
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    })
}
