//! THE route table, grouped by audience. Paths here are the public contract in design.md §4.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
};

use crate::web::{
    AppState, health,
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
        // Search engines
        .route("/robots.txt", get(seo::robots_txt))
        .route("/sitemap.xml", get(seo::sitemap_xml))
        // Operations
        .route("/healthz", get(health::healthz))
        .fallback(page::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .with_state(state)
}
