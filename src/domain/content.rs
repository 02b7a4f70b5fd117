//! Limits of what staff curate: tag names, testimonials, companies, listing order.

use super::forms::Limit;

pub const MAX_TAG_NAME: Limit = Limit(60);
pub const MAX_QUOTE: Limit = Limit(1200);
pub const MAX_AUTHOR: Limit = Limit(120);
pub const MAX_CONTEXT: Limit = Limit(200);
pub const MAX_COMPANY_NAME: Limit = Limit(80);
/// Display orders are small numbers staff type; anything beyond is clamped.
pub const DISPLAY_ORDER_RANGE: std::ops::RangeInclusive<i32> = -10_000..=10_000;

/// A typed display order: a number, clamped to [`DISPLAY_ORDER_RANGE`]; anything else is 0.
pub fn display_order(typed: &str) -> i32 {
    typed
        .trim()
        .parse::<i32>()
        .unwrap_or(0)
        .clamp(*DISPLAY_ORDER_RANGE.start(), *DISPLAY_ORDER_RANGE.end())
}
