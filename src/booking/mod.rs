//! The booking lifecycle (design.md §5). [`lifecycle`] owns every status change and queues
//! its side effects; [`emails`] renders what the customer and the interviewer receive.

pub mod emails;
pub mod lifecycle;

use std::sync::Arc;

use sqlx::PgPool;

use crate::{config::Config, templates::Templates};

/// What the lifecycle needs: the database, the templates emails are rendered from, and the
/// settings (base URL, refund policy).
#[derive(Clone)]
pub struct Services {
    pub pool: PgPool,
    pub templates: Arc<Templates>,
    pub config: Arc<Config>,
}

/// The cal.com API key that can act on this interviewer's bookings: their own (stored
/// encrypted) if they gave one, else the site's `CALCOM_API_KEY`.
pub async fn cal_key_for(
    pool: &PgPool,
    config: &Config,
    interviewer_id: i64,
) -> sqlx::Result<Option<crate::config::Secret>> {
    let own = crate::db::profiles::cal_api_key_of(pool, interviewer_id).await?;
    let decrypted = own.and_then(|sealed| {
        crate::auth::secrets::cal_api_keys(config.secret_key.expose()).open(&sealed)
    });
    Ok(decrypted
        .map(crate::config::Secret::new)
        .or_else(|| config.calcom.api_key.clone()))
}

/// 26 lowercase base-32 characters: 130 random bits, safe in URLs and unguessable.
pub fn new_public_id() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut bytes = [0u8; 26];
    getrandom(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

fn getrandom(buf: &mut [u8]) {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .expect("the OS random source is readable");
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_ids_are_26_base32_characters_and_differ() {
        let a = super::new_public_id();
        let b = super::new_public_id();
        assert_eq!(a.len(), 26);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c))
        );
        assert_ne!(a, b);
    }
}
