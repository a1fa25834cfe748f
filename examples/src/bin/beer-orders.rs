//! The order service.
//!
//! ```text
//! beer-orders [--listen 127.0.0.1:8080] [--public-url URL] [--customer UUID=TOKEN]...
//!             [--outbox FILE|URL] [--secret whsec_...] [--allow-loopback]
//!             [--status-interval SECS]
//! beer-orders openapi [--yaml] [--openapi-version 3.0|3.1]
//! beer-orders demo
//! beer-orders outbox [--outbox FILE|URL] list|show|replay|pause|resume ...
//! ```

use std::process::ExitCode;
use std::time::Duration;

use ringback::auth::Secrets;
use ringback::console::Console;
use ringback::dispatch::{AllowList, Dispatcher, DispatcherConfig, Secret};
use ringback::openapi::OpenApiVersion;
use ringback_examples::service::{api, api_with_tokens, Shop, DEMO_CUSTOMER, DEMO_TOKEN};
use ringback_examples::DEMO_SECRET;

const USAGE_HEAD: &str = "usage:
  beer-orders [--listen ADDR] [--public-url URL] [--customer UUID=TOKEN]...
              [--outbox FILE|URL] [--secret whsec_...] [--allow-loopback]
              [--status-interval SECS] [--attempt-timeout SECS] [--console-token TOKEN]
      serve the order service (default 127.0.0.1:8080); the demo customer
      6f1c2d9e-4b7a-4c1e-9a3f-0d2b8e5c7a41 always exists, with the bearer token
      demo-token-0f3a9c, and each --customer acts with its own token; callbacks wait in the SQLite
      file --outbox (default beer-orders-outbox.db), or in PostgreSQL when --outbox is a
      postgres:// URL (several instances then share it; TLS as its sslmode says, the server
      vouched for by the public roots or by the CA file its sslrootcert names), until
      delivered, signed with --secret
      (default: the public demo secret); --allow-loopback lets callbacks reach 127.0.0.1;
      the outbox console is at /outbox, for the bearer token --console-token (default: the
      demo token), which a browser enters once on its sign-in form
  beer-orders openapi [--yaml] [--openapi-version 3.0|3.1]
      print the OpenAPI document (JSON by default, 3.0.3 by default)
  beer-orders demo
      place an order on a local service and show its callbacks arriving at a local receiver
{OUTBOX}";

fn usage() -> String {
    USAGE_HEAD.replace("{OUTBOX}", ringback_examples::outbox_cli::USAGE)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("openapi") => print_document(&args[1..]),
        Some("outbox") => {
            // A failing operation says why, without the whole usage.
            return match ringback_examples::outbox_cli::run(&args[1..]) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("beer-orders outbox: {message}");
                    ExitCode::from(1)
                }
            };
        }
        Some("demo") => demo(),
        Some("-h" | "--help") => {
            println!("{}", usage());
            Ok(())
        }
        _ => serve(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("beer-orders: {message}\n\n{}", usage());
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
        println!("{}", doc.to_json_pretty(version));
    }
    Ok(())
}

/// What `serve` is told on its command line.
struct Options {
    listen: String,
    public_url: Option<String>,
    customers: Vec<(uuid::Uuid, String)>,
    outbox: String,
    secret: Secret,
    allow_loopback: bool,
    status_interval: Duration,
    attempt_timeout: Option<Duration>,
    /// The bearer token that opens the outbox console.
    console_token: String,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        listen: "127.0.0.1:8080".to_owned(),
        public_url: None,
        customers: vec![(DEMO_CUSTOMER, DEMO_TOKEN.to_owned())],
        outbox: "beer-orders-outbox.db".to_owned(),
        secret: DEMO_SECRET
            .parse()
            .map_err(|e| format!("the demo secret: {e}"))?,
        allow_loopback: false,
        status_interval: Duration::from_secs(3),
        attempt_timeout: None,
        console_token: DEMO_TOKEN.to_owned(),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| rest.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => o.listen = value("--listen")?,
            "--public-url" => o.public_url = Some(value("--public-url")?),
            "--customer" => {
                let given = value("--customer")?;
                let (id, token) = given
                    .split_once('=')
                    .filter(|(_, token)| !token.is_empty())
                    .ok_or(format!("--customer {given:?}: write UUID=TOKEN"))?;
                let id = id.parse().map_err(|e| format!("--customer {id:?}: {e}"))?;
                o.customers.push((id, token.to_owned()));
            }
            "--outbox" => o.outbox = value("--outbox")?,
            "--secret" => {
                o.secret = value("--secret")?
                    .parse()
                    .map_err(|e| format!("--secret: {e}"))?
            }
            "--allow-loopback" => o.allow_loopback = true,
            "--console-token" => o.console_token = value("--console-token")?,
            "--status-interval" => {
                let v = value("--status-interval")?;
                let secs: f64 = v
                    .parse()
                    .map_err(|_| format!("--status-interval {v:?} is not a number of seconds"))?;
                o.status_interval = Duration::from_secs_f64(secs.max(0.0));
            }
            "--attempt-timeout" => {
                let v = value("--attempt-timeout")?;
                let secs: f64 = v
                    .parse()
                    .map_err(|_| format!("--attempt-timeout {v:?} is not a number of seconds"))?;
                o.attempt_timeout = Some(Duration::from_secs_f64(secs.max(0.01)));
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

async fn dispatcher(o: &Options) -> Result<Dispatcher, String> {
    let mut config = DispatcherConfig::new(o.secret.clone());
    if o.allow_loopback {
        config = config.allow(AllowList::none().loopback());
    }
    if let Some(timeout) = o.attempt_timeout {
        // The claim lease follows the timeout, so a crashed instance's claims return sooner.
        config = config.attempt_timeout(timeout);
    }
    // The one line that picks the store: a PostgreSQL URL shares the outbox between instances.
    if o.outbox.starts_with("postgres://") || o.outbox.starts_with("postgresql://") {
        Dispatcher::postgres(&o.outbox, config).await
    } else {
        Dispatcher::sqlite(&o.outbox, config)
    }
    // `{:#}`: what the store was doing, then each cause (a refused certificate, say).
    .map_err(|e| format!("--outbox {}: {e:#}", o.outbox))
}

fn serve(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    if o.secret.to_string() == DEMO_SECRET {
        eprintln!("beer-orders: signing callbacks with the public demo secret; pass --secret for real use");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let callbacks = dispatcher(&o).await?;
        let worker = callbacks.start();
        let listener = tokio::net::TcpListener::bind(&o.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", o.listen))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let public_url = o
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{address}"));
        let metrics = callbacks.clone();
        // The console opens for the operator's token, entered once on its sign-in form.
        let console = Console::new(callbacks.clone())
            .sign_in_with(Secrets::new().with(&o.console_token, "operator"));
        let shop = Shop::new(
            &public_url,
            o.customers.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            callbacks,
            o.status_interval,
        );
        eprintln!("beer-orders listening on http://{address}");
        eprintln!("  document: {public_url}/openapi.json (or .yaml; ?version=3.1)");
        eprintln!("  demo customer: {DEMO_CUSTOMER}, bearer token: {DEMO_TOKEN}");
        eprintln!("  outbox console: {public_url}/outbox (sign in with the console token)");
        eprintln!(
            "  callbacks wait in {}; counters at {public_url}/metrics",
            o.outbox
        );
        // Delivery counters, for Prometheus or a curious human.
        let tokens = o
            .customers
            .iter()
            .fold(Secrets::new(), |tokens, (id, token)| {
                tokens.with(token, *id)
            });
        let app = api_with_tokens(tokens)
            .router(shop)
            .route(
                "/metrics",
                axum::routing::get(move || {
                    let metrics = metrics.clone();
                    async move { metrics.metrics().to_prometheus() }
                }),
            )
            .nest("/outbox", console);
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string());
        // Deliveries in flight finish or go back to the outbox; none is lost.
        worker.shutdown(Duration::from_secs(10)).await;
        served
    })
}

/// The whole flow in one process: a receiver, the service, an order, its callbacks.
fn demo() -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let secret: Secret = DEMO_SECRET
            .parse()
            .map_err(|e| format!("the demo secret: {e}"))?;
        let (tx, mut arrivals) = tokio::sync::mpsc::unbounded_channel();
        let receiver = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let hooks = format!(
            "http://{}/hooks/orders",
            receiver.local_addr().map_err(|e| e.to_string())?
        );
        let verifier = ringback::receiver::Verifier::new(vec![secret.clone()]);
        tokio::spawn(async move {
            let _ = axum::serve(receiver, ringback_examples::receiver::router(verifier, tx)).await;
        });

        let outbox =
            std::env::temp_dir().join(format!("beer-orders-demo-{}.db", std::process::id()));
        let o = Options {
            listen: "127.0.0.1:0".to_owned(),
            public_url: None,
            customers: vec![(DEMO_CUSTOMER, DEMO_TOKEN.to_owned())],
            outbox: outbox.display().to_string(),
            secret,
            allow_loopback: true,
            status_interval: Duration::from_secs(1),
            attempt_timeout: None,
            console_token: DEMO_TOKEN.to_owned(),
        };
        let callbacks = dispatcher(&o).await?;
        let worker = callbacks.start();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let base = format!(
            "http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        let shop = Shop::new(&base, [DEMO_CUSTOMER], callbacks, o.status_interval);
        tokio::spawn(async move {
            let _ = axum::serve(listener, api().router(shop)).await;
        });

        let order = serde_json::json!({
            "customerId": DEMO_CUSTOMER,
            "customerRef": "DEMO-1",
            "beerOrderLines": [{"upc": "0631234200036", "orderQuantity": 6}],
            "orderStatusCallbackUrl": hooks,
        });
        println!(
            "POST {base}/v1/customers/{DEMO_CUSTOMER}/orders with orderStatusCallbackUrl {hooks}"
        );
        let response = reqwest::Client::new()
            .post(format!("{base}/v1/customers/{DEMO_CUSTOMER}/orders"))
            .bearer_auth(DEMO_TOKEN)
            .header("content-type", "application/json")
            .body(order.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "  -> {} {}",
            response.status(),
            response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("")
        );
        for _ in 0..4 {
            match tokio::time::timeout(Duration::from_secs(15), arrivals.recv()).await {
                Ok(Some(r)) => println!(
                    "callback {}: order {} is {} (signature verified)",
                    r.id, r.change.order_id, r.change.order_status
                ),
                _ => return Err("a callback did not arrive within 15 s".into()),
            }
        }
        worker.shutdown(Duration::from_secs(2)).await;
        let _ = std::fs::remove_file(&outbox);
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", outbox.display()));
        }
        Ok(())
    })
}
