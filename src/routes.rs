//! THE route table, grouped by audience. Paths here are the public contract in design.md §4.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
};

use crate::web::{
    AppState,
    admin::{account, bookings, profile, staff},
    health,
    page::{self, render_errors},
    public::{booking, home, interviewers, seo},
    webhooks,
};

/// Webhook bodies are small JSON documents; this leaves room for Stripe's larger objects.
const WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        // Public site
        .route("/", get(home::show_home))
        .route("/interviewers", get(interviewers::list_interviewers))
        .route("/interviewers/{slug}", get(interviewers::show_interviewer))
        // Booking flow
        .route(
            "/interviewers/{slug}/book",
            get(booking::show_booking_page).post(booking::create_booking),
        )
        .route(
            "/bookings/{id}/details",
            get(booking::show_details)
                .post(booking::submit_details)
                .layer(DefaultBodyLimit::max(booking::DETAILS_BODY_LIMIT)),
        )
        .route("/bookings/{id}/thanks", get(booking::show_thanks))
        // Webhooks (signed; exempt from the CSRF origin check)
        .route(
            "/webhooks/stripe",
            post(webhooks::stripe::receive_stripe_event)
                .layer(DefaultBodyLimit::max(WEBHOOK_BODY_LIMIT)),
        )
        .route(
            "/webhooks/calcom",
            post(webhooks::calcom::receive_calcom_event)
                .layer(DefaultBodyLimit::max(WEBHOOK_BODY_LIMIT)),
        )
        // Admin panel: signing in and accounts
        .route("/admin", get(bookings::admin_home))
        .route(
            "/admin/login",
            get(account::show_login).post(account::log_in),
        )
        .route("/admin/logout", post(account::log_out))
        .route(
            "/admin/account/password",
            get(account::show_change_password).post(account::change_password),
        )
        .route(
            "/admin/password/forgot",
            get(account::show_forgot_password).post(account::request_password_reset),
        )
        .route(
            "/admin/password/set/{token}",
            get(account::show_set_password).post(account::set_password),
        )
        // Admin panel: an interviewer's own bookings and profile (staff: everyone's)
        .route("/admin/bookings", get(bookings::list_bookings))
        .route("/admin/bookings/{id}", get(bookings::show_booking))
        .route(
            "/admin/bookings/{id}/resume",
            get(bookings::download_resume),
        )
        .route(
            "/admin/bookings/{id}/acknowledge",
            post(bookings::acknowledge_booking),
        )
        .route(
            "/admin/bookings/{id}/refund",
            post(bookings::refund_booking),
        )
        .route(
            "/admin/profile",
            get(profile::show_own_profile).post(profile::update_own_profile),
        )
        .route(
            "/admin/profile/photo",
            post(profile::upload_own_photo).layer(DefaultBodyLimit::max(profile::PHOTO_BODY_LIMIT)),
        )
        // Admin panel: staff only
        .route(
            "/admin/interviewers",
            get(staff::list_interviewers).post(staff::invite_interviewer),
        )
        .route(
            "/admin/interviewers/{id}/profile",
            get(profile::show_profile_for_staff).post(profile::update_profile_for_staff),
        )
        .route(
            "/admin/interviewers/{id}/photo",
            post(profile::upload_photo_for_staff)
                .layer(DefaultBodyLimit::max(profile::PHOTO_BODY_LIMIT)),
        )
        .route(
            "/admin/interviewers/{id}/deactivate",
            post(staff::deactivate_interviewer),
        )
        .route(
            "/admin/interviewers/{id}/activate",
            post(staff::activate_interviewer),
        )
        .route(
            "/admin/interviewers/{id}/listing",
            post(staff::update_listing),
        )
        .route("/admin/tags", get(staff::list_tags))
        .route("/admin/tags/{id}/rename", post(staff::rename_tag))
        .route("/admin/tags/merge", post(staff::merge_tags))
        .route("/admin/content", get(staff::show_content))
        .route("/admin/testimonials", post(staff::create_testimonial))
        .route("/admin/testimonials/{id}", post(staff::update_testimonial))
        .route(
            "/admin/testimonials/{id}/delete",
            post(staff::delete_testimonial),
        )
        .route("/admin/companies", post(staff::create_company))
        .route("/admin/companies/{id}", post(staff::update_company))
        .route("/admin/companies/{id}/delete", post(staff::delete_company))
        // Public media (interviewer photos)
        .route("/media/photos/{name}", get(profile::serve_photo))
        // Search engines
        .route("/robots.txt", get(seo::robots_txt))
        .route("/sitemap.xml", get(seo::sitemap_xml))
        // Operations
        .route("/healthz", get(health::healthz))
        .fallback(page::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .with_state(state)
}
