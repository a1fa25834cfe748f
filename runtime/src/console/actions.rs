//! What an operator does: each action is a POST, checked for its CSRF token and origin,
//! logged as a `tracing` event (target `ringback::console`), and answered with a redirect to
//! the page that shows what it did.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequest, Path, Request};
use axum::http::StatusCode;
use axum::response::Response;

use super::filter::Listing;
use super::{csrf, html, respond, wire, Mount, Shared, State};

/// An action's form, read once its CSRF token and origin hold, with the console's mount
/// point. The refusal page otherwise, logged with the action (the path's last segment).
pub(super) struct Checked {
    form: HashMap<String, String>,
    base: String,
}

impl FromRequest<Arc<Shared>> for Checked {
    type Rejection = Response;

    async fn from_request(request: Request, shared: &Arc<Shared>) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let Mount { base } = Mount::of_parts(&parts);
        let form = super::read_form(body).await;
        match csrf::check(
            &shared.key,
            &parts.headers,
            form.get(csrf::FIELD).map(String::as_str),
        ) {
            Ok(()) => Ok(Checked { form, base }),
            Err(refusal) => {
                let action = parts.uri.path().rsplit('/').next().unwrap_or("");
                tracing::warn!(target: "ringback::console", action, reason = ?refusal, "console action refused");
                Err(super::problem(
                    &base,
                    StatusCode::FORBIDDEN,
                    refusal.explain(),
                ))
            }
        }
    }
}

fn unavailable(base: &str, what: &str) -> Response {
    super::problem(
        base,
        StatusCode::NOT_IMPLEMENTED,
        &format!("{what} is not available in this build of ringback"),
    )
}

fn failed(base: &str, e: crate::dispatch::StoreError) -> Response {
    super::problem(
        base,
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("the outbox could not be changed: {e:#}"),
    )
}

fn to_delivery(base: &str, id: &str, done: &str) -> Response {
    respond::see_other(&format!(
        "{base}/deliveries/{}?done={}",
        html::path_segment(id),
        html::query_value(done)
    ))
}

pub(super) async fn replay(
    shared: State,
    Path(id): Path<String>,
    Checked { base, .. }: Checked,
) -> Response {
    match shared.dispatcher.replay(&id).await {
        Ok(true) => {
            tracing::info!(target: "ringback::console", action = "replay", delivery = %id, "dead letter replayed from the console");
            to_delivery(
                &base,
                &id,
                "Replayed: the delivery is pending again, due now.",
            )
        }
        Ok(false) => to_delivery(
            &base,
            &id,
            "Not replayed: only a dead letter can be replayed.",
        ),
        Err(e) => failed(&base, e),
    }
}

pub(super) async fn replay_matching(shared: State, Checked { form, base }: Checked) -> Response {
    let listing = Listing::read(&form);
    if !listing.problems.is_empty() {
        return super::problem(&base, StatusCode::BAD_REQUEST, &listing.problems.join("; "));
    }
    match shared
        .dispatcher
        .replay_matching(listing.filter.clone())
        .await
    {
        Ok(n) => {
            tracing::info!(
                target: "ringback::console",
                action = "replay_matching",
                replayed = n,
                callback = listing.callback.as_str(),
                target_prefix = listing.target.as_str(),
                since = listing.since.as_str(),
                until = listing.until.as_str(),
                "dead letters replayed from the console"
            );
            let query = listing.query(None);
            let sep = if query.is_empty() { "" } else { "&" };
            respond::see_other(&format!("{base}/deliveries?{query}{sep}replayed={n}"))
        }
        Err(e) => failed(&base, e),
    }
}

/// Deletes every dead letter the filter matches, for good. An empty filter is refused: the
/// form is offered only for a narrowed list, and one click must not empty the dead letters.
pub(super) async fn purge_dead(shared: State, Checked { form, base }: Checked) -> Response {
    let listing = Listing::read(&form);
    if !listing.problems.is_empty() {
        return super::problem(&base, StatusCode::BAD_REQUEST, &listing.problems.join("; "));
    }
    if listing
        .filter
        .state
        .is_some_and(|s| s != crate::dispatch::DeliveryState::Dead)
    {
        return super::problem(
            &base,
            StatusCode::BAD_REQUEST,
            "only dead letters can be deleted: list the dead ones (state dead) first",
        );
    }
    if !listing.narrowed() {
        return super::problem(
            &base,
            StatusCode::BAD_REQUEST,
            "name the dead letters to delete (a callback, a target or a time range): the \
             console does not delete every one at once",
        );
    }
    match shared.dispatcher.purge_dead(listing.filter.clone()).await {
        Ok(n) => {
            tracing::info!(
                target: "ringback::console",
                action = "purge_dead",
                purged = n,
                callback = listing.callback.as_str(),
                target_prefix = listing.target.as_str(),
                since = listing.since.as_str(),
                until = listing.until.as_str(),
                "dead letters deleted from the console"
            );
            let query = listing.query(None);
            let sep = if query.is_empty() { "" } else { "&" };
            respond::see_other(&format!("{base}/deliveries?{query}{sep}purged={n}"))
        }
        Err(e) => failed(&base, e),
    }
}

pub(super) async fn cancel(
    shared: State,
    Path(id): Path<String>,
    Checked { base, .. }: Checked,
) -> Response {
    match wire::cancel(&shared.dispatcher, &id).await {
        None => unavailable(&base, "cancelling a delivery"),
        Some(Ok(true)) => {
            tracing::info!(target: "ringback::console", action = "cancel", delivery = %id, "delivery cancelled from the console");
            to_delivery(&base, &id, "Cancelled.")
        }
        Some(Ok(false)) => {
            to_delivery(&base, &id, "Not cancelled: only a pending delivery can be.")
        }
        Some(Err(e)) => failed(&base, e),
    }
}

pub(super) async fn pause(shared: State, Checked { form, base }: Checked) -> Response {
    let target = form.get("target").map(|t| t.trim()).unwrap_or("");
    if target.is_empty() {
        return super::problem(&base, StatusCode::BAD_REQUEST, "name the target to pause");
    }
    let reason = form
        .get("reason")
        .map_or("paused from the console", |r| r.as_str());
    match wire::pause(&shared.dispatcher, target, reason).await {
        None => unavailable(&base, "pausing a target"),
        Some(Ok(origin)) => {
            tracing::info!(target: "ringback::console", action = "pause", origin = %origin, reason, "target paused from the console");
            respond::see_other(&html::home(&base))
        }
        Some(Err(e)) => failed(&base, e),
    }
}

pub(super) async fn resume(shared: State, Checked { form, base }: Checked) -> Response {
    let target = form.get("target").map(|t| t.trim()).unwrap_or("");
    match wire::resume(&shared.dispatcher, target).await {
        None => unavailable(&base, "resuming a target"),
        Some(Ok(resumed)) => {
            tracing::info!(target: "ringback::console", action = "resume", origin = target, resumed, "target resumed from the console");
            respond::see_other(&html::home(&base))
        }
        Some(Err(e)) => failed(&base, e),
    }
}
