//! HTTP handlers and their template contexts, split by audience. Nothing imports `web`.

pub mod admin;
pub mod csrf;
pub mod health;
pub mod page;
pub mod public;
pub mod security;
pub mod webhooks;

use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::Notify;

use crate::{
    assets::AssetUrls,
    booking::Services,
    config::Config,
    integrations::{calcom::CalClient, storage::Storage, stripe::StripeClient},
    templates::Templates,
};

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    pub assets: Arc<AssetUrls>,
    pub stripe: StripeClient,
    pub calcom: CalClient,
    pub storage: Storage,
    /// Wakes the background worker when a request queues work.
    pub wake_worker: Arc<Notify>,
}

impl AppState {
    pub fn services(&self) -> Services {
        Services {
            pool: self.pool.clone(),
            templates: self.templates.clone(),
            config: self.config.clone(),
        }
    }
}
