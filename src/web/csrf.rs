//! Cross-site request forgery protection for every state-changing request.
//!
//! Browsers say where a request comes from: `Sec-Fetch-Site` (all current browsers) or, failing
//! that, `Origin`. A POST is accepted only from our own origin. Webhooks are exempt: they carry
//! no cookies and are authenticated by their signatures instead.

use axum::{
    extract::{Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::AppState;

pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || request.uri().path().starts_with("/webhooks/") {
        return next.run(request).await;
    }
    let headers = request.headers();
    let allowed = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin",
        None => headers
            .get("origin")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|origin| origin == public_origin(&state.config.public_base_url)),
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            "This form was sent from another site, so we refused it. Please go back, reload the page and try again.",
        )
            .into_response()
    }
}

/// `https://host[:port]` of the base URL (which may carry a path prefix).
fn public_origin(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(slash) => &base_url[..after_scheme + slash],
        None => base_url,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn origin_of_base_urls() {
        assert_eq!(
            super::public_origin("https://interviews.508.dev"),
            "https://interviews.508.dev"
        );
        assert_eq!(
            super::public_origin("http://localhost:8000/app"),
            "http://localhost:8000"
        );
    }
}
