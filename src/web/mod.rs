//! HTTP handlers and their template contexts, split by audience: each handler parses the
//! request, calls one use case in `crate::app` (or one read query for a page) and renders the
//! outcome. Nothing outside `web/`, `routes`, `startup` and `main` imports `web`.

pub mod admin;
pub mod csrf;
pub mod csv;
pub mod error;
pub mod forms;
pub mod health;
pub mod page;
pub mod page_cache;
pub mod public;
pub mod security;
pub mod webhooks;

use std::sync::Arc;

use sqlx::PgPool;

use crate::{app::Services, assets::AssetUrls, config::Config, templates::Templates};

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// What the use cases need (database, outside services, templates, settings).
    pub services: Services,
    pub assets: Arc<AssetUrls>,
    // Shortcuts into `services` for rendering and page queries.
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    /// Rendered catalogue pages, and the catalogue version they belong to.
    pub page_cache: Arc<page_cache::PageCache>,
}

impl AppState {
    pub fn new(services: Services, assets: AssetUrls) -> Self {
        Self {
            pool: services.pool.clone(),
            config: services.config.clone(),
            templates: services.templates.clone(),
            page_cache: Arc::new(page_cache::PageCache::new(services.config.page_cache_bytes)),
            assets: Arc::new(assets),
            services,
        }
    }
}
