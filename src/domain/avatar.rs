//! The initials avatar drawn for interviewers without a photo.

/// Up to two initials: first letters of the first and last words ("Ada Lindqvist" -> "AL").
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words.first().and_then(|w| w.chars().next());
    let last = (words.len() > 1)
        .then(|| words.last().and_then(|w| w.chars().next()))
        .flatten();
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A stable hue (0..360) derived from the name, so a person keeps their colour everywhere.
/// FNV-1a: tiny, deterministic across builds and platforms (unlike `DefaultHasher`).
pub fn hue(name: &str) -> u16 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash % 360) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Ada Lindqvist"), "AL");
        assert_eq!(initials("Jean-Luc van der Berg"), "JB");
        assert_eq!(initials("Prince"), "P");
        assert_eq!(initials("  élodie  ørsted "), "ÉØ");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn hue_is_stable_and_in_range() {
        assert_eq!(hue("Ada Lindqvist"), hue("Ada Lindqvist"));
        assert!(hue("anything") < 360);
        assert_ne!(hue("Ada Lindqvist"), hue("Ada Lindqvista"));
    }
}
