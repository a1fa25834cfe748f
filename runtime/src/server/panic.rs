//! A handler that panics answers 500 with a problem that leaks nothing, and the server keeps
//! serving.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::Problem;

/// Runs `inner`, turning a panic into a 500 problem.
pub struct CatchPanic<F> {
    inner: Pin<Box<F>>,
    operation: &'static str,
}

impl<F> CatchPanic<F> {
    pub fn new(inner: F, operation: &'static str) -> Self {
        CatchPanic {
            inner: Box::pin(inner),
            operation,
        }
    }
}

impl<F: Future<Output = Response>> Future for CatchPanic<F> {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let operation = self.operation;
        // The future is dropped after a panic, never polled again, so no broken state is seen.
        match catch_unwind(AssertUnwindSafe(|| self.inner.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".to_owned());
                tracing::error!(operation, panic = %message, "handler panicked");
                Poll::Ready(
                    Problem::new(StatusCode::INTERNAL_SERVER_ERROR)
                        .with_detail("the server failed while handling this request")
                        .into_response(),
                )
            }
        }
    }
}
