//! The deliveries page: the filter form, a page of deliveries newest first, the link to the
//! next page, and the form that replays every dead letter the filter matches.

use axum::extract::OriginalUri;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::filter::{pairs, Listing};
use super::{csrf, html, states, Mount, State, PAGE_SIZE};
use crate::dispatch::{Cursor, Delivery, DeliveryState};

/// A delivery's state as a badge.
pub(super) fn badge(state: DeliveryState) -> String {
    format!(
        "<span class=\"state state-{}\">{}</span>",
        state.as_str(),
        states::label(state)
    )
}

fn row(base: &str, d: &Delivery) -> String {
    let error = d.last_error.as_deref().unwrap_or("");
    format!(
        "<tr><td><a class=\"mono\" href=\"{base}/deliveries/{id_path}\">{id}</a></td><td>{state}</td>\
         <td>{callback}</td><td class=\"url\">{url}</td><td>{attempts}</td><td>{created}</td>\
         <td class=\"error\">{error}</td></tr>",
        base = html::escape(base),
        id = html::escape(&d.id),
        id_path = html::path_segment(&d.id),
        state = badge(d.state),
        callback = html::escape(&d.callback),
        url = html::escape(&d.url),
        attempts = d.attempts,
        created = html::time(d.created_at),
        error = html::escape(error),
    )
}

pub(super) async fn show(
    shared: State,
    Mount { base }: Mount,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let listing = Listing::read(&pairs(uri.query().unwrap_or("").as_bytes()));
    let store = shared.dispatcher.store();
    // One more than a page: whether there is a next page, without counting.
    let found = store
        .page(listing.filter.clone(), listing.after.clone(), PAGE_SIZE + 1)
        .await;
    let mut deliveries = match found {
        Ok(found) => found,
        Err(e) => {
            return super::problem(
                &base,
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("the outbox could not be read: {e:#}"),
            )
        }
    };
    let more = deliveries.len() > PAGE_SIZE;
    deliveries.truncate(PAGE_SIZE);
    let (token, cookie) = super::csrf_for(&shared, &headers, &base);
    let b = html::escape(&base);
    let mut body = String::new();
    for problem in &listing.problems {
        body.push_str(&format!(
            "<p class=\"notice bad\">{}</p>",
            html::escape(problem)
        ));
    }
    if let Some(n) = pairs(uri.query().unwrap_or("").as_bytes()).get("replayed") {
        body.push_str(&format!(
            "<p class=\"notice\">{} dead letter(s) replayed.</p>",
            html::escape(n)
        ));
    }
    if let Some(n) = pairs(uri.query().unwrap_or("").as_bytes()).get("purged") {
        body.push_str(&format!(
            "<p class=\"notice\">{} dead letter(s) deleted.</p>",
            html::escape(n)
        ));
    }
    body.push_str(&listing.form(&base));
    if listing
        .filter
        .state
        .is_none_or(|s| s == DeliveryState::Dead)
    {
        body.push_str(&format!(
            "<form class=\"inline replay-matching\" method=\"post\" action=\"{b}/replay\">{}{}\
             <button type=\"submit\" class=\"quiet\">Replay every dead letter matching this filter</button></form>",
            html::hidden(csrf::FIELD, &token),
            listing.hidden(),
        ));
        if listing.narrowed() {
            body.push_str(&format!(
                "<form class=\"inline purge-dead\" method=\"post\" action=\"{b}/purge-dead\">{}{}\
                 <button type=\"submit\" class=\"quiet\">Delete every dead letter matching this filter, for good</button></form>",
                html::hidden(csrf::FIELD, &token),
                listing.hidden(),
            ));
        }
    }
    if deliveries.is_empty() {
        body.push_str("<p class=\"muted\">No deliveries match.</p>");
    } else {
        body.push_str(
            "<table class=\"deliveries\"><thead><tr><th>Id</th><th>State</th><th>Callback</th>\
             <th>Target</th><th>Attempts</th><th>Recorded</th><th>Last error</th></tr></thead><tbody>",
        );
        for d in &deliveries {
            body.push_str(&row(&base, d));
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("<div class=\"pager\">");
    if listing.after.is_some() {
        body.push_str(&format!(
            "<a href=\"{b}/deliveries?{}\">Newest</a>",
            html::escape(&listing.query(None))
        ));
    }
    if let (true, Some(last)) = (more, deliveries.last()) {
        body.push_str(&format!(
            "<a class=\"older\" href=\"{b}/deliveries?{}\">Older</a>",
            html::escape(&listing.query(Some(&Cursor::after(last))))
        ));
    }
    body.push_str("</div>");
    super::page_response(cookie, html::page(&base, "Deliveries", &body))
}
