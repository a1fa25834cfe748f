//! Signs and verifies Standard Webhooks messages with ringback's own code, for checks against
//! other implementations (`.ci/webhooks-interop` runs the official PyPI and npm packages
//! against it, in both directions).
//!
//! ```text
//! standard-webhooks sign --key whsec_...|whsk_... [--key ...] --id ID --timestamp SECS < body
//!     prints the webhook-signature header value (what the dispatcher's worker sends)
//! standard-webhooks verify --key whsec_...|whpk_... [--key ...] --id ID --timestamp SECS
//!     --signature HEADER < body
//!     exits 0 when receiver::Verifier accepts the message now, 1 (saying why) when not
//! standard-webhooks public-key whsk_...
//!     prints the whpk_ public key of a signing key
//! ```

use std::io::Read;
use std::process::ExitCode;

use ringback::dispatch::{PublicKey, Secret, SigningKey, SigningKeys};
use ringback::receiver::Verifier;

const USAGE: &str = "usage:
  standard-webhooks sign --key whsec_...|whsk_... [--key ...] --id ID --timestamp SECS < body
  standard-webhooks verify --key whsec_...|whpk_... [--key ...] --id ID --timestamp SECS --signature HEADER < body
  standard-webhooks public-key whsk_...";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("standard-webhooks: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The command's arguments.
#[derive(Default)]
struct Message {
    keys: Vec<String>,
    id: Option<String>,
    timestamp: Option<i64>,
    signature: Option<String>,
}

fn message(args: &[String]) -> Result<Message, String> {
    let mut m = Message::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let value = rest.next().ok_or(format!("{arg} needs a value"))?.clone();
        match arg.as_str() {
            "--key" => m.keys.push(value),
            "--id" => m.id = Some(value),
            "--timestamp" => {
                m.timestamp = Some(value.parse().map_err(|e| format!("--timestamp: {e}"))?)
            }
            "--signature" => m.signature = Some(value),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(m)
}

fn body() -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok(body)
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("sign") => {
            let m = message(&args[1..])?;
            let mut keys = SigningKeys::new();
            for key in &m.keys {
                keys = if key.starts_with("whsk_") {
                    keys.signing_key(key.parse().map_err(|e| format!("--key: {e}"))?)
                } else {
                    keys.secret(key.parse().map_err(|e| format!("--key: {e}"))?)
                };
            }
            let (id, timestamp) = (
                m.id.ok_or("--id is required")?,
                m.timestamp.ok_or("--timestamp is required")?,
            );
            println!("{}", keys.header(&id, timestamp, &body()?));
            Ok(ExitCode::SUCCESS)
        }
        Some("verify") => {
            let m = message(&args[1..])?;
            let mut verifier = Verifier::new(Vec::new());
            for key in &m.keys {
                verifier = if key.starts_with("whpk_") {
                    verifier.also_public_key(
                        key.parse::<PublicKey>()
                            .map_err(|e| format!("--key: {e}"))?,
                    )
                } else {
                    verifier.also_secret(key.parse::<Secret>().map_err(|e| format!("--key: {e}"))?)
                };
            }
            let mut headers = axum::http::HeaderMap::new();
            let header = |v: String| {
                v.parse::<axum::http::HeaderValue>()
                    .map_err(|e| e.to_string())
            };
            headers.insert("webhook-id", header(m.id.ok_or("--id is required")?)?);
            let timestamp = m.timestamp.ok_or("--timestamp is required")?;
            headers.insert("webhook-timestamp", header(timestamp.to_string())?);
            headers.insert(
                "webhook-signature",
                header(m.signature.ok_or("--signature is required")?)?,
            );
            match verifier.verify(&headers, &body()?) {
                Ok(_) => Ok(ExitCode::SUCCESS),
                Err(rejection) => {
                    println!("refused: {rejection}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Some("public-key") => {
            let key: SigningKey = args
                .get(1)
                .ok_or("public-key needs a whsk_ key")?
                .parse()
                .map_err(|e| format!("{e}"))?;
            println!("{}", key.public_key());
            Ok(ExitCode::SUCCESS)
        }
        _ => Err("sign, verify or public-key?".into()),
    }
}
