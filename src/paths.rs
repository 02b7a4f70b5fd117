//! Every internal URL the application builds, in one place: handlers, templates' contexts,
//! emails and redirects call these instead of formatting paths by hand. The route patterns
//! they fill in are in [`crate::routes`]; a test there checks that each of these routes.
//!
//! Path segments we put in are our own ids and slugs (URL-safe by construction), so nothing
//! here needs percent-encoding except the login page's `next`.

/// The absolute form of `path`, for emails and Stripe's return URLs.
pub fn absolute(base_url: &str, path: &str) -> String {
    format!("{base_url}{path}")
}

// ------------------------------------------------------------------ public site

pub const HOME: &str = "/";
pub const INTERVIEWERS: &str = "/interviewers";

pub fn interviewer(slug: &str) -> String {
    format!("/interviewers/{slug}")
}

pub fn book(slug: &str) -> String {
    format!("/interviewers/{slug}/book")
}

/// The customer's own page for their booking: the link in every email to them.
pub fn booking_page(public_id: &str) -> String {
    format!("/bookings/{public_id}")
}

pub fn booking_cancel(public_id: &str) -> String {
    format!("/bookings/{public_id}/cancel")
}

pub fn booking_reschedule(public_id: &str) -> String {
    format!("/bookings/{public_id}/reschedule")
}

/// The booking's calendar event, for "Add to calendar".
pub fn booking_calendar_file(public_id: &str) -> String {
    format!("/bookings/{public_id}/calendar.ics")
}

/// The customer's feedback report, a page that prints well.
pub fn booking_report(public_id: &str) -> String {
    format!("/bookings/{public_id}/report")
}

pub fn booking_claim(public_id: &str) -> String {
    format!("/bookings/{public_id}/claim")
}

pub fn booking_review(public_id: &str) -> String {
    format!("/bookings/{public_id}/review")
}

pub fn booking_details(public_id: &str) -> String {
    format!("/bookings/{public_id}/details")
}

pub fn booking_thanks(public_id: &str) -> String {
    format!("/bookings/{public_id}/thanks")
}

/// Where Stripe sends the customer after paying: the thank-you page, told which session.
pub fn booking_thanks_after_checkout(public_id: &str) -> String {
    format!("/bookings/{public_id}/thanks?session_id={{CHECKOUT_SESSION_ID}}")
}

/// The public URL of a stored photo (`photos/...` in object storage).
pub fn media(storage_key: &str) -> String {
    format!("/media/{storage_key}")
}

// ------------------------------------------------------------------ admin panel

pub const ADMIN: &str = "/admin";
pub const ADMIN_BOOKINGS: &str = "/admin/bookings";
pub const ADMIN_PROFILE: &str = "/admin/profile";
pub const ADMIN_PROFILE_PHOTO: &str = "/admin/profile/photo";
pub const ADMIN_INTERVIEWERS: &str = "/admin/interviewers";
pub const ADMIN_TAGS: &str = "/admin/tags";
pub const ADMIN_CONTENT: &str = "/admin/content";
pub const ADMIN_CLAIMS: &str = "/admin/claims";
pub const ADMIN_OVERVIEW: &str = "/admin/overview";
pub const ADMIN_EARNINGS: &str = "/admin/earnings";
pub const ADMIN_EARNINGS_CSV: &str = "/admin/earnings.csv";
pub const ADMIN_PAYOUTS: &str = "/admin/payouts";
pub const ADMIN_PAYOUTS_CSV: &str = "/admin/payouts.csv";

pub fn admin_claim_refund(public_id: &str) -> String {
    format!("/admin/claims/{public_id}/refund")
}

pub fn admin_claim_reply(public_id: &str) -> String {
    format!("/admin/claims/{public_id}/reply")
}
pub const CHANGE_PASSWORD: &str = "/admin/account/password";
pub const FORGOT_PASSWORD: &str = "/admin/password/forgot";
pub const LOGIN: &str = "/admin/login";

/// The sign-in page, returning to `next` (a local admin path) afterwards.
pub fn login_then(next: &str) -> String {
    format!(
        "{LOGIN}?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    )
}

pub fn login_with_notice(notice: &str) -> String {
    format!("{LOGIN}?{notice}=1")
}

/// The set-password page (its canonical URL leaves the token out).
pub const SET_PASSWORD: &str = "/admin/password/set";

pub fn set_password(token: &str) -> String {
    format!("{SET_PASSWORD}/{token}")
}

pub fn admin_booking(public_id: &str) -> String {
    format!("/admin/bookings/{public_id}")
}

pub fn admin_booking_report(public_id: &str) -> String {
    format!("/admin/bookings/{public_id}/report")
}

pub fn admin_booking_report_draft(public_id: &str) -> String {
    format!("/admin/bookings/{public_id}/report/draft")
}

pub fn admin_booking_review_hide(public_id: &str) -> String {
    format!("/admin/bookings/{public_id}/review/hide")
}

pub fn admin_booking_review_reply(public_id: &str) -> String {
    format!("/admin/bookings/{public_id}/review/reply")
}

pub fn admin_booking_resume(public_id: &str) -> String {
    format!("/admin/bookings/{public_id}/resume")
}

pub fn admin_interviewer_profile(interviewer_id: i64) -> String {
    format!("/admin/interviewers/{interviewer_id}/profile")
}

pub fn admin_interviewer_photo(interviewer_id: i64) -> String {
    format!("/admin/interviewers/{interviewer_id}/photo")
}

/// `path` with an outcome code for the page to put into words (Post/Redirect/Get).
pub fn with_outcome(path: &str, key: &str, code: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}{key}={code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_append_to_the_query() {
        assert_eq!(
            with_outcome(ADMIN_TAGS, "done", "saved"),
            "/admin/tags?done=saved"
        );
        assert_eq!(
            with_outcome("/admin/x?a=1", "error", "tag"),
            "/admin/x?a=1&error=tag"
        );
        assert_eq!(
            login_then("/admin/bookings?x=1"),
            "/admin/login?next=%2Fadmin%2Fbookings%3Fx%3D1"
        );
    }
}
