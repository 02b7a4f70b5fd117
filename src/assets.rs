//! Static assets (`static/dist/`, built from `ts/` and `static/css/` by esbuild): embedded and
//! precompressed in release builds, read from disk in debug builds, served under `/static`
//! both on a content-hashed path (cached for a year) and on the plain one.

use axum::Router;
use serde::Serialize;

/// URL paths of the assets the pages link to, content-hashed for cache busting.
#[derive(Clone, Debug, Serialize)]
pub struct AssetUrls {
    /// The public site's stylesheet (`templates/base.html`); nothing of the admin panel.
    pub css: String,
    /// The admin panel's stylesheet (`templates/admin/layout.html`), kept out of `css` so
    /// public visitors never download it.
    pub admin_css: String,
    pub js: String,
    pub favicon: String,
}

pub fn router_and_urls() -> (Router, AssetUrls) {
    let serve = memory_serve::load!()
        .index_file(None)
        .enable_hashed_routes(true)
        .cache_control(memory_serve::CacheControl::Medium);
    let manifest = serve.manifest();
    let url = |plain: &str| format!("/static{}", manifest.get(plain).unwrap_or(plain));
    let urls = AssetUrls {
        css: url("/app.css"),
        admin_css: url("/admin.css"),
        js: url("/app.js"),
        favicon: url("/favicon.svg"),
    };
    (
        Router::new().nest_service("/static", serve.into_router()),
        urls,
    )
}
