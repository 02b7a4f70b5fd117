//! The throttles, as limits of the PostgreSQL-backed limiter (`db::limits`), so they hold
//! under any concurrency and across app instances. Client addresses come from
//! `web::admin::session::client_ip`, which trusts forwarded headers only from configured
//! proxies.

use crate::db::limits::Limit;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;

/// Sign-in guesses: five per account and twenty per client in fifteen minutes. A successful
/// sign-in forgives the account's failures.
pub fn sign_in(email: &str, client: &str) -> [Limit; 2] {
    [
        Limit {
            bucket: sign_in_account_bucket(email),
            max: 5,
            window_seconds: 15 * MINUTE,
        },
        Limit {
            bucket: format!("login-client:{client}"),
            max: 20,
            window_seconds: 15 * MINUTE,
        },
    ]
}

pub fn sign_in_account_bucket(email: &str) -> String {
    format!("login-account:{}", email.to_lowercase())
}

/// Password-reset emails: three per address and ten per client an hour, counted the same
/// whether or not the address has an account.
pub fn password_reset(email: &str, client: &str) -> [Limit; 2] {
    [
        Limit {
            bucket: format!("reset-address:{}", email.to_lowercase()),
            max: 3,
            window_seconds: HOUR,
        },
        Limit {
            bucket: format!("reset-client:{client}"),
            max: 10,
            window_seconds: HOUR,
        },
    ]
}

/// Bookings checked with cal.com (with the site's API key): ten per client in ten minutes,
/// far more than a person booking needs, far less than a script spending our quota.
pub fn booking_lookup(client: &str) -> [Limit; 1] {
    [Limit {
        bucket: format!("cal-lookup-client:{client}"),
        max: 10,
        window_seconds: 10 * MINUTE,
    }]
}

/// Minutes to tell a person to wait, rounded up.
pub fn minutes(retry_after_seconds: i64) -> i64 {
    ((retry_after_seconds + 59) / 60).max(1)
}
