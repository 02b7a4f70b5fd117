//! Accounts for the admin panel: password hashing, random tokens, and the encryption of
//! secrets we store for interviewers (their cal.com API keys). No I/O here; sessions and
//! throttling live in `db::accounts` and `web::admin::session`.

pub mod password;
pub mod secrets;
pub mod tokens;
