//! Random tokens (session ids, reset and invitation links) and their stored form.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random source works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// 26 lowercase base-32 characters: 130 random bits, safe in URLs and unguessable. The id
/// of a booking in every link to it (the link is the customer's credential).
pub fn new_public_id() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut bytes = [0u8; 26];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random source works");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// What the database keeps instead of the token itself.
pub fn token_hash(token: &str) -> String {
    crate::integrations::signatures::sha256_hex(token.as_bytes())
}

/// Whether `s` could be a token we issued (cheap check before touching the database).
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_url_safe_and_hashed() {
        let a = new_token();
        assert!(looks_like_token(&a));
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert!(!looks_like_token("short"));
    }

    #[test]
    fn public_ids_are_26_base32_characters_and_differ() {
        let a = new_public_id();
        assert_eq!(a.len(), 26);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c))
        );
        assert_ne!(a, new_public_id());
    }
}
