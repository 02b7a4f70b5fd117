//! Signing in and out, and the extractors that guard every admin route.
//!
//! Sessions are server-side (table `session`); the cookie holds a random token whose SHA-256
//! is the key. The cookie is `HttpOnly`, `SameSite=Lax`, `Secure` in production (with the
//! `__Host-` prefix, which pins it to our origin), and a new token is issued at every login.
//! Sessions end after `IDLE_MINUTES` without a request, or `SESSION_HOURS` after login.

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};

use crate::{
    app::accounts::SESSION_HOURS,
    auth::tokens,
    db::accounts::{self, SessionUser},
    paths,
    web::{AppState, error::AppError},
};

pub const IDLE_MINUTES: i32 = 60;

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.is_production() {
        "__Host-session"
    } else {
        "session"
    }
}

/// The value of our session cookie in a request, if any.
pub fn session_token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| tokens::looks_like_token(v))
}

/// `Set-Cookie` for a new session (or, with `None`, one that clears it).
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = if state.config.is_production() {
        "; Secure"
    } else {
        ""
    };
    let value = match token {
        Some(token) => format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            cookie_name(state),
            SESSION_HOURS * 3600
        ),
        None => format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            cookie_name(state)
        ),
    };
    HeaderValue::from_str(&value).expect("cookie values are ASCII")
}

/// A signed-in, active user. Anonymous requests are sent to the login page (htmx requests
/// get an `HX-Redirect`, so the whole page goes there, not a fragment).
pub struct Admin(pub SessionUser);

impl Admin {
    pub fn is_staff(&self) -> bool {
        self.0.is_staff
    }
}

pub struct LoginRedirect(Response);

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        self.0
    }
}

/// Where signing in should return to. A page comes back to itself. A form posted after the
/// session ended cannot: its action answers only POST, so sign-in returns to the page the
/// form was on (the `Referer`, when it is one of our admin pages), or the bookings list.
fn return_after_sign_in(parts: &Parts, state: &AppState) -> String {
    if matches!(parts.method, Method::GET | Method::HEAD) {
        return parts
            .uri
            .path_and_query()
            .map_or(paths::ADMIN.to_owned(), |p| p.as_str().to_owned());
    }
    parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(state.config.public_base_url.as_str()))
        .filter(|path| {
            path.starts_with("/admin/") && !path.starts_with(paths::LOGIN) && path.is_ascii()
        })
        .unwrap_or(paths::ADMIN_BOOKINGS)
        .to_owned()
}

fn login_redirect(parts: &Parts, state: &AppState) -> LoginRedirect {
    let target = paths::login_then(&return_after_sign_in(parts, state));
    if parts.headers.contains_key("hx-request") {
        let mut response = axum::http::StatusCode::OK.into_response();
        response.headers_mut().insert(
            "hx-redirect",
            HeaderValue::from_str(&target).expect("ASCII"),
        );
        LoginRedirect(response)
    } else {
        LoginRedirect(Redirect::to(&target).into_response())
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match <Admin as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
            .await?
        {
            Some(admin) => Ok(admin),
            None => Err(login_redirect(parts, state).into_response()),
        }
    }
}

impl OptionalFromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        let Some(token) = session_token(&parts.headers, cookie_name(state)) else {
            return Ok(None);
        };
        let user = accounts::session_user(&state.pool, &tokens::token_hash(&token), IDLE_MINUTES)
            .await
            .map_err(|e| AppError::from(e).into_response())?;
        Ok(user.map(Admin))
    }
}

/// A signed-in staff member. Everyone else gets 404 (staff pages do not exist for them),
/// decided before the request body is even read.
pub struct Staff(pub Admin);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let admin = <Admin as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if admin.is_staff() {
            Ok(Staff(admin))
        } else {
            Err(AppError::NotFound.into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let token = tokens::new_token();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=1; session={token}; b=2")).unwrap(),
        );
        assert_eq!(session_token(&headers, "session"), Some(token));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("session=../../etc"),
        );
        assert_eq!(session_token(&headers, "session"), None);
    }
}
