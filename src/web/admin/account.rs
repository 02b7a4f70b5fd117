//! Sign in, sign out, change password, forgotten password, and setting a password from an
//! emailed link (reset or invitation). The rules are in `crate::app::accounts`.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    AdminPage,
    session::{self, Admin},
};
use crate::{
    app::accounts::{self, ChangePasswordOutcome, LoginOutcome, ResetOutcome, SetPasswordOutcome},
    auth::tokens,
    domain::forms::FieldErrors,
    paths,
    web::{
        AppState,
        error::AppError,
        forms::{Form, Query},
        page::PathId,
    },
};

/// Only local admin paths are followed after sign-in (no open redirect), and only printable
/// ones (a CR, LF or NUL cannot go into a `Location` header).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with(paths::ADMIN)
                && !n.starts_with("//")
                && !n.contains("://")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => paths::ADMIN.to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
    reset: Option<String>,
}

#[derive(Serialize)]
struct LoginContent {
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

fn render_login(
    state: &AppState,
    content: LoginContent,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = AdminPage::new(state, paths::LOGIN, "Sign in", content);
    Ok((status, state.render("admin/login.html", None, &page)?).into_response())
}

pub async fn show_login(
    State(state): State<AppState>,
    admin: Option<Admin>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if admin.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let notice = if q.signed_out.is_some() {
        Some("You are signed out.")
    } else if q.reset.is_some() {
        Some("Your password is set. Please sign in.")
    } else {
        None
    };
    let content = LoginContent {
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
        notice,
    };
    render_login(&state, content, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn log_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let email = accounts::typed_email(&form.email);
    let next = safe_next(form.next.as_deref());
    let ip = crate::web::security::client_ip(&state, &headers, Some(peer));
    let ending = session::session_token(&headers, session::cookie_name(&state))
        .map(|t| tokens::token_hash(&t));
    let outcome = accounts::log_in(
        &state.services,
        &email,
        &form.password,
        &ip,
        ending.as_deref(),
    )
    .await?;
    let (error, status) = match outcome {
        LoginOutcome::SignedIn { session_token } => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                session::session_cookie(&state, Some(&session_token)),
            );
            return Ok(response);
        }
        LoginOutcome::WrongCredentials => (
            "That email and password do not match an active account.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        LoginOutcome::TooManyAttempts {
            retry_after_minutes: minutes,
        } => (
            format!(
                "Too many sign-in attempts. Please wait {minutes} minute{} and try again, or reset your password.",
                if minutes > 1 { "s" } else { "" }
            ),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    let content = LoginContent {
        email,
        next,
        error: Some(error),
        notice: None,
    };
    render_login(&state, content, status)
}

pub async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = session::session_token(&headers, session::cookie_name(&state)) {
        accounts::log_out(&state.services, &tokens::token_hash(&token)).await?;
    }
    let mut response = Redirect::to(&paths::login_with_notice("signed_out")).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::session_cookie(&state, None));
    Ok(response)
}

#[derive(Serialize, Default)]
struct PasswordContent {
    errors: FieldErrors,
    done: bool,
}

fn render_change_password(
    state: &AppState,
    admin: &Admin,
    content: PasswordContent,
) -> Result<Response, AppError> {
    let status = if content.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AdminPage::new(
        state,
        paths::CHANGE_PASSWORD,
        "Change your password",
        content,
    )
    .user(admin);
    Ok((
        status,
        state.render("admin/change_password.html", None, &page)?,
    )
        .into_response())
}

pub async fn show_change_password(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    render_change_password(&state, &admin, PasswordContent::default())
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let keep = session::session_token(&headers, session::cookie_name(&state))
        .map(|t| tokens::token_hash(&t));
    let outcome = accounts::change_password(
        &state.services,
        admin.0.user_id,
        &admin.0.email,
        &form.current,
        &form.new,
        &form.confirm,
        keep.as_deref(),
    )
    .await?;
    let content = match outcome {
        ChangePasswordOutcome::Changed => PasswordContent {
            errors: FieldErrors::new(),
            done: true,
        },
        ChangePasswordOutcome::Invalid(errors) => PasswordContent {
            errors,
            done: false,
        },
    };
    render_change_password(&state, &admin, content)
}

#[derive(Serialize, Default)]
struct ForgotContent {
    email: String,
    sent: bool,
    error: Option<String>,
}

fn render_forgot(state: &AppState, content: ForgotContent) -> Result<Response, AppError> {
    let page = AdminPage::new(
        state,
        paths::FORGOT_PASSWORD,
        "Reset your password",
        content,
    );
    Ok(state
        .render("admin/forgot_password.html", None, &page)?
        .into_response())
}

pub async fn show_forgot_password(State(state): State<AppState>) -> Result<Response, AppError> {
    render_forgot(&state, ForgotContent::default())
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// The same answer whether or not the address has an account.
pub async fn request_password_reset(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let email = accounts::typed_email(&form.email);
    let ip = crate::web::security::client_ip(&state, &headers, Some(peer));
    let outcome = accounts::request_password_reset(&state.services, &email, &ip).await?;
    let (sent, error, status) = match outcome {
        ResetOutcome::LinkSentIfKnown => (true, None, StatusCode::OK),
        ResetOutcome::InvalidEmail => (
            false,
            Some("Please enter the email address you sign in with.".to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ResetOutcome::TooManyRequests {
            retry_after_minutes: minutes,
        } => (
            false,
            Some(format!(
                "We have sent several links for this address or from your connection already. Please check your inbox (and spam folder), or try again in {minutes} minute{}.",
                if minutes > 1 { "s" } else { "" }
            )),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    let content = ForgotContent { email, sent, error };
    let page = AdminPage::new(
        &state,
        paths::FORGOT_PASSWORD,
        "Reset your password",
        content,
    );
    Ok((
        status,
        state.render("admin/forgot_password.html", None, &page)?,
    )
        .into_response())
}

#[derive(Serialize)]
struct SetPasswordContent {
    valid: bool,
    invite: bool,
    email: String,
    action: String,
    errors: FieldErrors,
}

fn render_set_password(
    state: &AppState,
    content: SetPasswordContent,
) -> Result<Response, AppError> {
    let status = if !content.valid {
        StatusCode::NOT_FOUND
    } else if !content.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut page = AdminPage::new(state, paths::SET_PASSWORD, "Set your password", content);
    page.meta.robots = Some("noindex");
    Ok((
        status,
        state.render("admin/set_password.html", None, &page)?,
    )
        .into_response())
}

fn invalid_link(token: &str) -> SetPasswordContent {
    SetPasswordContent {
        valid: false,
        invite: false,
        email: String::new(),
        action: paths::set_password(token),
        errors: FieldErrors::new(),
    }
}

pub async fn show_set_password(
    State(state): State<AppState>,
    PathId(token): PathId<String>,
) -> Result<Response, AppError> {
    let content = match accounts::password_link_owner(&state.services, &token).await? {
        Some(owner) => SetPasswordContent {
            valid: true,
            invite: owner.is_invitation,
            email: owner.email,
            action: paths::set_password(&token),
            errors: FieldErrors::new(),
        },
        None => invalid_link(&token),
    };
    render_set_password(&state, content)
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    PathId(token): PathId<String>,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    let content =
        match accounts::set_password_from_link(&state.services, &token, &form.new, &form.confirm)
            .await?
        {
            SetPasswordOutcome::Set => {
                return Ok(Redirect::to(&paths::login_with_notice("reset")).into_response());
            }
            SetPasswordOutcome::SetAndSignedIn { session_token } => {
                // Straight to their profile: what a new interviewer does first.
                let mut response =
                    Redirect::to(&paths::with_outcome(paths::ADMIN_PROFILE, "welcome", "1"))
                        .into_response();
                response.headers_mut().insert(
                    header::SET_COOKIE,
                    session::session_cookie(&state, Some(&session_token)),
                );
                return Ok(response);
            }
            SetPasswordOutcome::InvalidLink => invalid_link(&token),
            SetPasswordOutcome::Invalid { owner, errors } => SetPasswordContent {
                valid: true,
                invite: owner.is_invitation,
                email: owner.email,
                action: paths::set_password(&token),
                errors,
            },
        };
    render_set_password(&state, content)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_admin_paths_are_followed() {
        use super::safe_next;
        assert_eq!(
            safe_next(Some("/admin/bookings?x=1")),
            "/admin/bookings?x=1"
        );
        for bad in [
            "https://evil.example/admin",
            "//evil.example",
            "/admin\\@evil",
            "/interviewers",
            "/admin://x",
            "/admin\r\nSet-Cookie: x=1",
            "/admin/\0",
        ] {
            assert_eq!(safe_next(Some(bad)), "/admin", "{bad}");
        }
        assert_eq!(safe_next(None), "/admin");
    }
}
