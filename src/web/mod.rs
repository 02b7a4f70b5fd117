//! HTTP handlers and their template contexts, split by audience. Nothing imports `web`.

pub mod health;
pub mod page;
pub mod public;

use std::sync::Arc;

use sqlx::PgPool;

use crate::{assets::AssetUrls, config::Config, templates::Templates};

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    pub assets: Arc<AssetUrls>,
}
