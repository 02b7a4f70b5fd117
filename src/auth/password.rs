//! Password hashing with argon2id (the PHC string format, parameters stored in the hash).

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A fixed hash to verify against when an email has no account, so a login takes as long
/// whether or not the account exists (no account enumeration by timing).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$L6ZoAhR0cXl8AvVaoX8ZqTFQv4dJDV2Cea1kEGkjWV8";

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// Checks `password` against a stored hash, or against a dummy when there is none.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DUMMY_HASH);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && stored.is_some()
}

/// Why a new password is refused, in words for the form.
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Use at least {MIN_PASSWORD_CHARS} characters; a few unrelated words work well."
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    if password.eq_ignore_ascii_case(email)
        || email
            .split('@')
            .next()
            .is_some_and(|local| password.eq_ignore_ascii_case(local))
    {
        return Err("Your password must not be your email address.".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_reject() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
        assert!(!verify_password("x", Some("not a hash")));
    }

    #[test]
    fn the_dummy_hash_parses_so_missing_accounts_cost_the_same() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn new_passwords_have_a_floor() {
        assert!(check_new_password("short", "a@b.io").is_err());
        assert!(check_new_password("ada@example.com", "ada@example.com").is_err());
        assert!(check_new_password("a perfectly fine passphrase", "a@b.io").is_ok());
    }
}
