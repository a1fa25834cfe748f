//! One delivery: what it is, what the receiver is sent (the signing secret never shown), its
//! attempts, and what can be done with it.

use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::filter::pairs;
use super::list::badge;
use super::{csrf, html, wire, Mount, State};
use crate::dispatch::{Attempt, Delivery, DeliveryState};

fn fields(d: &Delivery) -> String {
    let rows = [
        (
            "Id",
            format!("<span class=\"mono\">{}</span>", html::escape(&d.id)),
        ),
        ("State", badge(d.state)),
        ("Callback", html::escape(&d.callback)),
        (
            "Request",
            format!(
                "{} <span class=\"mono\">{}</span>",
                html::escape(&d.method),
                html::escape(&d.url)
            ),
        ),
        ("Recorded", html::time(d.created_at)),
        ("Attempts", d.attempts.to_string()),
        (
            match d.state {
                DeliveryState::Pending | DeliveryState::InFlight => "Next attempt",
                _ => "Last due",
            },
            html::time(d.next_attempt_at),
        ),
        (
            "Last error",
            html::escape(d.last_error.as_deref().unwrap_or("none")),
        ),
    ];
    let rows: String = rows
        .iter()
        .map(|(name, value)| format!("<dt>{name}</dt><dd>{value}</dd>"))
        .collect();
    format!("<dl class=\"fields\">{rows}</dl>")
}

/// The headers each attempt carries. The timestamp and signature are made at each attempt,
/// from the signing secrets, which the console never shows.
fn headers(d: &Delivery) -> String {
    format!(
        "<pre class=\"headers\">content-type: application/json\nwebhook-id: {}\n\
         webhook-timestamp: (the time of each attempt)\n\
         webhook-signature: v1,... (made at each attempt; the secret is not shown)</pre>",
        html::escape(&d.id)
    )
}

fn attempts(list: &[Attempt]) -> String {
    if list.is_empty() {
        return "<p class=\"muted\">No attempt yet.</p>".into();
    }
    let mut out = String::from(
        "<table class=\"attempts\"><thead><tr><th>#</th><th>At</th><th>Answer</th>\
         <th>Latency</th><th>Start of the answer</th></tr></thead><tbody>",
    );
    for a in list {
        let answer = match (&a.status, &a.error) {
            (Some(status), None) => format!("<span class=\"status\">{status}</span>"),
            (Some(status), Some(e)) => format!("{status}: {}", html::escape(e)),
            (None, Some(e)) => html::escape(e),
            (None, None) => "no answer".into(),
        };
        let head = &a.response_head[..a.response_head.len().min(4096)];
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"error\">{answer}</td><td>{:.1} ms</td>\
             <td><pre>{}</pre></td></tr>",
            a.number,
            html::time(a.at),
            a.latency.as_secs_f64() * 1000.0,
            html::escape(&String::from_utf8_lossy(head)),
        ));
    }
    out.push_str("</tbody></table>");
    out
}

pub(super) async fn show(
    shared: State,
    Mount { base }: Mount,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    request_headers: HeaderMap,
) -> Response {
    let store = shared.dispatcher.store();
    let delivery = match store.get(&id).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            return super::problem(
                &base,
                StatusCode::NOT_FOUND,
                &format!("there is no delivery {id}"),
            )
        }
        Err(e) => {
            let message = format!("the outbox could not be read: {e:#}");
            return super::problem(&base, StatusCode::SERVICE_UNAVAILABLE, &message);
        }
    };
    let log = match store.attempts(&id).await {
        Ok(log) => log,
        Err(e) => {
            let message = format!("the attempts could not be read: {e:#}");
            return super::problem(&base, StatusCode::SERVICE_UNAVAILABLE, &message);
        }
    };
    let (token, cookie) = super::csrf_for(&shared, &request_headers, &base);
    let b = html::escape(&base);
    let id_path = html::path_segment(&delivery.id);
    let mut body = String::new();
    if let Some(done) = pairs(uri.query().unwrap_or("").as_bytes()).get("done") {
        body.push_str(&format!("<p class=\"notice\">{}</p>", html::escape(done)));
    }
    body.push_str(&fields(&delivery));
    body.push_str("<div class=\"actions\">");
    if delivery.state == DeliveryState::Dead {
        body.push_str(&format!(
            "<form class=\"inline\" method=\"post\" action=\"{b}/deliveries/{id_path}/replay\">{}\
             <button type=\"submit\" class=\"replay\">Replay</button></form>",
            html::hidden(csrf::FIELD, &token)
        ));
    }
    if wire::cancellable(&delivery) {
        body.push_str(&format!(
            "<form class=\"inline\" method=\"post\" action=\"{b}/deliveries/{id_path}/cancel\">{}\
             <button type=\"submit\" class=\"danger cancel\">Cancel</button></form>",
            html::hidden(csrf::FIELD, &token)
        ));
    }
    body.push_str(&format!(
        "<a href=\"{b}/deliveries?target={}\">Deliveries to this target</a></div>",
        html::escape(&html::query_value(&delivery.url))
    ));
    body.push_str("<h2>Payload</h2>");
    body.push_str(&format!(
        "<pre class=\"payload\">{}</pre>",
        html::escape(&html::body_text(&delivery.body))
    ));
    body.push_str("<h2>Headers</h2>");
    body.push_str(&headers(&delivery));
    body.push_str("<h2>Attempts</h2>");
    body.push_str(&attempts(&log));
    super::page_response(
        cookie,
        html::page(&base, &format!("Delivery {}", delivery.id), &body),
    )
}
