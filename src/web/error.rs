//! One error type for every handler. It renders the error page for browsers, or a small
//! fragment for HTMX requests, and logs unexpected failures once, here.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

use super::page::{Page, PageMeta};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A form or query string that does not have the shape of the form we serve (a stale
    /// page, a hand-made request): nothing was changed.
    #[error("unreadable form")]
    UnreadableForm,
    /// The database could not be reached (pool timeout, connection refused): a 503 the
    /// visitor can retry, not a bug.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

fn is_unavailable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed
    )
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if is_unavailable(&err) {
            AppError::Unavailable(err)
        } else {
            AppError::Unexpected(err.into())
        }
    }
}

/// Use cases fail with `anyhow::Error`; one whose cause is an unreachable database is still
/// a 503 the visitor can retry.
impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        match err.downcast::<sqlx::Error>() {
            Ok(sql) => AppError::from(sql),
            Err(other) => AppError::Unexpected(other),
        }
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        AppError::Unexpected(anyhow::Error::new(err).context("template rendering failed"))
    }
}

/// The error page's words.
#[derive(Serialize)]
struct ErrorText {
    status: u16,
    heading: &'static str,
    message: &'static str,
}

impl AppError {
    fn content(&self) -> (StatusCode, ErrorText) {
        let (status, heading, message) = match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "We could not find that page. The interviewer may no longer be listed, or the link may be mistyped.",
            ),
            AppError::UnreadableForm => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "We could not read that form",
                "Some of its fields were missing, not what we expected, or held characters we cannot store (such as a NUL), so nothing was changed. Please reload the page and try again.",
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
            ErrorText {
                status: status.as_u16(),
                heading,
                message,
            },
        )
    }
}

/// Rendering needs the template environment, which lives in the app state; handlers return
/// `AppError` and the [`super::page::render_errors`] middleware turns the marker this
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
            AppError::NotFound | AppError::UnreadableForm => {}
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
        ErrorText {
            status: marker.status.as_u16(),
            heading: marker.heading,
            message: marker.message,
        },
    )
}
