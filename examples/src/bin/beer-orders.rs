//! The order service.
//!
//! ```text
//! beer-orders [--listen 127.0.0.1:8080] [--public-url URL] [--customer UUID=TOKEN]...
//!             [--outbox FILE|URL] [--secret whsec_...] [--previous-secret whsec_...]
//!             [--signing-key whsk_...] [--allow-loopback] [--status-interval SECS]
//!             [--order-feed URL] [--orders FILE]
//! beer-orders openapi [--yaml] [--openapi-version 3.0|3.1]
//! beer-orders openapi --check FILE [--allow compatible|documentation]
//! beer-orders demo
//! beer-orders outbox [--outbox FILE|URL] list|show|replay|purge-dead|pause|resume ...
//! ```

use std::process::ExitCode;
use std::time::Duration;

use ringback::auth::Secrets;
use ringback::console::Console;
use ringback::contract::{self, Allow, Class};
use ringback::dispatch::{
    AllowList, Dispatcher, DispatcherConfig, RetentionPolicy, Secret, SigningKey,
};
use ringback::openapi::OpenApiVersion;
use ringback_examples::keys::{CustomerKeys, DEMO_SIGNING_KEY};
use ringback_examples::orders::OrderBook;
use ringback_examples::service::{Shop, DEMO_CUSTOMER, DEMO_TOKEN};
use ringback_examples::webhooks::{api, api_with_tokens_and_keys, WebhookPublicKey, WebhookSecret};
use ringback_examples::DEMO_SECRET;

const USAGE_HEAD: &str = "usage:
  beer-orders [--listen ADDR] [--public-url URL] [--customer UUID=TOKEN]...
              [--outbox FILE|URL] [--secret whsec_...] [--previous-secret whsec_...]
              [--signing-key whsk_...] [--allow-loopback]
              [--status-interval SECS] [--attempt-timeout SECS] [--order-feed URL]
              [--orders FILE] [--console-token TOKEN]
      serve the order service (default 127.0.0.1:8080); the demo customer
      6f1c2d9e-4b7a-4c1e-9a3f-0d2b8e5c7a41 always exists, with the bearer token
      demo-token-0f3a9c, and each --customer acts with its own token; callbacks wait in the SQLite
      file --outbox (default beer-orders-outbox.db), or in PostgreSQL when --outbox is a
      postgres:// URL (several instances then share it; TLS as its sslmode says, the server
      vouched for by the public roots or by the CA file its sslrootcert names), until
      delivered; each customer's callbacks are signed with that customer's own secret, derived
      from --secret (default: the public demo secret) and fetched by the customer at
      GET /v1/customers/{customerId}/webhook-secret; during a rotation of --secret, secrets
      derived from --previous-secret sign too; every callback is also signed (v1a) with the
      Ed25519 key --signing-key (default: the public demo key), whose public key is at
      GET /v1/webhooks/public-key; --allow-loopback lets callbacks reach 127.0.0.1;
      --order-feed sends the orderPlaced webhook to URL for every order placed;
      orders are kept in the SQLite file --orders (default: beside a file outbox, named
      after it with .orders.db; with a PostgreSQL outbox, beer-orders-orders.db in the
      working directory), and each order's status callbacks are recorded in the outbox
      when it is placed, so a crash loses none; delivered callbacks (and cancelled ones) are
      deleted from the outbox with their attempts 7 days after they finished (ringback's
      default retention), dead letters are kept until replayed or purged;
      the outbox console is at /outbox, for the bearer token --console-token (default: the
      demo token), which a browser enters once on its sign-in form
  beer-orders openapi [--yaml] [--openapi-version 3.0|3.1]
      print the OpenAPI document (JSON by default, 3.0.3 by default)
  beer-orders openapi --check FILE [--allow compatible|documentation]
      compare the service's document with the committed one in FILE (JSON or YAML, 3.0 or
      3.1) and print every difference; exit 1 when one is breaking for FILE's clients, or
      when there is any difference that --allow does not let pass (without --allow: any)
  beer-orders demo
      place an order on a local service and show its callbacks arriving at a local receiver
{OUTBOX}";

fn usage() -> String {
    USAGE_HEAD.replace("{OUTBOX}", ringback_examples::outbox_cli::USAGE)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("openapi") && args.iter().any(|a| a == "--check") {
        return check_document(&args[1..]);
    }
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

/// `openapi --check FILE [--allow ...]`: the report on standard output, and the exit status
/// says whether it passes (0), fails (1), or could not be made (2).
fn check_document(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut allow = Allow::Nothing;
    let mut rest = args.iter();
    let mut parsed = Ok(());
    while let Some(arg) = rest.next() {
        parsed = match arg.as_str() {
            "--check" => rest
                .next()
                .map(|f| file = Some(f.clone()))
                .ok_or("--check needs the committed document's file".to_owned()),
            "--allow" => rest
                .next()
                .ok_or("--allow needs `compatible`, `documentation` or `nothing`".to_owned())
                .and_then(|a| a.parse().map(|a| allow = a)),
            other => Err(format!("unknown argument {other:?} with --check")),
        };
        if parsed.is_err() {
            break;
        }
    }
    let report = parsed.and_then(|()| {
        let file = file.ok_or("--check needs a file")?;
        contract::check(&api(), &file).map_err(|e| format!("--check {file}: {e}"))
    });
    match report {
        Ok(report) => {
            println!("{report}");
            if report.passes(allow) {
                ExitCode::SUCCESS
            } else {
                let why = match report.worst() {
                    Some(Class::Breaking) => "a difference breaks the committed document's clients",
                    _ => "the service differs from the committed document (pass --allow compatible to accept additions)",
                };
                eprintln!("beer-orders: {why}");
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("beer-orders: {message}\n\n{}", usage());
            ExitCode::from(2)
        }
    }
}

/// What `serve` is told on its command line.
struct Options {
    listen: String,
    public_url: Option<String>,
    customers: Vec<(uuid::Uuid, String)>,
    outbox: String,
    secret: Secret,
    previous_secret: Option<Secret>,
    signing_key: SigningKey,
    allow_loopback: bool,
    status_interval: Duration,
    attempt_timeout: Option<Duration>,
    order_feed: Option<String>,
    orders: Option<String>,
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
        previous_secret: None,
        signing_key: DEMO_SIGNING_KEY
            .parse()
            .map_err(|e| format!("the demo signing key: {e}"))?,
        allow_loopback: false,
        status_interval: Duration::from_secs(3),
        attempt_timeout: None,
        order_feed: None,
        orders: None,
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
            "--orders" => o.orders = Some(value("--orders")?),
            "--secret" => {
                o.secret = value("--secret")?
                    .parse()
                    .map_err(|e| format!("--secret: {e}"))?
            }
            "--previous-secret" => {
                o.previous_secret = Some(
                    value("--previous-secret")?
                        .parse()
                        .map_err(|e| format!("--previous-secret: {e}"))?,
                )
            }
            "--signing-key" => {
                o.signing_key = value("--signing-key")?
                    .parse()
                    .map_err(|e| format!("--signing-key: {e}"))?
            }
            "--allow-loopback" => o.allow_loopback = true,
            "--order-feed" => o.order_feed = Some(value("--order-feed")?),
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

/// Each customer's keys, derived from the master secrets.
fn customer_keys(o: &Options) -> CustomerKeys {
    let keys = CustomerKeys::new(o.secret.clone(), o.signing_key.clone());
    match &o.previous_secret {
        Some(previous) => keys.previous(previous.clone()),
        None => keys,
    }
}

async fn dispatcher(o: &Options) -> Result<Dispatcher, String> {
    // Deliveries carry their customer's id as key id; the master secret signs only those
    // recorded before there were keys per customer.
    let mut config = DispatcherConfig::new(o.secret.clone())
        .key_store(customer_keys(o))
        // The default, spelled out: delivered and cancelled callbacks, with their attempts,
        // are deleted 7 days after they finished, a few hundred at a time; dead letters stay
        // for `beer-orders outbox replay` or `purge-dead`.
        .retention(RetentionPolicy::default());
    if o.allow_loopback {
        config = config.allow(AllowList::none().loopback());
    }
    if let Some(timeout) = o.attempt_timeout {
        // The claim lease follows the timeout, so a crashed instance's claims return sooner.
        config = config.attempt_timeout(timeout);
    }
    // The one line that picks the store: a PostgreSQL URL shares the outbox between instances.
    if in_postgres(&o.outbox) {
        Dispatcher::postgres(&o.outbox, config).await
    } else {
        Dispatcher::sqlite(&o.outbox, config)
    }
    // `{:#}`: what the store was doing, then each cause (a refused certificate, say).
    .map_err(|e| format!("--outbox {}: {e:#}", o.outbox))
}

/// Whether the outbox is in PostgreSQL rather than a SQLite file.
fn in_postgres(outbox: &str) -> bool {
    outbox.starts_with("postgres://") || outbox.starts_with("postgresql://")
}

/// The order book: the file `--orders` names, or one beside a file outbox.
fn order_book(o: &Options) -> Result<(OrderBook, String), String> {
    let path = match &o.orders {
        Some(path) => path.clone(),
        None if in_postgres(&o.outbox) => "beer-orders-orders.db".to_owned(),
        None => std::path::Path::new(&o.outbox)
            .with_extension("orders.db")
            .display()
            .to_string(),
    };
    let orders = OrderBook::open(&path).map_err(|e| {
        let cause = std::error::Error::source(&e).map(|c| format!(": {c}"));
        format!("--orders {path}: {e}{}", cause.unwrap_or_default())
    })?;
    Ok((orders, path))
}

fn serve(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    if o.secret.to_string() == DEMO_SECRET {
        eprintln!("beer-orders: signing callbacks with the public demo secret; pass --secret for real use");
    }
    if o.signing_key.to_string() == DEMO_SIGNING_KEY {
        eprintln!("beer-orders: signing callbacks (v1a) with the public demo key; pass --signing-key for real use");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let callbacks = dispatcher(&o).await?;
        let (orders, orders_path) = order_book(&o)?;
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
        let mut shop = Shop::new(
            &public_url,
            o.customers.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            orders,
            callbacks,
            o.status_interval,
        )
        .with_customer_keys(customer_keys(&o));
        if let Some(feed) = &o.order_feed {
            // Refused now rather than at the first order, when the operator is not watching.
            shop.callbacks
                .check_target(feed)
                .map_err(|refused| format!("--order-feed {feed}: {}", refused.reason))?;
            shop = shop.with_order_feed(feed);
            eprintln!("  orderPlaced webhooks go to {feed}");
        }
        eprintln!("beer-orders listening on http://{address}");
        eprintln!("  document: {public_url}/openapi.json (or .yaml; ?version=3.1)");
        eprintln!("  docs page: {public_url}/docs");
        eprintln!("  demo customer: {DEMO_CUSTOMER}, bearer token: {DEMO_TOKEN}");
        eprintln!("  outbox console: {public_url}/outbox (sign in with the console token)");
        eprintln!(
            "  callback keys: {public_url}/v1/customers/{{customerId}}/webhook-secret (bearer), \
             {public_url}/v1/webhooks/public-key"
        );
        eprintln!(
            "  callbacks wait in {}; counters at {public_url}/metrics",
            o.outbox
        );
        eprintln!("  orders are kept in {orders_path}");
        // Delivery counters, for Prometheus or a curious human.
        let tokens = o
            .customers
            .iter()
            .fold(Secrets::new(), |tokens, (id, token)| {
                tokens.with(token, *id)
            });
        let app = api_with_tokens_and_keys(tokens)
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
        let outbox =
            std::env::temp_dir().join(format!("beer-orders-demo-{}.db", std::process::id()));
        let o = Options {
            listen: "127.0.0.1:0".to_owned(),
            public_url: None,
            customers: vec![(DEMO_CUSTOMER, DEMO_TOKEN.to_owned())],
            outbox: outbox.display().to_string(),
            secret,
            previous_secret: None,
            signing_key: DEMO_SIGNING_KEY
                .parse()
                .map_err(|e| format!("the demo signing key: {e}"))?,
            allow_loopback: true,
            status_interval: Duration::from_secs(1),
            attempt_timeout: None,
            order_feed: None,
            orders: None,
            console_token: DEMO_TOKEN.to_owned(),
        };
        let callbacks = dispatcher(&o).await?;
        let (orders, orders_path) = order_book(&o)?;
        let worker = callbacks.start();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let base = format!(
            "http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        let shop = Shop::new(&base, [DEMO_CUSTOMER], orders, callbacks, o.status_interval)
            .with_customer_keys(customer_keys(&o));
        tokio::spawn(async move {
            let _ = axum::serve(listener, api().router(shop)).await;
        });

        // The customer fetches its own signing secret (with its token) and the service's
        // public key (no token), and its receiver verifies with them.
        let http = reqwest::Client::new();
        let url = format!("{base}/v1/customers/{DEMO_CUSTOMER}/webhook-secret");
        println!("GET {url}");
        let own: WebhookSecret = http
            .get(&url)
            .bearer_auth(DEMO_TOKEN)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "  -> this customer's callbacks are signed with {}",
            own.secret
        );
        let url = format!("{base}/v1/webhooks/public-key");
        println!("GET {url}");
        let public: WebhookPublicKey = http
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "  -> every callback is also signed {}, verifiable with {}",
            public.scheme, public.public_key
        );
        let secret: Secret = own.secret.parse().map_err(|e| format!("{e}"))?;
        let (tx, mut arrivals) = tokio::sync::mpsc::unbounded_channel();
        let receiver = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let hooks = format!(
            "http://{}/hooks/orders",
            receiver.local_addr().map_err(|e| e.to_string())?
        );
        let verifier = ringback::receiver::Verifier::new(vec![secret]);
        tokio::spawn(async move {
            let _ = axum::serve(receiver, ringback_examples::receiver::router(verifier, tx)).await;
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
        let response = http
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
                    "callback {}: order {} is {} (verified with the customer's secret)",
                    r.id, r.change.order_id, r.change.order_status
                ),
                _ => return Err("a callback did not arrive within 15 s".into()),
            }
        }
        worker.shutdown(Duration::from_secs(2)).await;
        for file in [outbox.display().to_string(), orders_path] {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{file}{suffix}"));
            }
        }
        Ok(())
    })
}
