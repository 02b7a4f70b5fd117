//! THE route table, grouped by audience. Paths here are the public contract in design.md §4.

use axum::{Router, middleware, routing::get};

use crate::web::{
    AppState, health,
    page::{self, render_errors},
    public::{home, interviewers, seo},
};

pub fn router(state: AppState) -> Router {
    Router::new()
        // Public site
        .route("/", get(home::show_home))
        .route("/interviewers", get(interviewers::list_interviewers))
        .route("/interviewers/{slug}", get(interviewers::show_interviewer))
        // Search engines
        .route("/robots.txt", get(seo::robots_txt))
        .route("/sitemap.xml", get(seo::sitemap_xml))
        // Operations
        .route("/healthz", get(health::healthz))
        .fallback(page::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), render_errors))
        .with_state(state)
}
