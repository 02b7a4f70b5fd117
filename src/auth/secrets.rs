//! Encryption at rest for secrets interviewers give us (their cal.com API keys):
//! AES-256-GCM with a key derived from `SECRET_KEY` by HKDF-SHA256, a random nonce per value.
//! Stored as `nonce || ciphertext+tag`.

use aws_lc_rs::{
    aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    hkdf::{HKDF_SHA256, Salt},
};

/// The box for interviewers' cal.com API keys.
pub fn cal_api_keys(secret_key: &str) -> SecretBox {
    SecretBox::new(secret_key, "cal.com api keys v1")
}

pub struct SecretBox {
    key: LessSafeKey,
}

impl SecretBox {
    /// Derives the encryption key for one purpose from the application secret.
    pub fn new(secret_key: &str, purpose: &str) -> Self {
        let salt = Salt::new(HKDF_SHA256, b"508-interview-service");
        let prk = salt.extract(secret_key.as_bytes());
        let info = [purpose.as_bytes()];
        let okm = prk
            .expand(&info, &AES_256_GCM)
            .expect("HKDF output fits an AES-256 key");
        Self {
            key: LessSafeKey::new(UnboundKey::from(okm)),
        }
    }

    pub fn seal(&self, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).expect("the system random source works");
        let mut buffer = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut buffer,
            )
            .expect("AES-GCM sealing does not fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        out
    }

    /// `None` if the value was tampered with or sealed under another key.
    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut buffer)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_tampering() {
        let sb = SecretBox::new(&"k".repeat(40), "cal.com api keys v1");
        let sealed = sb.seal("cal_live_abc123");
        assert_ne!(sealed, b"cal_live_abc123");
        assert_eq!(sb.open(&sealed).as_deref(), Some("cal_live_abc123"));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(sb.open(&tampered), None);
        let other = SecretBox::new(&"j".repeat(40), "cal.com api keys v1");
        assert_eq!(other.open(&sealed), None);
        assert_ne!(sb.seal("same"), sb.seal("same"), "a fresh nonce each time");
    }
}
