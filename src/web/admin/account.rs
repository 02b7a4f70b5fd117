//! Sign in, sign out, change password, forgotten password, and setting a password from an
//! emailed link (reset or invitation).

use std::net::SocketAddr;

use axum::{
    Form,
    extract::{ConnectInfo, Path, Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    AdminPage,
    session::{self, Admin},
};
use crate::{
    auth::{password, tokens},
    db::{accounts, jobs},
    error::AppError,
    templates::render_email,
    web::AppState,
};

/// Failed sign-ins allowed per account, and per client address, within the window.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 20;
const FAILURE_WINDOW_MINUTES: i32 = 15;
const RESET_VALID_HOURS: i32 = 1;
pub const INVITE_VALID_HOURS: i32 = 72;

/// Only local admin paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/admin")
                && !n.starts_with("//")
                && !n.contains("://")
                && !n.contains('\\') =>
        {
            n.to_owned()
        }
        _ => "/admin".to_owned(),
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
    status: axum::http::StatusCode,
) -> Result<Response, AppError> {
    let page = AdminPage::new(state, "/admin/login", "Sign in", content);
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
    render_login(
        &state,
        LoginContent {
            email: String::new(),
            next: safe_next(q.next.as_deref()),
            error: None,
            notice,
        },
        axum::http::StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn log_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    // Whatever was typed: no control characters (PostgreSQL text cannot hold NUL) and no more
    // than an address can be long.
    let email: String = form
        .email
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(254)
        .collect();
    let next = safe_next(form.next.as_deref());
    let ip = session::client_ip(&state, &headers, Some(peer));
    let failed = |error: String| LoginContent {
        email: email.clone(),
        next: next.clone(),
        error: Some(error),
        notice: None,
    };

    let counts =
        accounts::recent_failures(&state.pool, &email, &ip, FAILURE_WINDOW_MINUTES).await?;
    if counts.for_email >= MAX_FAILURES_PER_ACCOUNT || counts.for_ip >= MAX_FAILURES_PER_IP {
        let minutes = (counts.retry_after_seconds + 59) / 60;
        let message = format!(
            "Too many sign-in attempts. Please wait {} minute{} and try again, or reset your password.",
            minutes.max(1),
            if minutes > 1 { "s" } else { "" }
        );
        return render_login(
            &state,
            failed(message),
            axum::http::StatusCode::TOO_MANY_REQUESTS,
        );
    }

    let candidate = accounts::login_candidate(&state.pool, &email).await?;
    // Hashing runs whether or not the account exists, off the async threads.
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    let password_ok = {
        let password = form.password.clone();
        tokio::task::spawn_blocking(move || password::verify_password(&password, stored.as_deref()))
            .await
            .map_err(|e| AppError::Unexpected(e.into()))?
    };
    let user = match candidate {
        Some(c) if password_ok && c.is_active => c,
        _ => {
            accounts::record_failure(&state.pool, &email, &ip).await?;
            return render_login(
                &state,
                failed("That email and password do not match an active account.".to_owned()),
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    accounts::clear_failures(&state.pool, &email).await?;
    // A new session id at every sign-in; any session this browser had ends.
    if let Some(old) = session::session_token(&headers, session::cookie_name(&state)) {
        accounts::delete_session(&state.pool, &tokens::token_hash(&old)).await?;
    }
    let cookie = session::start_session(&state, user.user_id).await?;
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

pub async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = session::session_token(&headers, session::cookie_name(&state)) {
        accounts::delete_session(&state.pool, &tokens::token_hash(&token)).await?;
    }
    let mut response = Redirect::to("/admin/login?signed_out=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::session_cookie(&state, None));
    Ok(response)
}

#[derive(Serialize, Default)]
struct PasswordContent {
    errors: std::collections::BTreeMap<&'static str, String>,
    done: bool,
}

pub async fn show_change_password(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, AppError> {
    let page = AdminPage::new(
        &state,
        "/admin/account/password",
        "Change your password",
        PasswordContent::default(),
    )
    .user(&admin);
    Ok(state
        .render("admin/change_password.html", None, &page)?
        .into_response())
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let mut content = PasswordContent::default();
    let stored = accounts::password_hash_of(&state.pool, admin.0.user_id).await?;
    let current = form.current.clone();
    let current_ok =
        tokio::task::spawn_blocking(move || password::verify_password(&current, Some(&stored)))
            .await
            .map_err(|e| AppError::Unexpected(e.into()))?;
    if !current_ok {
        content
            .errors
            .insert("current", "That is not your current password.".to_owned());
    }
    if let Err(message) = password::check_new_password(&form.new, &admin.0.email) {
        content.errors.insert("new", message);
    } else if form.new != form.confirm {
        content
            .errors
            .insert("confirm", "The two new passwords differ.".to_owned());
    }
    if content.errors.is_empty() {
        let new = form.new.clone();
        let hash = tokio::task::spawn_blocking(move || password::hash_password(&new))
            .await
            .map_err(|e| AppError::Unexpected(e.into()))??;
        let keep = session::session_token(&headers, session::cookie_name(&state))
            .map(|t| tokens::token_hash(&t));
        let mut tx = state.pool.begin().await?;
        accounts::set_password(&mut tx, admin.0.user_id, &hash).await?;
        // Other browsers signed in with the old password are signed out.
        accounts::delete_other_sessions(&mut tx, admin.0.user_id, keep.as_deref()).await?;
        tx.commit().await?;
        content.done = true;
    }
    let status = if content.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AdminPage::new(
        &state,
        "/admin/account/password",
        "Change your password",
        content,
    )
    .user(&admin);
    Ok((
        status,
        state.render("admin/change_password.html", None, &page)?,
    )
        .into_response())
}

#[derive(Serialize, Default)]
struct ForgotContent {
    email: String,
    sent: bool,
    error: Option<String>,
}

pub async fn show_forgot_password(State(state): State<AppState>) -> Result<Response, AppError> {
    let page = AdminPage::new(
        &state,
        "/admin/password/forgot",
        "Reset your password",
        ForgotContent::default(),
    );
    Ok(state
        .render("admin/forgot_password.html", None, &page)?
        .into_response())
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: String,
}

#[derive(Serialize)]
struct LinkEmail<'a> {
    link: String,
    valid_hours: i32,
    name: &'a str,
    invited_by: Option<&'a str>,
}

/// Emails a single-use link to set a password. `purpose` is `reset` or `invite`.
pub async fn send_password_link(
    state: &AppState,
    user_id: i64,
    email: &str,
    name: &str,
    purpose: &str,
    invited_by: Option<&str>,
) -> Result<(), AppError> {
    let token = tokens::new_token();
    let hash = tokens::token_hash(&token);
    let valid_hours = if purpose == "invite" {
        INVITE_VALID_HOURS
    } else {
        RESET_VALID_HOURS
    };
    let ctx = LinkEmail {
        link: format!(
            "{}/admin/password/set/{token}",
            state.config.public_base_url
        ),
        valid_hours,
        name,
        invited_by,
    };
    let template = if purpose == "invite" {
        "invitation"
    } else {
        "password_reset"
    };
    let email = render_email(&state.templates, template, &ctx, email)?;
    let mut tx = state.pool.begin().await?;
    accounts::create_token(&mut tx, &hash, user_id, purpose, valid_hours).await?;
    jobs::enqueue(
        &mut tx,
        crate::booking::lifecycle::JOB_EMAIL,
        &format!("email:{template}:{hash}"),
        &email,
    )
    .await?;
    tx.commit().await?;
    state.wake_worker.notify_one();
    Ok(())
}

/// The same answer whether or not the address has an account.
pub async fn request_password_reset(
    State(state): State<AppState>,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let email = form.email.trim().to_owned();
    let mut content = ForgotContent {
        email: email.clone(),
        ..Default::default()
    };
    if crate::domain::EmailAddress::parse(&email).is_none() {
        content.error = Some("Please enter the email address you sign in with.".to_owned());
    } else {
        if let Some((user_id, true)) = accounts::user_id_by_email(&state.pool, &email).await? {
            send_password_link(&state, user_id, &email, "", "reset", None).await?;
        }
        content.sent = true;
    }
    let page = AdminPage::new(
        &state,
        "/admin/password/forgot",
        "Reset your password",
        content,
    );
    Ok(state
        .render("admin/forgot_password.html", None, &page)?
        .into_response())
}

#[derive(Serialize)]
struct SetPasswordContent {
    valid: bool,
    invite: bool,
    email: String,
    action: String,
    errors: std::collections::BTreeMap<&'static str, String>,
}

pub async fn show_set_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let owner = if tokens::looks_like_token(&token) {
        accounts::token_owner(&state.pool, &tokens::token_hash(&token)).await?
    } else {
        None
    };
    let content = SetPasswordContent {
        valid: owner.is_some(),
        invite: owner.as_ref().is_some_and(|o| o.purpose == "invite"),
        email: owner.map(|o| o.email).unwrap_or_default(),
        action: format!("/admin/password/set/{token}"),
        errors: Default::default(),
    };
    let mut page = AdminPage::new(&state, "/admin/password/set", "Set your password", content);
    page.meta.robots = Some("noindex");
    let status = if page.content.valid {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    Ok((
        status,
        state.render("admin/set_password.html", None, &page)?,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    new: String,
    confirm: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    let hash = tokens::token_hash(&token);
    let owner = if tokens::looks_like_token(&token) {
        accounts::token_owner(&state.pool, &hash).await?
    } else {
        None
    };
    let Some(owner) = owner else {
        return show_set_password(State(state), Path(token)).await;
    };
    let mut errors = std::collections::BTreeMap::new();
    if let Err(message) = password::check_new_password(&form.new, &owner.email) {
        errors.insert("new", message);
    } else if form.new != form.confirm {
        errors.insert("confirm", "The two passwords differ.".to_owned());
    }
    if errors.is_empty() {
        let new = form.new.clone();
        let password_hash = tokio::task::spawn_blocking(move || password::hash_password(&new))
            .await
            .map_err(|e| AppError::Unexpected(e.into()))??;
        let mut tx = state.pool.begin().await?;
        if accounts::consume_token(&mut tx, &hash).await? {
            accounts::set_password(&mut tx, owner.user_id, &password_hash).await?;
            accounts::delete_other_sessions(&mut tx, owner.user_id, None).await?;
            tx.commit().await?;
            return Ok(Redirect::to("/admin/login?reset=1").into_response());
        }
        tx.rollback().await?;
        return show_set_password(State(state), Path(token)).await;
    }
    let content = SetPasswordContent {
        valid: true,
        invite: owner.purpose == "invite",
        email: owner.email,
        action: format!("/admin/password/set/{token}"),
        errors,
    };
    let page = AdminPage::new(&state, "/admin/password/set", "Set your password", content);
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        state.render("admin/set_password.html", None, &page)?,
    )
        .into_response())
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
        ] {
            assert_eq!(safe_next(Some(bad)), "/admin", "{bad}");
        }
        assert_eq!(safe_next(None), "/admin");
    }
}
