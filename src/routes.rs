//! THE route table, grouped by audience. Paths here are the public contract in design.md §4.
//!
//! Each entry says who may use the route ([`Access`]); the router is built from the same
//! table, so the authorization tests (`tests/it/authz.rs`) can walk every route and fail
//! when one is added without a test case.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    handler::Handler,
    http::Method,
    middleware,
    routing::{MethodRouter, get, post},
};

use crate::web::{
    AppState,
    admin::{account, bookings, claims, earnings, overview, payouts, profile, reports, staff},
    health,
    page::{self, render_errors},
    page_cache,
    public::{booking, home, interviewers, my_booking, seo},
    webhooks,
};

/// Webhook bodies are small JSON documents; this leaves room for Stripe's larger objects.
const WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

/// Who a route is for. The extractor a handler takes enforces it (`Admin`, `Staff`); this is
/// the same fact written where tests can read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, no session: the public site, the booking flow, media, SEO, health.
    Public,
    /// Stripe and cal.com, authenticated by the body's signature instead of a session.
    Webhook,
    /// The admin panel's doors, usable signed out: sign in, sign out, password links.
    AdminDoor,
    /// Any signed-in admin user (an interviewer sees only their own objects).
    SignedIn,
    /// Staff only; for anyone else the route does not exist (404).
    Staff,
}

/// One method on one path.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// A public catalogue page, served from `web::page_cache` while the catalogue is unchanged.
    pub cached: bool,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn get<H, T>(path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Self {
            method: Method::GET,
            path,
            access,
            cached: false,
            handler: get(handler),
        }
    }

    fn post<H, T>(path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Self {
            method: Method::POST,
            path,
            access,
            cached: false,
            handler: post(handler),
        }
    }

    /// Marks a catalogue page: it shows only what the catalogue tables hold (their triggers
    /// raise the version the cache is keyed by), the same for every visitor.
    fn cached(mut self) -> Self {
        self.cached = true;
        self
    }

    /// Raises the request body limit for this route (uploads, webhooks).
    fn body_limit(mut self, bytes: usize) -> Self {
        self.handler = self.handler.layer(DefaultBodyLimit::max(bytes));
        self
    }
}

/// Every route of the application, in the order a reader meets them.
pub fn table() -> Vec<Route> {
    use Access::*;
    vec![
        // Public site
        Route::get("/", Public, home::show_home).cached(),
        Route::get("/interviewers", Public, interviewers::list_interviewers).cached(),
        Route::get(
            "/interviewers/{slug}",
            Public,
            interviewers::show_interviewer,
        )
        .cached(),
        // Booking flow
        Route::get(
            "/interviewers/{slug}/book",
            Public,
            booking::show_booking_page,
        ),
        Route::post("/interviewers/{slug}/book", Public, booking::create_booking),
        Route::get("/bookings/{id}/details", Public, booking::show_details),
        Route::post("/bookings/{id}/details", Public, booking::submit_details)
            .body_limit(booking::DETAILS_BODY_LIMIT),
        Route::get("/bookings/{id}/thanks", Public, booking::show_thanks),
        // The customer's own booking page (the unguessable id is the credential)
        Route::get("/bookings/{id}", Public, my_booking::show_booking),
        Route::get(
            "/bookings/{id}/calendar.ics",
            Public,
            my_booking::download_calendar_file,
        ),
        Route::get("/bookings/{id}/report", Public, my_booking::show_report),
        Route::post("/bookings/{id}/review", Public, my_booking::submit_review),
        Route::post("/bookings/{id}/claim", Public, my_booking::submit_claim),
        Route::get("/bookings/{id}/cancel", Public, my_booking::show_cancel),
        Route::post("/bookings/{id}/cancel", Public, my_booking::cancel_booking),
        Route::get(
            "/bookings/{id}/reschedule",
            Public,
            my_booking::show_reschedule,
        ),
        Route::post(
            "/bookings/{id}/reschedule",
            Public,
            my_booking::reschedule_booking,
        ),
        // Webhooks (signed; exempt from the CSRF origin check)
        Route::post(
            "/webhooks/stripe",
            Webhook,
            webhooks::stripe::receive_stripe_event,
        )
        .body_limit(WEBHOOK_BODY_LIMIT),
        Route::post(
            "/webhooks/calcom",
            Webhook,
            webhooks::calcom::receive_calcom_event,
        )
        .body_limit(WEBHOOK_BODY_LIMIT),
        // Admin panel: signing in and accounts
        Route::get("/admin/login", AdminDoor, account::show_login),
        Route::post("/admin/login", AdminDoor, account::log_in),
        Route::post("/admin/logout", AdminDoor, account::log_out),
        Route::get(
            "/admin/password/forgot",
            AdminDoor,
            account::show_forgot_password,
        ),
        Route::post(
            "/admin/password/forgot",
            AdminDoor,
            account::request_password_reset,
        ),
        Route::get(
            "/admin/password/set/{token}",
            AdminDoor,
            account::show_set_password,
        ),
        Route::post(
            "/admin/password/set/{token}",
            AdminDoor,
            account::set_password,
        ),
        Route::get(
            "/admin/account/password",
            SignedIn,
            account::show_change_password,
        ),
        Route::post(
            "/admin/account/password",
            SignedIn,
            account::change_password,
        ),
        // Admin panel: an interviewer's own bookings and profile (staff: everyone's)
        Route::get("/admin", SignedIn, bookings::admin_home),
        Route::get("/admin/bookings", SignedIn, bookings::list_bookings),
        Route::get("/admin/bookings/{id}", SignedIn, bookings::show_booking),
        Route::get(
            "/admin/bookings/{id}/resume",
            SignedIn,
            bookings::download_resume,
        ),
        Route::post(
            "/admin/bookings/{id}/acknowledge",
            SignedIn,
            bookings::acknowledge_booking,
        ),
        Route::post(
            "/admin/bookings/{id}/outcome",
            SignedIn,
            bookings::record_outcome,
        ),
        Route::get(
            "/admin/bookings/{id}/report",
            SignedIn,
            reports::show_report,
        ),
        Route::post(
            "/admin/bookings/{id}/report",
            SignedIn,
            reports::submit_report,
        ),
        Route::post(
            "/admin/bookings/{id}/report/draft",
            SignedIn,
            reports::save_draft,
        ),
        Route::post(
            "/admin/bookings/{id}/review/hide",
            Staff,
            bookings::hide_review,
        ),
        Route::post(
            "/admin/bookings/{id}/review/reply",
            SignedIn,
            bookings::reply_to_review,
        ),
        Route::post(
            "/admin/bookings/{id}/refund",
            Staff,
            bookings::refund_booking,
        ),
        Route::get("/admin/profile", SignedIn, profile::show_own_profile),
        Route::post("/admin/profile", SignedIn, profile::update_own_profile),
        Route::post("/admin/profile/photo", SignedIn, profile::upload_own_photo)
            .body_limit(profile::PHOTO_BODY_LIMIT),
        // Admin panel: staff only
        Route::get("/admin/interviewers", Staff, staff::list_interviewers),
        Route::post("/admin/interviewers", Staff, staff::invite_interviewer),
        Route::get(
            "/admin/interviewers/{id}/profile",
            Staff,
            profile::show_profile_for_staff,
        ),
        Route::post(
            "/admin/interviewers/{id}/profile",
            Staff,
            profile::update_profile_for_staff,
        ),
        Route::post(
            "/admin/interviewers/{id}/photo",
            Staff,
            profile::upload_photo_for_staff,
        )
        .body_limit(profile::PHOTO_BODY_LIMIT),
        Route::post(
            "/admin/interviewers/{id}/deactivate",
            Staff,
            staff::deactivate_interviewer,
        ),
        Route::post(
            "/admin/interviewers/{id}/activate",
            Staff,
            staff::activate_interviewer,
        ),
        Route::post(
            "/admin/interviewers/{id}/listing",
            Staff,
            staff::update_listing,
        ),
        Route::get("/admin/tags", Staff, staff::list_tags),
        Route::post("/admin/tags/{id}/rename", Staff, staff::rename_tag),
        Route::post("/admin/tags/merge", Staff, staff::merge_tags),
        Route::get("/admin/content", Staff, staff::show_content),
        Route::get("/admin/claims", Staff, claims::list_claims),
        Route::get("/admin/overview", Staff, overview::show_overview),
        // Earnings: an interviewer's own (staff: everyone's)
        Route::get("/admin/earnings", SignedIn, earnings::show_earnings),
        Route::get(
            "/admin/earnings.csv",
            SignedIn,
            earnings::download_earnings_csv,
        ),
        // Payouts to interviewers, recorded by staff
        Route::get("/admin/payouts", Staff, payouts::show_payouts),
        Route::post("/admin/payouts", Staff, payouts::record_payout),
        Route::get("/admin/payouts.csv", Staff, payouts::download_payouts_csv),
        Route::post("/admin/claims/{id}/refund", Staff, claims::refund_claim),
        Route::post("/admin/claims/{id}/reply", Staff, claims::reply_to_claim),
        Route::post("/admin/testimonials", Staff, staff::create_testimonial),
        Route::post("/admin/testimonials/{id}", Staff, staff::update_testimonial),
        Route::post(
            "/admin/testimonials/{id}/delete",
            Staff,
            staff::delete_testimonial,
        ),
        Route::post("/admin/companies", Staff, staff::create_company),
        Route::post("/admin/companies/{id}", Staff, staff::update_company),
        Route::post("/admin/companies/{id}/delete", Staff, staff::delete_company),
        // Public media (interviewer photos)
        Route::get("/media/photos/{name}", Public, profile::serve_photo),
        // Search engines
        Route::get("/robots.txt", Public, seo::robots_txt),
        Route::get("/sitemap.xml", Public, seo::sitemap_xml).cached(),
        // Operations
        Route::get("/healthz", Public, health::healthz),
    ]
}

pub fn router(state: AppState) -> Router {
    let router = table()
        .into_iter()
        // Two methods on one path merge into one method router.
        .fold(Router::new(), |router, route| {
            let handler = if route.cached {
                route.handler.layer(middleware::from_fn_with_state(
                    state.clone(),
                    page_cache::serve_catalogue_page,
                ))
            } else {
                route.handler
            };
            router.route(route.path, handler)
        });
    router
        .fallback(page::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths;

    /// Whether `path` (no query string) fits the axum `pattern`, `{name}` matching one segment.
    fn fits(pattern: &str, path: &str) -> bool {
        let (pattern, path): (Vec<&str>, Vec<&str>) =
            (pattern.split('/').collect(), path.split('/').collect());
        pattern.len() == path.len()
            && pattern
                .iter()
                .zip(&path)
                .all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
    }

    #[test]
    fn every_url_the_paths_module_builds_has_a_route() {
        let routes = table();
        let built = [
            paths::HOME.to_owned(),
            paths::INTERVIEWERS.to_owned(),
            paths::interviewer("ada-alpha"),
            paths::book("ada-alpha"),
            paths::booking_details("abc"),
            paths::booking_thanks("abc"),
            paths::booking_thanks_after_checkout("abc"),
            paths::booking_page("abc"),
            paths::booking_cancel("abc"),
            paths::booking_reschedule("abc"),
            paths::booking_calendar_file("abc"),
            paths::booking_report("abc"),
            paths::booking_review("abc"),
            paths::booking_claim("abc"),
            paths::ADMIN_CLAIMS.to_owned(),
            paths::ADMIN_OVERVIEW.to_owned(),
            paths::ADMIN_EARNINGS.to_owned(),
            paths::ADMIN_EARNINGS_CSV.to_owned(),
            paths::ADMIN_PAYOUTS.to_owned(),
            paths::ADMIN_PAYOUTS_CSV.to_owned(),
            paths::admin_claim_refund("abc"),
            paths::admin_claim_reply("abc"),
            paths::admin_booking_review_hide("abc"),
            paths::admin_booking_review_reply("abc"),
            paths::admin_booking_report("abc"),
            paths::admin_booking_report_draft("abc"),
            paths::media("photos/ada-0123.jpg"),
            paths::ADMIN.to_owned(),
            paths::ADMIN_BOOKINGS.to_owned(),
            paths::ADMIN_PROFILE.to_owned(),
            paths::ADMIN_PROFILE_PHOTO.to_owned(),
            paths::ADMIN_INTERVIEWERS.to_owned(),
            paths::ADMIN_TAGS.to_owned(),
            paths::ADMIN_CONTENT.to_owned(),
            paths::CHANGE_PASSWORD.to_owned(),
            paths::FORGOT_PASSWORD.to_owned(),
            paths::LOGIN.to_owned(),
            paths::login_then("/admin/bookings"),
            paths::login_with_notice("reset"),
            paths::set_password("token"),
            paths::admin_booking("abc"),
            paths::admin_booking_resume("abc"),
            paths::admin_interviewer_profile(7),
            paths::admin_interviewer_photo(7),
        ];
        for url in built {
            let path = url.split('?').next().unwrap_or_default();
            assert!(
                routes.iter().any(|r| fits(r.path, path)),
                "no route serves {url}"
            );
        }
    }

    #[test]
    fn each_method_and_path_is_in_the_table_once() {
        let routes = table();
        for (i, a) in routes.iter().enumerate() {
            assert!(
                !routes[i + 1..]
                    .iter()
                    .any(|b| a.method == b.method && a.path == b.path),
                "{} {} twice",
                a.method,
                a.path
            );
        }
    }
}
