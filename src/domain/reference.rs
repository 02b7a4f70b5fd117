//! The short booking reference people quote in email ("IS-7K3P-Q2"): derived from the
//! booking's serial id, so it is unique without a column or a retry loop, and read back the
//! same way. It is not a credential (the booking page's unguessable id is); it only has to
//! be short, unambiguous when read aloud or typed, and not look like a counter.
//!
//! Six Crockford base32 characters (no I, L, O or U) hold 30 bits. The id is scrambled by a
//! bijection on 30 bits (multiplication by an odd constant, then an XOR) so consecutive
//! bookings get unrelated references.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BITS: u32 = 30;
const MASK: u64 = (1 << BITS) - 1;
const MULTIPLIER: u64 = 0x2545_F491; // odd, so invertible modulo 2^30
const WHITENING: u64 = 0x1B5C_3A97 & MASK;

/// The inverse of `MULTIPLIER` modulo 2^30 (Newton's iteration: each step doubles the bits).
const fn inverse_multiplier() -> u64 {
    let mut inverse: u64 = MULTIPLIER;
    let mut i = 0;
    while i < 5 {
        inverse = inverse.wrapping_mul(2u64.wrapping_sub(MULTIPLIER.wrapping_mul(inverse)));
        i += 1;
    }
    inverse & MASK
}

/// "IS-7K3P-Q2" for booking `booking_id` (ids beyond 2^30 wrap: a billion bookings away).
pub fn of(booking_id: i64) -> String {
    let scrambled = ((booking_id as u64).wrapping_mul(MULTIPLIER) & MASK) ^ WHITENING;
    let chars: Vec<char> = (0..6)
        .rev()
        .map(|i| ALPHABET[((scrambled >> (i * 5)) & 31) as usize] as char)
        .collect();
    let chars: String = chars.into_iter().collect();
    format!("IS-{}-{}", &chars[..4], &chars[4..])
}

/// The booking id a reference stands for, read leniently as people type it: any case, with
/// or without the prefix and dashes, O for 0 and I or L for 1.
pub fn parse(reference: &str) -> Option<i64> {
    let upper = reference.trim().to_ascii_uppercase();
    let cleaned: String = upper
        .strip_prefix("IS")
        .unwrap_or(&upper)
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if cleaned.len() != 6 {
        return None;
    }
    let mut scrambled: u64 = 0;
    for c in cleaned.bytes() {
        let digit = ALPHABET.iter().position(|&a| a == c)? as u64;
        scrambled = (scrambled << 5) | digit;
    }
    let id = ((scrambled ^ WHITENING).wrapping_mul(inverse_multiplier())) & MASK;
    Some(id as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_back_to_their_booking() {
        for id in (1..5000).chain([123_456, 1 << 29, MASK as i64]) {
            let reference = of(id);
            assert_eq!(parse(&reference), Some(id), "{reference}");
            assert_eq!(parse(&reference.to_lowercase().replace('-', " ")), Some(id));
        }
    }

    #[test]
    fn references_look_like_the_spec_and_do_not_count_up() {
        let first = of(1);
        assert!(first.starts_with("IS-") && first.len() == 10, "{first}");
        assert_eq!(first.as_bytes()[7], b'-');
        assert_ne!(of(1)[3..7], of(2)[3..7]);
        let distinct: std::collections::HashSet<String> = (1..20_000).map(of).collect();
        assert_eq!(distinct.len(), 19_999);
    }

    #[test]
    fn typos_people_make_are_forgiven_and_junk_is_refused() {
        let reference = of(42);
        let with_o = reference.replace('0', "O");
        assert_eq!(parse(&with_o), Some(42));
        assert_eq!(parse("IS-12"), None);
        assert_eq!(parse("IS-UUUU-UU"), None);
        assert_eq!(parse(""), None);
    }
}
