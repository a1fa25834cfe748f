//! The console's first page: the outbox at a glance.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{charts, csrf, html, states, wire, Mount, State};
use crate::dispatch::Summary;

/// How far back the charts look.
const WINDOW: Duration = Duration::from_secs(3600);

pub(super) async fn show(shared: State, Mount { base }: Mount, headers: HeaderMap) -> Response {
    let now = SystemTime::now();
    let summary = match shared.dispatcher.store().summary(now - WINDOW, now).await {
        Ok(summary) => summary,
        Err(e) => {
            let message = format!("the outbox could not be read: {e:#}");
            return super::problem(&base, StatusCode::SERVICE_UNAVAILABLE, &message);
        }
    };
    let (token, cookie) = super::csrf_for(&shared, &headers, &base);
    let b = html::escape(&base);
    let mut body = String::from("<h2>Deliveries by state</h2><div class=\"cards\">");
    for state in states::STATES {
        let n = summary.count(*state);
        let shown = match n >= Summary::COUNT_CAP {
            true => format!("{n}+"),
            false => n.to_string(),
        };
        body.push_str(&format!(
            "<a class=\"card state-count\" data-state=\"{name}\" href=\"{b}/deliveries?state={name}\">\
             <b>{shown}</b>{}</a>",
            states::label(*state),
            name = state.as_str(),
        ));
    }
    body.push_str("</div><h2>The last hour</h2><div class=\"charts\">");
    let recorded: u64 = summary.minutes.iter().map(|m| m.recorded).sum();
    let delivered: u64 = summary.minutes.iter().map(|m| m.succeeded).sum();
    let attempts: u64 = summary.minutes.iter().map(|m| m.attempts).sum();
    body.push_str(&format!(
        "<figure><figcaption>Deliveries per minute: {recorded} recorded (blue), {delivered} \
         delivered (green)</figcaption>{}</figure>",
        charts::per_minute(&summary.minutes)
    ));
    body.push_str(&format!(
        "<figure><figcaption>Attempt latency per minute over {attempts} attempts: mean (blue), \
         highest (red)</figcaption>{}</figure></div>",
        charts::latency(&summary.minutes)
    ));
    body.push_str(&targets(&shared, &b, &token).await);
    super::page_response(cookie, html::page(&base, "At a glance", &body))
}

/// The paused targets, each with a Resume button, and a form to pause one.
async fn targets(shared: &super::Shared, b: &str, token: &str) -> String {
    let Some(paused) = wire::paused_targets(&shared.dispatcher).await else {
        return String::new();
    };
    let mut out = String::from("<h2>Paused targets</h2>");
    match paused {
        Err(e) => out.push_str(&format!(
            "<p class=\"notice bad\">{}</p>",
            html::escape(&format!("the targets could not be read: {e:#}"))
        )),
        Ok(list) if list.is_empty() => out.push_str("<p class=\"muted\">None.</p>"),
        Ok(list) => {
            out.push_str(
                "<table class=\"targets\"><thead><tr><th>Origin</th><th>Status</th><th>Since</th>\
                 <th>Why</th><th></th></tr></thead><tbody>",
            );
            for t in list {
                out.push_str(&format!(
                    "<tr><td class=\"url\">{origin}</td><td>{}</td><td>{}</td><td class=\"error\">{}</td><td>\
                     <form class=\"inline\" method=\"post\" action=\"{b}/targets/resume\">{}{}\
                     <button type=\"submit\" class=\"resume\">Resume</button></form></td></tr>",
                    html::escape(&t.status),
                    html::time(t.since),
                    html::escape(t.reason.as_deref().or(t.last_error.as_deref()).unwrap_or("")),
                    html::hidden(csrf::FIELD, token),
                    html::hidden("target", &t.origin),
                    origin = html::escape(&t.origin),
                ));
            }
            out.push_str("</tbody></table>");
        }
    }
    out.push_str(&format!(
        "<form class=\"filters\" method=\"post\" action=\"{b}/targets/pause\">{}\
         <label>Target<input type=\"text\" name=\"target\" placeholder=\"https://client.example\" required></label>\
         <label>Why<input type=\"text\" name=\"reason\" placeholder=\"their maintenance window\"></label>\
         <button type=\"submit\" class=\"danger\">Pause</button></form>",
        html::hidden(csrf::FIELD, token)
    ));
    out
}
