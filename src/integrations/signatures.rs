//! Webhook signature checks, over the raw request body, in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Stripe's default tolerance between the signed timestamp and now.
pub const STRIPE_TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing or malformed signature header")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn hmac(secret: &str) -> HmacSha256 {
    HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length")
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`: HMAC-SHA256 of `"{t}.{body}"` with the
/// endpoint secret. Any `v1` may match (Stripe sends several while a secret is rolled).
pub fn verify_stripe(
    body: &[u8],
    header: &str,
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => candidates.extend(decode_hex(sig)),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > STRIPE_TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let matches = candidates.iter().any(|candidate| {
        let mut mac = hmac(secret);
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(candidate).is_ok()
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Builds a valid `Stripe-Signature` header (tests and the local fakes sign with it).
pub fn sign_stripe(body: &[u8], secret: &str, timestamp: i64) -> String {
    let mut mac = hmac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        encode_hex(&mac.finalize().into_bytes())
    )
}

/// `X-Cal-Signature-256`: lowercase hex HMAC-SHA256 of the raw body; no timestamp.
pub fn verify_calcom(body: &[u8], header: &str, secret: &str) -> Result<(), SignatureError> {
    let signature = decode_hex(header.trim()).ok_or(SignatureError::Malformed)?;
    let mut mac = hmac(secret);
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| SignatureError::Mismatch)
}

pub fn sign_calcom(body: &[u8], secret: &str) -> String {
    let mut mac = hmac(secret);
    mac.update(body);
    encode_hex(&mac.finalize().into_bytes())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    encode_hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    #[test]
    fn stripe_signature_round_trips() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign_stripe(body, SECRET, 1_000_000);
        assert_eq!(verify_stripe(body, &header, SECRET, 1_000_100), Ok(()));
    }

    #[test]
    fn stripe_accepts_any_matching_v1() {
        let body = b"{}";
        let good = sign_stripe(body, SECRET, 50);
        let v1 = good.split("v1=").nth(1).unwrap();
        let header = format!("t=50,v1={},v1={v1},v0=abc", "00".repeat(32));
        assert_eq!(verify_stripe(body, &header, SECRET, 60), Ok(()));
    }

    #[test]
    fn stripe_rejects_tampering_staleness_and_garbage() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign_stripe(body, SECRET, 1_000_000);
        assert_eq!(
            verify_stripe(br#"{"id":"evt_2"}"#, &header, SECRET, 1_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_stripe(body, &header, "whsec_other", 1_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_stripe(body, &header, SECRET, 1_000_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_stripe(body, &header, SECRET, 999_699),
            Err(SignatureError::Stale)
        );
        for bad in ["", "t=1", "v1=abcd", "t=x,v1=zz", "garbage"] {
            assert_eq!(
                verify_stripe(body, bad, SECRET, 1),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn calcom_signature_round_trips_and_rejects_tampering() {
        let body = br#"{"triggerEvent":"BOOKING_CANCELLED"}"#;
        let sig = sign_calcom(body, "cal_secret");
        assert_eq!(verify_calcom(body, &sig, "cal_secret"), Ok(()));
        assert_eq!(
            verify_calcom(b"{}", &sig, "cal_secret"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_calcom(body, "no-secret-provided", "cal_secret"),
            Err(SignatureError::Malformed)
        );
    }
}
