//! Thin clients for the outside world: Stripe, cal.com, object storage, SMTP. Each call can
//! fail; callers treat failures as retryable work (see `jobs`), never as lost bookings.

pub mod calcom;
pub mod mail;
pub mod signatures;
pub mod storage;
pub mod stripe;

use std::time::Duration;

/// The HTTP client shared by the Stripe and cal.com clients: short timeouts, because every
/// call either runs in a job (retried) or in a request a person is waiting on.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .user_agent(concat!("508-interview-service/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds with static settings")
}

/// Why an outside call failed, in the terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Network trouble, timeouts, 429 and 5xx: try again later.
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// The service refused the request (4xx): retrying the same call will not help.
    #[error("rejected ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// The integration has no credentials configured.
    #[error("not configured")]
    NotConfigured,
}

impl CallError {
    pub fn is_temporary(&self) -> bool {
        matches!(self, CallError::Temporary(_))
    }
}

impl From<reqwest::Error> for CallError {
    fn from(err: reqwest::Error) -> Self {
        // Never include the URL: it can carry ids; the message is enough to debug.
        CallError::Temporary(err.without_url().to_string())
    }
}

/// Turns a non-success response into a [`CallError`], keeping a short excerpt of the body.
pub async fn error_for_status(response: reqwest::Response) -> Result<reqwest::Response, CallError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    let message: String = body.chars().take(300).collect();
    if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 409 {
        Err(CallError::Temporary(format!("{status}: {message}")))
    } else {
        Err(CallError::Rejected {
            status: status.as_u16(),
            message,
        })
    }
}
