//! The one way handlers read forms and query strings: [`Form`] and [`Query`], which parse with
//! `serde_html_form` (as axum-extra's do: repeated keys such as `tag=1&tag=2` fill a `Vec`).
//! An unreadable form is our 422 page instead of axum's plain text; an unreadable query
//! string reads as empty. A NUL
//! anywhere (raw or `%00`) makes a form unreadable: PostgreSQL text cannot hold it and no
//! person types it. Field errors themselves are `crate::domain::forms::FieldErrors`, shown
//! next to each field by the templates.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts},
};
use serde::de::DeserializeOwned;

use super::error::AppError;

/// Whether urlencoded bytes carry a NUL, raw or percent-encoded.
fn has_nul(encoded: &[u8]) -> bool {
    encoded.contains(&0)
        || encoded
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

fn parse<T: DeserializeOwned>(encoded: &[u8]) -> Result<T, AppError> {
    if has_nul(encoded) {
        tracing::debug!("form refused: NUL in a field");
        return Err(AppError::UnreadableForm);
    }
    serde_html_form::from_bytes(encoded).map_err(|err| {
        tracing::debug!(error = %err, "form refused");
        AppError::UnreadableForm
    })
}

/// An `application/x-www-form-urlencoded` body.
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let urlencoded = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(AppError::UnreadableForm);
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::UnreadableForm)?;
        parse(&body).map(Form)
    }
}

/// A query string. Ours carry only optional hints (the login page's `next`, an outcome code
/// to put into words), so one that cannot be read, a NUL in it above all, reads as no hints
/// at all (`T::default()`) rather than an error page.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Query(
            parse(parts.uri.query().unwrap_or("").as_bytes()).unwrap_or_default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Tags {
        #[serde(default)]
        tag: Vec<String>,
        name: Option<String>,
    }

    #[test]
    fn repeated_keys_fill_a_vec_and_nul_is_refused() {
        let tags: Tags = parse(b"tag=1&tag=2&name=Ada").unwrap();
        assert_eq!(tags.tag, ["1", "2"]);
        assert_eq!(tags.name.as_deref(), Some("Ada"));
        let one: Tags = parse(b"tag=7").unwrap();
        assert_eq!(one.tag, ["7"]);
        assert!(parse::<Tags>(b"name=a%00b").is_err());
        assert!(parse::<Tags>(b"name=a\0b").is_err());
        assert!(
            parse::<Tags>(b"name=100%25").is_ok(),
            "a literal percent sign is fine"
        );
    }
}
