//! Validated types and rules with no I/O. Input is parsed into these once, at the boundary.

pub mod avatar;
pub mod booking;
pub mod booking_details;
pub mod content;
pub mod earnings;
pub mod email;
pub mod feedback;
pub mod forms;
pub mod invite;
pub mod ip_range;
pub mod markdown;
pub mod money;
pub mod profile;
pub mod reference;
pub mod reviews;
pub mod slug;
pub mod tag_filter;
pub mod when;

pub use booking::{BookingStatus, CancelledBy, SessionOutcome};
pub use email::EmailAddress;
pub use money::{Currency, Money};
pub use slug::Slug;
pub use tag_filter::{TagFilter, TagKind};
