//! The outbox console over real HTTP, on a real SQLite file and, when RINGBACK_TEST_POSTGRES
//! is set, a real PostgreSQL database: signing in, listing with filters and keyset pages,
//! one delivery with its attempts, the at-a-glance counts, refusals of a POST without its
//! CSRF token or from another origin, and a dead letter (its receiver answered 410) replayed
//! from the console once the receiver answers 200. And `beer-orders outbox ...` against the
//! file of a running service, and its purge of dead letters.

use std::process::Command;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::http::StatusCode;
use ringback::auth::Secrets;
use ringback::console::Console;
use ringback::dispatch::{
    AllowList, Delivery, DeliveryFilter, DeliveryState, DeliveryStore, Dispatcher,
    DispatcherConfig, PostgresStore, RetrySchedule, Secret, SqliteStore,
};
use ringback::Callback;
use ringback_examples::model::OrderStatusChange;

use crate::support;

const TOKEN: &str = "ops-token-7c1d";

/// A receiver that answers every callback with the status it is set to.
struct Receiver {
    url: String,
    status: Arc<AtomicU16>,
    hits: Arc<AtomicUsize>,
}

async fn receiver(status: u16) -> Receiver {
    let status = Arc::new(AtomicU16::new(status));
    let hits = Arc::new(AtomicUsize::new(0));
    let (s, h) = (status.clone(), hits.clone());
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move || {
            let (s, h) = (s.clone(), h.clone());
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                let code = StatusCode::from_u16(s.load(Ordering::SeqCst)).unwrap();
                let said = if code == StatusCode::GONE {
                    "gone for now"
                } else {
                    "thanks"
                };
                (code, said)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { url, status, hits }
}

/// A delivery as a store holds it, made by hand: not pending, so no worker takes it.
fn delivery(i: usize, created_at: SystemTime) -> Delivery {
    Delivery {
        id: format!("msg_t{i:04}"),
        callback: if i.is_multiple_of(2) { "alpha" } else { "beta" }.into(),
        method: "POST".into(),
        url: format!("https://a.test/hooks/{}", i % 3),
        body: format!("{{\"n\":{i}}}").into_bytes(),
        created_at,
        attempts: 1,
        next_attempt_at: created_at,
        state: if i.is_multiple_of(5) {
            DeliveryState::Dead
        } else {
            DeliveryState::Delivered
        },
        last_error: i.is_multiple_of(5).then(|| "answered 500".to_owned()),
        key_id: None,
    }
}

/// The console of a running service, asked over HTTP.
struct Client {
    origin: String,
    http: reqwest::Client,
}

/// What a page answered.
struct Page {
    status: StatusCode,
    body: String,
    cookies: Vec<String>,
    location: Option<String>,
}

impl Client {
    async fn send(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request.send().await.unwrap();
        let header = |name| {
            response
                .headers()
                .get_all(name)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        let cookies = header("set-cookie");
        let location = header("location").pop();
        Page {
            status: response.status(),
            cookies,
            location,
            body: response.text().await.unwrap(),
        }
    }

    /// `path` (from the host's root) with the operator's bearer token.
    async fn get(&self, path: &str) -> Page {
        let url = format!("{}{path}", self.origin);
        self.send(self.http.get(url).bearer_auth(TOKEN)).await
    }

    /// A form POST as the console's own page sends it: bearer token, `Origin`, `cookie`.
    async fn post(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Page {
        // The values the tests send need no escaping (URL-safe tokens, plain names).
        let body = form
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = self
            .http
            .post(format!("{}{path}", self.origin))
            .bearer_auth(TOKEN)
            .header("origin", &self.origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request).await
    }
}

/// The delivery ids a deliveries page lists, in order.
fn listed(html: &str) -> Vec<String> {
    html.split("<a class=\"mono\" href=\"")
        .skip(1)
        .map(|rest| {
            let href = &rest[..rest.find('"').unwrap()];
            href.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

/// The link of the page's "Older" link, if it has one.
fn older(html: &str) -> Option<String> {
    let rest = html.split("<a class=\"older\" href=\"").nth(1)?;
    Some(rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
}

/// The hidden CSRF field's value on a page.
fn csrf_token(html: &str) -> String {
    let rest = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .expect("the page has a form with a CSRF token");
    rest[..rest.find('"').unwrap()].to_owned()
}

/// `name=value` of the `Set-Cookie` for `name`.
fn cookie(cookies: &[String], name: &str) -> String {
    let set = cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"));
    set.split(';').next().unwrap().to_owned()
}

/// Runs `beer-orders outbox --outbox <outbox> <args>`: whether it succeeded, its output and its
/// errors.
fn outbox_cli(outbox: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_beer-orders"))
        .arg("outbox")
        .arg("--outbox")
        .arg(outbox)
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn utc(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// Waits until the delivery `id` is in `state` (the worker is a real one: its time is its own).
async fn wait_for(store: &dyn DeliveryStore, id: &str, state: DeliveryState) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let d = store.get(id).await.unwrap().expect("the delivery exists");
        if d.state == state {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{id} is still {:?}, not {state:?}",
            d.state
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Everything the console does, over `store`.
async fn exercise(store: Arc<dyn DeliveryStore>) {
    let secret = Secret::generate();
    let config = DispatcherConfig::new(secret.clone())
        .allow(AllowList::none().loopback())
        .schedule(RetrySchedule::new([Duration::from_millis(50)]))
        .poll_interval(Duration::from_millis(20));
    let dispatcher = Dispatcher::with_store(store.clone(), config);
    let worker = dispatcher.start();

    // 130 deliveries made by hand, two days ago, two to a second (so the cursor must break
    // ties by id), alternating between two callbacks and three targets.
    let start = SystemTime::now() - Duration::from_secs(2 * 86_400);
    let made: Vec<Delivery> = (0..130)
        .map(|i| delivery(i, start + Duration::from_secs(i as u64 / 2)))
        .collect();
    for d in &made {
        store.enqueue(d.clone()).await.unwrap();
    }
    let newest_first = |filter: &DeliveryFilter| {
        let mut found: Vec<&Delivery> = made.iter().filter(|d| filter.matches(d)).collect();
        found.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        found.into_iter().map(|d| d.id.clone()).collect::<Vec<_>>()
    };

    let console = Console::new(dispatcher.clone()).sign_in_with(Secrets::new().with(TOKEN, ()));
    let app = axum::Router::new().nest("/outbox", console);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client {
        origin: origin.clone(),
        http: http.clone(),
    };

    // Authentication: nothing without a token; a wrong one is refused; the sign-in form sets
    // a session cookie that opens the console by itself.
    let anonymous = client.send(http.get(format!("{origin}/outbox"))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(
        anonymous.body.contains("name=\"token\""),
        "the sign-in form"
    );
    let wrong = client
        .send(
            http.get(format!("{origin}/outbox/deliveries"))
                .bearer_auth("guess"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.body.contains("msg_t"));
    let refused = client
        .send(
            http.post(format!("{origin}/outbox/sign-in"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("token=guess"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.cookies.is_empty());
    let signed_in = client
        .send(
            http.post(format!("{origin}/outbox/sign-in"))
                .header("origin", &origin)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("token={TOKEN}")),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let session = cookie(&signed_in.cookies, "ringback_console_session");
    assert!(
        signed_in.cookies[0].contains("HttpOnly")
            && signed_in.cookies[0].contains("SameSite=Strict")
    );
    assert!(
        !signed_in.cookies[0].contains("Secure"),
        "over plain HTTP a Secure cookie would never come back"
    );
    // Behind a proxy that ended TLS and says so, the session cookie is sent over HTTPS only.
    let proxied = client
        .send(
            http.post(format!("{origin}/outbox/sign-in"))
                .header("origin", &origin)
                .header("x-forwarded-proto", "https")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("token={TOKEN}")),
        )
        .await;
    assert_eq!(proxied.status, StatusCode::SEE_OTHER);
    assert!(
        proxied.cookies[0].contains("; Secure"),
        "{:?}",
        proxied.cookies
    );
    let by_session = client
        .send(
            http.get(format!("{origin}/outbox/deliveries"))
                .header("cookie", &session),
        )
        .await;
    assert_eq!(by_session.status, StatusCode::OK);
    assert!(by_session.body.contains("msg_t0129"));
    let forged = client
        .send(
            http.get(format!("{origin}/outbox/deliveries"))
                .header("cookie", "ringback_console_session=99999999999.AAAA"),
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    // Pages of one callback, newest first, 50 at a time, following the Older links to the end.
    let expected = newest_first(&DeliveryFilter::default().callback("alpha"));
    assert_eq!(expected.len(), 65);
    let mut seen = Vec::new();
    let mut next = Some("/outbox/deliveries?callback=alpha".to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("class=\"deliveries\""));
        seen.extend(listed(&page.body));
        next = older(&page.body);
        pages += 1;
    }
    assert_eq!(pages, 2);
    assert_eq!(seen, expected);

    // State, target prefix and time range together.
    let (from, to) = (
        start + Duration::from_secs(10),
        start + Duration::from_secs(50),
    );
    let filter = DeliveryFilter::state(DeliveryState::Dead)
        .target("https://a.test/hooks/1")
        .between(from, to);
    let expected = newest_first(&filter);
    assert!(!expected.is_empty());
    let page = client
        .get(&format!(
            "/outbox/deliveries?state=dead&target=https%3A%2F%2Fa.test%2Fhooks%2F1&since={}&until={}",
            utc(from),
            utc(to)
        ))
        .await;
    assert_eq!(listed(&page.body), expected);
    let bad = client
        .get("/outbox/deliveries?state=lost&since=yesterday")
        .await;
    assert!(bad.body.contains("there is no state") && bad.body.contains("is not a time"));

    // A real dead letter: its receiver answers 410.
    let hooks = receiver(410).await;
    let callback: Callback<OrderStatusChange> = Callback::new("orderStatusChange", &hooks.url);
    let change = OrderStatusChange {
        order_id: uuid::Uuid::new_v4(),
        order_status: "READY".into(),
    };
    let id = dispatcher.send(&callback, &change).await.unwrap();
    wait_for(&*store, &id, DeliveryState::Dead).await;
    let dead = client
        .get("/outbox/deliveries?state=dead&callback=orderStatusChange")
        .await;
    assert_eq!(listed(&dead.body), std::slice::from_ref(&id));
    assert!(dead.body.contains("answered 410"));

    // Its page: payload, headers without the secret, the attempt with its status, latency
    // and answer, and a Replay button.
    let detail = client.get(&format!("/outbox/deliveries/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    for shown in [
        &change.order_id.to_string(),
        "READY",
        "webhook-id: ",
        "<span class=\"status\">410</span>",
        "gone for now",
        " ms</td>",
        "class=\"replay\"",
    ] {
        assert!(detail.body.contains(shown), "{shown} is not on the page");
    }
    assert!(
        !detail.body.contains(&secret.to_string()),
        "the secret is shown"
    );
    let csrf_cookie = cookie(&detail.cookies, "ringback_console_csrf");
    let token = csrf_token(&detail.body);

    // A POST without the token, or from another origin, changes nothing.
    let path = format!("/outbox/deliveries/{id}/replay");
    let no_token = client.post(&path, &[], Some(&csrf_cookie)).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.body.contains("CSRF"));
    let no_cookie = client.post(&path, &[("csrf", &token)], None).await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
    let cross = client
        .send(
            http.post(format!("{origin}{path}"))
                .bearer_auth(TOKEN)
                .header("origin", "https://evil.test")
                .header("cookie", &csrf_cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("csrf={token}")),
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let still = store.get(&id).await.unwrap().unwrap();
    assert_eq!(still.state, DeliveryState::Dead);
    assert_eq!(hooks.hits.load(Ordering::SeqCst), 1);

    // Replayed with the page's token, it is delivered to the receiver, now answering 200.
    hooks.status.store(200, Ordering::SeqCst);
    let replayed = client
        .post(&path, &[("csrf", &token)], Some(&csrf_cookie))
        .await;
    assert_eq!(replayed.status, StatusCode::SEE_OTHER);
    let location = replayed.location.unwrap();
    assert!(
        location.starts_with(&format!("/outbox/deliveries/{id}?done=Replayed")),
        "{location}"
    );
    wait_for(&*store, &id, DeliveryState::Delivered).await;
    let after = client.get(&format!("/outbox/deliveries/{id}")).await;
    assert!(after.body.contains("state-delivered"));
    assert!(after.body.contains("<span class=\"status\">200</span>"));
    assert!(
        after.body.contains("gone for now"),
        "the first attempt stays in the log"
    );
    assert!(!after.body.contains("class=\"replay\""));

    // Every dead letter of one callback, replayed at once.
    let dead_beta = newest_first(&DeliveryFilter::state(DeliveryState::Dead).callback("beta"));
    let all = client
        .post(
            "/outbox/replay",
            &[("csrf", &token), ("callback", "beta")],
            Some(&csrf_cookie),
        )
        .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    let location = all.location.unwrap();
    assert!(
        location.ends_with(&format!("callback=beta&replayed={}", dead_beta.len())),
        "{location}"
    );
    for id in &dead_beta {
        assert_ne!(
            store.get(id).await.unwrap().unwrap().state,
            DeliveryState::Dead,
            "{id}"
        );
    }

    // Every dead letter of the other callback, deleted for good; the rest stay. A filter
    // that names nothing but the state is refused, and its page offers no such form.
    let dead_alpha = DeliveryFilter::state(DeliveryState::Dead).callback("alpha");
    let doomed = store.find(dead_alpha.clone(), 1000).await.unwrap().len();
    assert!(doomed > 0);
    let listed_alpha = client
        .get("/outbox/deliveries?state=dead&callback=alpha")
        .await;
    assert!(listed_alpha.body.contains("action=\"/outbox/purge-dead\""));
    let listed_dead = client.get("/outbox/deliveries?state=dead").await;
    assert!(!listed_dead.body.contains("action=\"/outbox/purge-dead\""));
    let everything = client
        .post(
            "/outbox/purge-dead",
            &[("csrf", &token), ("state", "dead")],
            Some(&csrf_cookie),
        )
        .await;
    assert_eq!(everything.status, StatusCode::BAD_REQUEST);
    let delivered_ones = client
        .post(
            "/outbox/purge-dead",
            &[
                ("csrf", &token),
                ("state", "delivered"),
                ("callback", "alpha"),
            ],
            Some(&csrf_cookie),
        )
        .await;
    assert_eq!(delivered_ones.status, StatusCode::BAD_REQUEST);
    let alive = store
        .find(DeliveryFilter::default().callback("alpha"), 1000)
        .await
        .unwrap()
        .len();
    let purged = client
        .post(
            "/outbox/purge-dead",
            &[("csrf", &token), ("state", "dead"), ("callback", "alpha")],
            Some(&csrf_cookie),
        )
        .await;
    assert_eq!(purged.status, StatusCode::SEE_OTHER);
    let location = purged.location.unwrap();
    assert!(
        location.ends_with(&format!("callback=alpha&purged={doomed}")),
        "{location}"
    );
    assert!(store.find(dead_alpha, 10).await.unwrap().is_empty());
    let left = store
        .find(DeliveryFilter::default().callback("alpha"), 1000)
        .await
        .unwrap()
        .len();
    assert_eq!(left, alive - doomed, "only the dead letters went");
    let notice = client.get(&location).await;
    assert!(notice
        .body
        .contains(&format!("{doomed} dead letter(s) deleted.")));

    // At a glance: the counts by state, and two charts.
    let glance = client.get("/outbox").await;
    assert_eq!(glance.status, StatusCode::OK);
    let delivered = made
        .iter()
        .filter(|d| d.state == DeliveryState::Delivered)
        .count()
        + 1;
    assert!(
        glance.body.contains(&format!(
            "data-state=\"delivered\" href=\"/outbox/deliveries?state=delivered\"><b>{delivered}</b>"
        )),
        "{}",
        glance.body
    );
    assert_eq!(glance.body.matches("<svg class=\"chart\"").count(), 2);
    assert!(glance.body.contains("1 delivered (green)"));

    // The stylesheet is a file, so the pages' policy can forbid inline style.
    let css = client.get("/outbox/console.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains("table"));
    let csp = http
        .get(format!("{origin}/outbox"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let policy = csp.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("style-src 'self'"));
    worker.shutdown(Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_lists_shows_and_replays_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("outbox.db")).unwrap();
    exercise(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_lists_shows_and_replays_on_postgres() {
    let Some(url) =
        crate::postgres::fresh_database("the_console_lists_shows_and_replays_on_postgres").await
    else {
        return;
    };
    let store = PostgresStore::connect(&url).await.unwrap();
    exercise(Arc::new(store)).await;
}

/// `beer-orders outbox ...` on the outbox file of a running service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_lists_shows_and_replays_while_the_service_runs() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.db");
    let (mut service, address) = support::spawn_service(outbox.as_os_str());
    let hooks = receiver(410).await;
    let order = serde_json::json!({
        "customerId": ringback_examples::service::DEMO_CUSTOMER,
        "orderStatusCallbackUrl": hooks.url,
    });
    let placed = reqwest::Client::new()
        .post(format!(
            "{address}/v1/customers/{}/orders",
            ringback_examples::service::DEMO_CUSTOMER
        ))
        .bearer_auth(ringback_examples::service::DEMO_TOKEN)
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), StatusCode::CREATED);
    let cli = |args: &[&str]| outbox_cli(&outbox, args);
    // The four statuses' callbacks, each answered 410: four dead letters.
    let deadline = Instant::now() + Duration::from_secs(30);
    let dead = loop {
        let (ok, out, err) = cli(&["list", "--state", "dead", "--json"]);
        assert!(ok, "{err}");
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        if lines.len() == 4 {
            break lines;
        }
        assert!(Instant::now() < deadline, "{out}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(dead.iter().all(|d| d["lastError"] == "answered 410"));
    let id = dead[0]["id"].as_str().unwrap().to_owned();
    let (ok, shown, _) = cli(&["show", &id]);
    assert!(ok);
    assert!(
        shown.contains("410") && shown.contains("gone for now") && shown.contains("orderStatus")
    );
    let (ok, page, more) = cli(&["list", "--state", "dead", "--limit", "3"]);
    assert!(ok);
    assert_eq!(page.lines().count(), 3);
    let cursor = more
        .trim()
        .strip_prefix("more: --after ")
        .expect("a cursor");
    let (_, rest, _) = cli(&["list", "--state", "dead", "--after", cursor]);
    assert_eq!(rest.lines().count(), 1);

    hooks.status.store(200, Ordering::SeqCst);
    let (ok, out, err) = cli(&["replay", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("replayed"));
    let (ok, out, err) = cli(&["replay", "--filter", "--target", &hooks.url]);
    assert!(ok, "{err}");
    assert!(out.contains("replayed 3 dead letter(s)"), "{out}");
    assert!(
        err.contains("100% 3/3"),
        "the progress bar's last line: {err}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, out, _) = cli(&["list", "--state", "delivered"]);
        if out.lines().count() == 4 {
            break;
        }
        assert!(Instant::now() < deadline, "{out}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (ok, _, err) = cli(&["replay", &id]);
    assert!(!ok && err.contains("only a dead letter"), "{err}");
    let (ok, _, err) = cli(&["list", "--since", "soon"]);
    assert!(!ok && err.contains("is not a time"), "{err}");
    service.kill().unwrap();
    let _ = service.wait();
}

/// `beer-orders outbox purge-dead` on an outbox file: it deletes the dead letters matching,
/// and their attempts, and nothing else; without a filter it refuses unless told `--all`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_purges_dead_letters_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.db");
    let store = SqliteStore::open(&outbox).unwrap();
    let now = SystemTime::now();
    let record = |id: &str, url: &str| {
        Delivery::new(id, "orderStatusChange", "POST", url, b"{}".to_vec(), now)
    };
    let gone = "https://gone.example/hooks";
    let kept = "https://kept.example/hooks";
    for (id, url) in [("gone-1", gone), ("gone-2", gone), ("kept-dead", kept)] {
        store.enqueue(record(id, url)).await.unwrap();
    }
    // Due later, so that the claim below leaves it pending.
    let later = Delivery {
        next_attempt_at: now + Duration::from_secs(3600),
        ..record("gone-pending", gone)
    };
    store.enqueue(later).await.unwrap();
    let claimed = store
        .claim_due(now, 3, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    for d in &claimed {
        let attempt = ringback::dispatch::Attempt {
            number: 1,
            at: now,
            status: Some(410),
            error: None,
            latency: Duration::from_millis(3),
            response_head: b"gone".to_vec(),
        };
        store.dead(&d.id, attempt).await.unwrap();
    }
    let cli = |args: &[&str]| outbox_cli(&outbox, args);
    let (ok, _, err) = cli(&["purge-dead"]);
    assert!(!ok && err.contains("--all"), "{err}");
    let (ok, _, err) = cli(&["purge-dead", "--state", "delivered", "--target", gone]);
    assert!(!ok && err.contains("dead letters only"), "{err}");
    let (ok, out, err) = cli(&["purge-dead", "--target", gone]);
    assert!(ok, "{err}");
    assert!(out.contains("purged 2 dead letter(s)"), "{out}");
    assert!(store.get("gone-1").await.unwrap().is_none());
    assert!(store.attempts("gone-1").await.unwrap().is_empty());
    let pending = store.get("gone-pending").await.unwrap().unwrap();
    assert_eq!(
        pending.state,
        DeliveryState::Pending,
        "only dead letters go"
    );
    let (ok, out, err) = cli(&["purge-dead", "--all"]);
    assert!(ok, "{err}");
    assert!(out.contains("purged 1 dead letter(s)"), "{out}");
    assert!(store
        .find(DeliveryFilter::state(DeliveryState::Dead), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store.get("gone-pending").await.unwrap().is_some());
}
