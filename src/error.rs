//! One error type for every handler. It renders the error page for browsers, or a small
//! fragment for HTMX requests, and logs unexpected failures once, here.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

use crate::web::page::{Page, PageMeta};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The database could not be reached (pool timeout, connection refused): a 503 the
    /// visitor can retry, not a bug.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                AppError::Unavailable(err)
            }
            other => AppError::Unexpected(other.into()),
        }
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        AppError::Unexpected(anyhow::Error::new(err).context("template rendering failed"))
    }
}

#[derive(Serialize)]
struct ErrorContent {
    status: u16,
    heading: &'static str,
    message: &'static str,
}

impl AppError {
    fn content(&self) -> (StatusCode, ErrorContent) {
        let (status, heading, message) = match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "We could not find that page. The interviewer may no longer be listed, or the link may be mistyped.",
            ),
            AppError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "We are briefly unavailable",
                "Our database is not answering right now. Nothing you did caused this; please try again in a minute.",
            ),
            AppError::Unexpected(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side",
                "The error has been logged and we will look into it. Please try again, or write to hello@508.dev.",
            ),
        };
        (
            status,
            ErrorContent {
                status: status.as_u16(),
                heading,
                message,
            },
        )
    }
}

/// Rendering needs the template environment, which lives in the app state; handlers return
/// `AppError` and the [`crate::web::page::render_errors`] middleware turns the marker this
/// leaves into a page. That keeps handler signatures simple (`Result<_, AppError>`).
#[derive(Clone)]
pub struct ErrorMarker {
    pub status: StatusCode,
    pub heading: &'static str,
    pub message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::NotFound => {}
            AppError::Unavailable(source) => {
                tracing::warn!(error = %source, "database unavailable")
            }
            AppError::Unexpected(source) => {
                tracing::error!(error = %format!("{source:#}"), "internal error")
            }
        }
        let (status, content) = self.content();
        let mut response = (status, Html(String::new())).into_response();
        response.extensions_mut().insert(ErrorMarker {
            status,
            heading: content.heading,
            message: content.message,
        });
        response
    }
}

/// The context of `error.html` and `fragments/error.html`.
pub fn error_page(meta: PageMeta, marker: &ErrorMarker) -> Page<impl Serialize> {
    Page::new(
        meta,
        ErrorContent {
            status: marker.status.as_u16(),
            heading: marker.heading,
            message: marker.message,
        },
    )
}
