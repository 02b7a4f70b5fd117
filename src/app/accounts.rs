//! Admin accounts: signing in (throttled), changing a password, the emailed links that set
//! one (reset and invitation), and staff inviting an interviewer.

use serde::Serialize;

use super::{Services, throttle};
use crate::{
    auth::{password, tokens},
    db::{
        accounts, jobs,
        limits::{self, Taken},
        staff,
    },
    domain::{
        EmailAddress, Slug,
        forms::{FieldErrors, Limit, clean_line},
    },
    paths,
    templates::render_email,
};

const RESET_VALID_HOURS: i32 = 1;
pub const INVITE_VALID_HOURS: i32 = 72;
/// How long a session lasts after sign-in, whatever the activity.
pub const SESSION_HOURS: i32 = 12;
/// The longest name an account may carry.
pub const MAX_ACCOUNT_NAME: Limit = Limit(120);
/// The longest address anyone can have (RFC 5321).
const MAX_EMAIL_CHARS: usize = 254;
/// The job kind of an outgoing email (the same worker sends booking and account emails).
pub use super::lifecycle::JOB_EMAIL;

/// Runs the password hash off the async threads (it takes tens of milliseconds by design).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// A new session: its token goes into the cookie.
    SignedIn {
        session_token: String,
    },
    WrongCredentials,
    TooManyAttempts {
        retry_after_minutes: i64,
    },
}

/// Whatever was typed in the email field: no control characters (PostgreSQL text cannot hold
/// NUL) and no longer than an address can be.
pub fn typed_email(raw: &str) -> String {
    raw.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_EMAIL_CHARS)
        .collect()
}

/// Checks the password (hashing runs whether or not the account exists, so both answers
/// take the same time) under the per-account and per-client throttle, and starts a session.
/// The guess is counted before the password is checked, in the same atomic step as the
/// check of the count, so concurrent guesses cannot slip past the limit; a successful
/// sign-in takes its count back. `ending_session` is the hash of the session the browser
/// had, which ends here: a new session id at every sign-in.
pub async fn log_in(
    services: &Services,
    email: &str,
    password_typed: &str,
    client_ip: &str,
    ending_session: Option<&str>,
) -> anyhow::Result<LoginOutcome> {
    let pool = &services.pool;
    let hits = match limits::take(pool, &throttle::sign_in(email, client_ip)).await? {
        Taken::Allowed(hits) => hits,
        Taken::Limited {
            retry_after_seconds,
        } => {
            return Ok(LoginOutcome::TooManyAttempts {
                retry_after_minutes: throttle::minutes(retry_after_seconds),
            });
        }
    };
    let candidate = accounts::login_candidate(pool, email).await?;
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    let typed = password_typed.to_owned();
    let password_ok =
        blocking(move || password::verify_password(&typed, stored.as_deref())).await?;
    let user = match candidate {
        Some(c) if password_ok && c.is_active => c,
        // The hits stay: they count this failure.
        _ => return Ok(LoginOutcome::WrongCredentials),
    };
    limits::release(pool, &hits).await?;
    limits::clear(pool, &throttle::sign_in_account_bucket(email)).await?;
    if let Some(old) = ending_session {
        accounts::delete_session(pool, old).await?;
    }
    let session_token = tokens::new_token();
    accounts::create_session(
        pool,
        &tokens::token_hash(&session_token),
        user.user_id,
        SESSION_HOURS,
    )
    .await?;
    Ok(LoginOutcome::SignedIn { session_token })
}

pub async fn log_out(services: &Services, session_hash: &str) -> anyhow::Result<()> {
    accounts::delete_session(&services.pool, session_hash).await?;
    Ok(())
}

/// Checks a new password and its confirmation; the messages go next to `new` and `confirm`.
fn check_new(errors: &mut FieldErrors, new: &str, confirm: &str, email: &str, differ: &str) {
    if let Err(message) = password::check_new_password(new, email) {
        errors.insert("new", message);
    } else if new != confirm {
        errors.insert("confirm", differ.to_owned());
    }
}

pub enum ChangePasswordOutcome {
    Changed,
    /// The messages per field; nothing changed.
    Invalid(FieldErrors),
}

/// A signed-in user changes their password; their other sessions end (`keep_session` is the
/// hash of the one making the change).
pub async fn change_password(
    services: &Services,
    user_id: i64,
    email: &str,
    current: &str,
    new: &str,
    confirm: &str,
    keep_session: Option<&str>,
) -> anyhow::Result<ChangePasswordOutcome> {
    let mut errors = FieldErrors::new();
    let stored = accounts::password_hash_of(&services.pool, user_id).await?;
    let typed = current.to_owned();
    if !blocking(move || password::verify_password(&typed, Some(&stored))).await? {
        errors.insert("current", "That is not your current password.".to_owned());
    }
    check_new(
        &mut errors,
        new,
        confirm,
        email,
        "The two new passwords differ.",
    );
    if !errors.is_empty() {
        return Ok(ChangePasswordOutcome::Invalid(errors));
    }
    let new = new.to_owned();
    let hash = blocking(move || password::hash_password(&new)).await??;
    let mut tx = services.pool.begin().await?;
    accounts::set_password(&mut tx, user_id, &hash).await?;
    // Other browsers signed in with the old password are signed out, and emailed links die.
    accounts::delete_other_sessions(&mut tx, user_id, keep_session).await?;
    accounts::end_tokens(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(ChangePasswordOutcome::Changed)
}

/// What an emailed password link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Reset,
    Invite,
}

impl LinkPurpose {
    fn as_db(self) -> &'static str {
        match self {
            LinkPurpose::Reset => "reset",
            LinkPurpose::Invite => "invite",
        }
    }

    fn valid_hours(self) -> i32 {
        match self {
            LinkPurpose::Reset => RESET_VALID_HOURS,
            LinkPurpose::Invite => INVITE_VALID_HOURS,
        }
    }

    fn template(self) -> &'static str {
        match self {
            LinkPurpose::Reset => "password_reset",
            LinkPurpose::Invite => "invitation",
        }
    }
}

#[derive(Serialize)]
struct LinkEmail<'a> {
    link: String,
    valid_hours: i32,
    name: &'a str,
    invited_by: Option<&'a str>,
}

/// Emails a single-use link to set a password, queued in the outbox with the token.
async fn send_password_link(
    services: &Services,
    user_id: i64,
    email: &str,
    name: &str,
    purpose: LinkPurpose,
    invited_by: Option<&str>,
) -> anyhow::Result<()> {
    let token = tokens::new_token();
    let hash = tokens::token_hash(&token);
    let ctx = LinkEmail {
        link: paths::absolute(
            &services.config.public_base_url,
            &paths::set_password(&token),
        ),
        valid_hours: purpose.valid_hours(),
        name,
        invited_by,
    };
    let template = purpose.template();
    let message = render_email(&services.templates, template, &ctx, email)?;
    let mut tx = services.pool.begin().await?;
    accounts::create_token(
        &mut tx,
        &hash,
        user_id,
        purpose.as_db(),
        purpose.valid_hours(),
    )
    .await?;
    jobs::enqueue(
        &mut tx,
        JOB_EMAIL,
        &format!("email:{template}:{hash}"),
        &message,
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    /// The same answer whether or not the address has an account.
    LinkSentIfKnown,
    InvalidEmail,
    TooManyRequests {
        retry_after_minutes: i64,
    },
}

/// The outbox job that sends a reset link if the address has an active account.
pub const JOB_PASSWORD_RESET: &str = "password_reset";

#[derive(Debug, Serialize, serde::Deserialize)]
pub struct PasswordResetJob {
    pub email: String,
}

/// Someone asks for a reset link. The request does the same work whether or not the address
/// has an account (a throttle check and one queued job), so neither the answer nor its timing
/// tells; the worker looks the address up and sends the link ([`send_reset_link_if_known`]).
pub async fn request_password_reset(
    services: &Services,
    email: &str,
    client_ip: &str,
) -> anyhow::Result<ResetOutcome> {
    if EmailAddress::parse(email).is_none() {
        return Ok(ResetOutcome::InvalidEmail);
    }
    if let Taken::Limited {
        retry_after_seconds,
    } = limits::take(&services.pool, &throttle::password_reset(email, client_ip)).await?
    {
        return Ok(ResetOutcome::TooManyRequests {
            retry_after_minutes: throttle::minutes(retry_after_seconds),
        });
    }
    let mut tx = services.pool.begin().await?;
    jobs::enqueue(
        &mut tx,
        JOB_PASSWORD_RESET,
        &format!("password_reset:{}", tokens::new_token()),
        &PasswordResetJob {
            email: email.to_owned(),
        },
    )
    .await?;
    tx.commit().await?;
    services.work_queued();
    Ok(ResetOutcome::LinkSentIfKnown)
}

/// The worker's half of [`request_password_reset`].
pub async fn send_reset_link_if_known(services: &Services, email: &str) -> anyhow::Result<()> {
    if let Some((user_id, true)) = accounts::user_id_by_email(&services.pool, email).await? {
        send_password_link(services, user_id, email, "", LinkPurpose::Reset, None).await?;
    }
    Ok(())
}

/// Who an emailed link belongs to, if it is still valid.
pub struct LinkOwner {
    pub user_id: i64,
    pub email: String,
    pub is_invitation: bool,
}

pub async fn password_link_owner(
    services: &Services,
    token: &str,
) -> anyhow::Result<Option<LinkOwner>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    Ok(
        accounts::token_owner(&services.pool, &tokens::token_hash(token))
            .await?
            .map(|o| LinkOwner {
                user_id: o.user_id,
                is_invitation: o.purpose == "invite",
                email: o.email,
            }),
    )
}

pub enum SetPasswordOutcome {
    /// Set from a password-reset link; every session of the account ended. Sign in now.
    Set,
    /// Set from an invitation: the new interviewer is signed in at once with this session.
    SetAndSignedIn { session_token: String },
    /// The link is unknown, used or expired.
    InvalidLink,
    Invalid {
        owner: LinkOwner,
        errors: FieldErrors,
    },
}

/// Sets the password from an emailed link, which works once.
pub async fn set_password_from_link(
    services: &Services,
    token: &str,
    new: &str,
    confirm: &str,
) -> anyhow::Result<SetPasswordOutcome> {
    let Some(owner) = password_link_owner(services, token).await? else {
        return Ok(SetPasswordOutcome::InvalidLink);
    };
    let mut errors = FieldErrors::new();
    check_new(
        &mut errors,
        new,
        confirm,
        &owner.email,
        "The two passwords differ.",
    );
    if !errors.is_empty() {
        return Ok(SetPasswordOutcome::Invalid { owner, errors });
    }
    let new = new.to_owned();
    let password_hash = blocking(move || password::hash_password(&new)).await??;
    let mut tx = services.pool.begin().await?;
    if !accounts::consume_token(&mut tx, &tokens::token_hash(token)).await? {
        tx.rollback().await?;
        return Ok(SetPasswordOutcome::InvalidLink);
    }
    accounts::set_password(&mut tx, owner.user_id, &password_hash).await?;
    accounts::delete_other_sessions(&mut tx, owner.user_id, None).await?;
    accounts::end_tokens(&mut tx, owner.user_id).await?;
    tx.commit().await?;
    // An invitation was sent to this address and just used: that proves the address as a
    // sign-in would, so the new interviewer goes straight in. A reset ends every session
    // and asks for a fresh sign-in (whoever asked for it may not be at this browser).
    if owner.is_invitation {
        let session_token = tokens::new_token();
        accounts::create_session(
            &services.pool,
            &tokens::token_hash(&session_token),
            owner.user_id,
            SESSION_HOURS,
        )
        .await?;
        return Ok(SetPasswordOutcome::SetAndSignedIn { session_token });
    }
    Ok(SetPasswordOutcome::Set)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteOutcome {
    /// A new, hidden profile and its account.
    Invited,
    /// An account for a profile that existed without one; the profile is as it was (listed
    /// or hidden).
    InvitedToExistingProfile,
    InvalidEmail,
    InvalidName,
    /// The email has an account already, the name's profile address is taken, or the chosen
    /// profile has an account.
    Taken,
}

/// Staff invite an interviewer: an account (and, unless it is for an existing profile
/// without one, a new hidden profile) and an emailed link to choose a password.
pub async fn invite_interviewer(
    services: &Services,
    name: &str,
    email: &str,
    existing_profile: Option<i64>,
    invited_by: Option<&str>,
) -> anyhow::Result<InviteOutcome> {
    let name = clean_line(name);
    let Some(email) = EmailAddress::parse(email) else {
        return Ok(InviteOutcome::InvalidEmail);
    };
    let Some(slug) = Slug::from_name(&name).filter(|_| MAX_ACCOUNT_NAME.allows(&name)) else {
        return Ok(InviteOutcome::InvalidName);
    };
    // Nobody can sign in with this: the invitation link sets the real password.
    let placeholder = blocking(|| password::hash_password(&tokens::new_token())).await??;
    let mut tx = services.pool.begin().await?;
    let interviewer_id = match existing_profile {
        Some(id) if staff::interviewer_without_account(&mut tx, id).await? => id,
        Some(_) => return Ok(InviteOutcome::Taken),
        None => match staff::create_interviewer(&mut tx, slug.as_str(), &name).await? {
            Some(id) => id,
            None => return Ok(InviteOutcome::Taken),
        },
    };
    let user = accounts::NewUser {
        email: email.as_str(),
        name: &name,
        password_hash: &placeholder,
        is_staff: false,
        interviewer_id: Some(interviewer_id),
    };
    let Some(user_id) = accounts::create_user(&mut tx, &user).await? else {
        return Ok(InviteOutcome::Taken);
    };
    tx.commit().await?;
    send_password_link(
        services,
        user_id,
        email.as_str(),
        &name,
        LinkPurpose::Invite,
        invited_by,
    )
    .await?;
    Ok(if existing_profile.is_some() {
        InviteOutcome::InvitedToExistingProfile
    } else {
        InviteOutcome::Invited
    })
}
