//! The one way handlers read forms and query strings: [`Form`] and [`Query`], axum-extra's
//! (`serde_html_form`, so repeated keys such as `tag=1&tag=2` fill a `Vec`), with rejections
//! rendered as our error page instead of axum's plain text. Field errors themselves are
//! `crate::domain::forms::FieldErrors`, shown next to each field by the templates.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use super::error::AppError;

/// A `application/x-www-form-urlencoded` body. A body that does not fit `T` is a 422 page.
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum_extra::extract::Form::<T>::from_request(req, state).await {
            Ok(axum_extra::extract::Form(value)) => Ok(Form(value)),
            Err(rejection) => {
                tracing::debug!(error = %rejection, "form refused");
                Err(AppError::UnreadableForm)
            }
        }
    }
}

/// A query string. One that does not fit `T` is ignored field by field where `T` allows
/// (`Option`, `#[serde(default)]`); otherwise a 422 page.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum_extra::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum_extra::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => {
                tracing::debug!(error = %rejection, "query string refused");
                Err(AppError::UnreadableForm)
            }
        }
    }
}
