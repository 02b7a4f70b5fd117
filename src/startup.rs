//! Builds the application (state, router, middleware, listener) for `main` and for tests.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, Request, StatusCode},
    middleware,
};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, timeout::TimeoutLayer,
    trace::TraceLayer,
};

use tokio::sync::Notify;

use crate::{
    app::Services,
    assets,
    config::Config,
    db,
    integrations::{self, calcom::CalClient, mail::Mailer, storage::Storage, stripe::StripeClient},
    jobs::Worker,
    routes, telemetry,
    templates::Templates,
    web::{AppState, csrf, page_cache, security},
};

/// Largest request body outside the routes that raise it (uploads, webhooks).
const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

impl Application {
    /// Production start: creates and migrates the database, seeds demo data when asked, binds.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        db::create_database_if_missing(config.database_url.expose()).await?;
        let pool = db::connect_pool(&config)?;
        db::migrate(&pool).await?;
        if config.seed_demo && db::seed::seed_demo_if_empty(&pool).await? {
            tracing::info!("seeded the empty database with the fictional demo catalogue");
        }
        Self::build_with_pool(config, pool).await
    }

    /// Binds `config.host:config.port` (port 0 picks a free one) around an existing pool.
    pub async fn build_with_pool(config: Config, pool: PgPool) -> anyhow::Result<Self> {
        // One TLS provider for every client (reqwest, lettre, object_store); installing it
        // explicitly avoids rustls' "cannot determine the CryptoProvider" panic.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let (asset_router, asset_urls) = assets::router_and_urls();
        let http = integrations::http_client();
        let services = Services {
            stripe: StripeClient::new(&config.stripe, http.clone()),
            calcom: CalClient::new(&config.calcom, http),
            storage: Storage::from_config(&config)?,
            wake_worker: Arc::new(Notify::new()),
            pool,
            templates: Arc::new(Templates::new()),
            config: Arc::new(config),
        };
        if services.config.run_worker {
            let worker = Worker {
                mailer: Mailer::from_config(&services.config)?,
                services: services.clone(),
            };
            tokio::spawn(worker.run());
        }
        let state = AppState::new(services, asset_urls);
        if state.page_cache.enabled() {
            if let Err(err) = state.page_cache.sync(&state.pool).await {
                tracing::warn!(error = %err, "cannot read the catalogue version yet");
            }
            state.page_cache.clone().watch(state.pool.clone());
        }
        let router = with_middleware(routes::router(state.clone()).merge(asset_router), &state);
        let addr = SocketAddr::new(state.config.host, state.config.port);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(url = %self.state.config.public_base_url, port = self.port(), "listening");
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")
    }
}

fn with_middleware(router: Router, state: &AppState) -> Router {
    let config = &state.config;
    let mut router = router.layer(middleware::from_fn_with_state(
        state.clone(),
        csrf::check_origin,
    ));
    if config.live_reload {
        router = live_reload(router);
    }
    if config.server_timing {
        router = router.layer(middleware::from_fn(telemetry::server_timing));
    }
    router
        .layer(middleware::from_fn_with_state(state.clone(), page_cache::sync_after_writes))
        .layer(middleware::from_fn_with_state(state.clone(), security::security_headers))
        // Routes that take uploads raise this with their own `DefaultBodyLimit`.
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            // The path only: query strings can carry personal data.
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
}

/// Development only: reloads open pages when templates or built assets change.
fn live_reload(router: Router) -> Router {
    use notify::Watcher;
    let layer = tower_livereload::LiveReloadLayer::new().request_predicate(
        |req: &Request<axum::body::Body>| {
            !req.headers()
                .contains_key(HeaderName::from_static("hx-request"))
        },
    );
    let reloader = layer.reloader();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| e.kind.is_modify() || e.kind.is_create()) {
            reloader.reload();
        }
    });
    match watcher {
        Ok(mut watcher) => {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            for dir in ["templates", "static/dist"] {
                if let Err(err) = watcher.watch(&root.join(dir), notify::RecursiveMode::Recursive) {
                    tracing::warn!(error = %err, dir, "live reload cannot watch");
                }
            }
            // The watcher lives as long as the process.
            std::mem::forget(watcher);
            router.layer(layer)
        }
        Err(err) => {
            tracing::warn!(error = %err, "live reload disabled");
            router
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
