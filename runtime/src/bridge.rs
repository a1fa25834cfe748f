//! Conversions between the two top layers, which do not use each other: a handler returning
//! `Result<_, ApiError>` sends a callback with `send(...).await?`.

use http::StatusCode;

use crate::dispatch::SendError;
use crate::server::ApiError;

/// What a failed `send` tells the client of the request that sent it.
///
/// - A refused target is the client's own callback URL: 400, saying why.
/// - A payload that did not serialize is the server's bug: 500, the cause in the log only.
/// - A store that could not record the callback: 503, so the client may try again; the cause
///   goes to the log, never to the client.
///
/// ```
/// use ringback::{dispatch::{check_url, AllowList, SendError}, ApiError};
/// let refused = check_url("http://10.0.0.1/hooks", &AllowList::none()).unwrap_err();
/// let e = ApiError::from(SendError::Refused(refused));
/// assert_eq!(e.problem().status, 400);
/// ```
impl From<SendError> for ApiError {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Refused(refused) => ApiError::bad_request(refused.to_string()),
            SendError::Payload(cause) => ApiError::internal(format_args!(
                "a callback payload did not serialize: {cause}"
            )),
            other => {
                tracing::error!(error = %format_args!("{other:#}"), "a callback could not be recorded");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the callback could not be recorded; try again",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::StoreError;

    #[test]
    fn a_store_failure_is_unavailable_and_keeps_its_cause_out_of_the_answer() {
        let e = ApiError::from(SendError::Store(StoreError::new(
            "disk full at /var/lib/outbox",
        )));
        assert_eq!(e.problem().status, 503);
        let detail = e.problem().detail.clone().unwrap_or_default();
        assert!(!detail.contains("/var/lib"), "{detail}");
    }

    #[test]
    fn a_payload_that_does_not_serialize_is_the_server_s_fault() {
        let cause = serde_json::from_str::<u8>("x").unwrap_err();
        let e = ApiError::from(SendError::Payload(cause));
        assert_eq!(e.problem().status, 500);
    }
}
