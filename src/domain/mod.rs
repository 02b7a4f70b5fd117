//! Validated types and rules with no I/O. Input is parsed into these once, at the boundary.

pub mod avatar;
pub mod money;
pub mod slug;
pub mod tag_filter;

pub use money::{Currency, Money};
pub use slug::Slug;
pub use tag_filter::{TagFilter, TagKind};
