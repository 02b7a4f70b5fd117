//! The public catalogue pages (homepage, listing, its HTMX results, profiles, sitemap) kept
//! in memory as rendered, so a visitor costs no SQL and no template work until the catalogue
//! changes.
//!
//! Correctness rests on one number, the catalogue version (migration
//! `20261203000001_catalogue_version.sql`): every transaction that writes a catalogue table
//! raises it as it commits. A page is stored under the version this instance knew *before* it ran
//! the page's queries, and served only while that is still the newest version known, so a
//! page can be re-rendered needlessly but never served stale for longer than it takes this
//! instance to learn of the new version. It learns it
//! - at once after its own writes: [`sync_after_writes`] reads the version after every
//!   request that can write (POST...), before the response leaves;
//! - within milliseconds of another instance's commit, from PostgreSQL's `NOTIFY` on
//!   [`CHANNEL`] (a listener connection of its own);
//! - within [`POLL_INTERVAL`] whatever happens to that connection (dropped, reconnecting,
//!   silently dead): [`PageCache::watch`] also reads the version on a timer, and again
//!   after each reconnect.
//!
//! Pages carry a per-response CSP nonce (`web::security`): they are rendered with a random
//! placeholder, kept split at it, and joined with each response's own nonce. Memory is
//! bounded by `PAGE_CACHE_MB`: when a page would not fit, the cache starts over empty (the
//! pages people read come back on their next request; a flood of odd URLs cannot grow it).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sqlx::{PgPool, postgres::PgListener};

use super::{AppState, page::Htmx, security};
use crate::db::catalogue::{self, FilterOptions};

/// The notification channel the catalogue triggers send the new version on.
pub const CHANNEL: &str = "catalogue_changed";
/// How often the version is read regardless of notifications.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Longer query strings are served, never stored (no real filter needs them).
const MAX_KEY_BYTES: usize = 512;
/// Larger pages are served, never stored; no catalogue page comes near it.
const MAX_PAGE_BYTES: usize = 1024 * 1024;
/// Wait before reconnecting a listener that failed to connect.
const LISTENER_RETRY: Duration = Duration::from_secs(1);

pub struct PageCache {
    /// The newest catalogue version this instance knows of (0: not read yet).
    known: AtomicI64,
    store: RwLock<Store>,
    /// The listing's tags and counts, computed once per version for every filter.
    filter_options: Mutex<Option<(i64, Arc<FilterOptions>)>>,
    /// Pages being rendered, by key: requests for a page another request is rendering wait
    /// for it instead of running the same queries (after a catalogue change, every visitor
    /// of the homepage misses at once).
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Stands in for the nonce in stored pages: random per process, so no stored text can
    /// contain it by design.
    placeholder: String,
    budget_bytes: usize,
}

#[derive(Default)]
struct Store {
    version: i64,
    pages: HashMap<String, Arc<StoredPage>>,
    bytes: usize,
}

/// A rendered response, its body split where the nonce goes.
struct StoredPage {
    status: StatusCode,
    headers: HeaderMap,
    parts: Vec<Bytes>,
    bytes: usize,
}

impl StoredPage {
    fn new(status: StatusCode, headers: HeaderMap, body: &Bytes, placeholder: &str) -> Self {
        let mut parts = Vec::new();
        let mut start = 0;
        // Pages are HTML (UTF-8); anything else has no placeholder and is kept whole.
        if let Ok(text) = std::str::from_utf8(body) {
            for (at, _) in text.match_indices(placeholder) {
                parts.push(body.slice(start..at));
                start = at + placeholder.len();
            }
        }
        parts.push(body.slice(start..));
        Self {
            status,
            headers,
            bytes: body.len(),
            parts,
        }
    }

    fn respond(&self, nonce: &str) -> Response {
        let body = match self.parts.as_slice() {
            [only] => Body::from(only.clone()),
            parts => {
                let mut joined = Vec::with_capacity(self.bytes + parts.len() * nonce.len());
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        joined.extend_from_slice(nonce.as_bytes());
                    }
                    joined.extend_from_slice(part);
                }
                Body::from(joined)
            }
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// Letters and digits only, so templates' HTML escaping leaves it as it is.
fn placeholder() -> String {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random source works");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("noncePlaceholder{hex}")
}

impl PageCache {
    /// `budget_bytes` 0 turns the cache off: every request renders.
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            known: AtomicI64::new(0),
            store: RwLock::default(),
            filter_options: Mutex::new(None),
            rendering: Mutex::default(),
            placeholder: placeholder(),
            budget_bytes,
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget_bytes > 0
    }

    /// The newest catalogue version this instance knows of.
    pub fn known_version(&self) -> i64 {
        self.known.load(Ordering::Acquire)
    }

    /// Takes note of version `version`; older pages go at once.
    pub fn observe(&self, version: i64) {
        let before = self.known.fetch_max(version, Ordering::AcqRel);
        if version > before {
            let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
            if store.version < version {
                *store = Store {
                    version,
                    ..Store::default()
                };
            }
        }
    }

    /// Reads the committed version and takes note of it.
    pub async fn sync(&self, pool: &PgPool) -> sqlx::Result<i64> {
        let version = catalogue::current_version(pool).await?;
        self.observe(version);
        Ok(version)
    }

    fn get(&self, version: i64, key: &str) -> Option<Arc<StoredPage>> {
        let store = self.store.read().unwrap_or_else(|e| e.into_inner());
        (store.version == version)
            .then(|| store.pages.get(key).cloned())
            .flatten()
    }

    fn put(&self, version: i64, key: String, page: StoredPage) {
        if page.bytes > self.budget_bytes {
            return;
        }
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        // Rendered before a newer version arrived: it may show the old catalogue.
        if version < store.version || version < self.known_version() {
            return;
        }
        if version > store.version || store.bytes + page.bytes > self.budget_bytes {
            *store = Store {
                version,
                ..Store::default()
            };
        }
        store.bytes += page.bytes;
        if let Some(old) = store.pages.insert(key, Arc::new(page)) {
            store.bytes -= old.bytes;
        }
    }

    /// The gate for rendering `key`: one request at a time renders a page.
    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        rendering.entry(key.to_owned()).or_default().clone()
    }

    /// Forgets `key`'s gate once its render is done (requests already waiting on it go on
    /// and find the page stored).
    fn release(&self, key: &str, gate: &Arc<tokio::sync::Mutex<()>>) {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        if rendering.get(key).is_some_and(|g| Arc::ptr_eq(g, gate)) {
            rendering.remove(key);
        }
    }

    /// The listing's tags with their counts and the number listed: read once per catalogue
    /// version, shared by every filter.
    pub async fn filter_options(&self, pool: &PgPool) -> sqlx::Result<Arc<FilterOptions>> {
        if !self.enabled() {
            return Ok(Arc::new(catalogue::filter_options(pool).await?));
        }
        let version = self.known_version();
        {
            let held = self
                .filter_options
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if let Some((v, options)) = held.as_ref()
                && *v == version
            {
                return Ok(options.clone());
            }
        }
        let options = Arc::new(catalogue::filter_options(pool).await?);
        let mut held = self
            .filter_options
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if held.as_ref().is_none_or(|(v, _)| *v < version) && version == self.known_version() {
            *held = Some((version, options.clone()));
        }
        Ok(options)
    }

    /// Keeps the known version current for as long as the process runs: `NOTIFY` on
    /// [`CHANNEL`] through one of `pool`'s connections, held for it (it goes back when the
    /// pool closes), and a read of the version every [`POLL_INTERVAL`] whatever that
    /// connection does.
    pub fn watch(self: Arc<Self>, pool: PgPool) {
        if !self.enabled() {
            return;
        }
        let listening = {
            let (cache, pool) = (self.clone(), pool.clone());
            async move {
                loop {
                    if pool.is_closed() {
                        return;
                    }
                    if let Err(err) = cache.listen(&pool).await {
                        tracing::warn!(error = %err, "catalogue listener lost; polling until it is back");
                    }
                    tokio::time::sleep(LISTENER_RETRY).await;
                }
            }
        };
        let polling = async move {
            let mut tick = tokio::time::interval(POLL_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    return;
                }
                if let Err(err) = self.sync(&pool).await {
                    tracing::debug!(error = %err, "cannot read the catalogue version");
                }
            }
        };
        tokio::spawn(listening);
        tokio::spawn(polling);
    }

    async fn listen(&self, pool: &PgPool) -> sqlx::Result<()> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        // Whatever changed before the subscription was sent no notification here.
        self.sync(pool).await?;
        loop {
            match listener.try_recv().await? {
                Some(notification) => match notification.payload().parse() {
                    Ok(version) => self.observe(version),
                    Err(_) => {
                        self.sync(pool).await?;
                    }
                },
                // The connection dropped and is back (eager reconnect): anything sent in
                // between is lost, so read the version.
                None => {
                    tracing::info!("catalogue listener reconnected");
                    self.sync(pool).await?;
                }
            }
        }
    }
}

/// Middleware on the catalogue routes: answers from memory when it can, otherwise renders
/// (with the placeholder nonce), stores and answers.
pub async fn serve_catalogue_page(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let cache = state.page_cache.clone();
    if !cache.enabled() || request.method() != Method::GET {
        return next.run(request).await;
    }
    let htmx = Htmx::from_headers(request.headers()).0;
    let uri = request.uri();
    let key = format!(
        "{}{}?{}",
        if htmx { "htmx " } else { "" },
        uri.path(),
        uri.query().unwrap_or("")
    );
    if key.len() > MAX_KEY_BYTES {
        return next.run(request).await;
    }
    let nonce = security::current_nonce();
    if let Some(page) = cache.get(cache.known_version(), &key) {
        return page.respond(&nonce);
    }
    let gate = cache.gate(&key);
    let response = {
        let _turn = gate.lock().await;
        render_and_store(&cache, key.clone(), request, next, &nonce).await
    };
    cache.release(&key, &gate);
    response
}

/// Answers from memory if the request rendering `key` before this one stored it, otherwise
/// renders it with the placeholder nonce and stores it.
async fn render_and_store(
    cache: &PageCache,
    key: String,
    request: Request,
    next: Next,
    nonce: &str,
) -> Response {
    // Read before the page's queries run: a page is stored under a version it cannot be
    // older than.
    let version = cache.known_version();
    if let Some(page) = cache.get(version, &key) {
        return page.respond(nonce);
    }
    let response = security::with_nonce(cache.placeholder.clone(), next.run(request)).await;
    // Errors (an unknown profile, a database failure) carry no body yet: the error page is
    // rendered outside, with the response's own nonce.
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, path = %key, "a catalogue page could not be read back");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = StoredPage::new(parts.status, parts.headers, &body, &cache.placeholder);
    let response = page.respond(nonce);
    cache.put(version, key, page);
    response
}

/// Middleware on every route: after a request that can write (anything but GET and HEAD),
/// reads the catalogue version before answering, so the page this instance serves next
/// shows the write without waiting for the notification.
pub async fn sync_after_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let response = next.run(request).await;
    if writes
        && state.page_cache.enabled()
        && let Err(err) = state.page_cache.sync(&state.pool).await
    {
        tracing::warn!(error = %err, "cannot read the catalogue version after a write");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &'static str, placeholder: &str) -> StoredPage {
        StoredPage::new(
            StatusCode::OK,
            HeaderMap::new(),
            &Bytes::from_static(body.as_bytes()),
            placeholder,
        )
    }

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn each_response_gets_its_own_nonce_in_every_place() {
        let stored = page(
            "<script nonce=\"P\"></script><script nonce=\"P\">x</script>",
            "P",
        );
        assert_eq!(stored.parts.len(), 3);
        assert_eq!(
            body_of(stored.respond("abc")).await,
            "<script nonce=\"abc\"></script><script nonce=\"abc\">x</script>"
        );
        assert_eq!(
            body_of(page("no scripts", "P").respond("abc")).await,
            "no scripts"
        );
    }

    #[test]
    fn a_page_is_served_only_under_the_newest_version() {
        let cache = PageCache::new(1024);
        cache.observe(3);
        cache.put(3, "/".into(), page("v3", "P"));
        assert!(cache.get(3, "/").is_some());
        cache.observe(4);
        assert!(cache.get(3, "/").is_none(), "gone with the new version");
        assert!(cache.get(4, "/").is_none());
        // Rendered from what the database said at version 3: never stored under 4.
        cache.put(3, "/".into(), page("v3", "P"));
        assert!(cache.get(4, "/").is_none() && cache.get(3, "/").is_none());
        // Versions never go back.
        cache.observe(2);
        assert_eq!(cache.known_version(), 4);
    }

    #[test]
    fn memory_stays_within_the_budget() {
        let cache = PageCache::new(10);
        cache.observe(1);
        cache.put(1, "a".into(), page("123456", "P"));
        cache.put(1, "b".into(), page("123456", "P"));
        let store = cache.store.read().unwrap();
        assert!(store.bytes <= 10, "{}", store.bytes);
        assert!(store.pages.contains_key("b"), "the newest page is kept");
        drop(store);
        cache.put(1, "big".into(), page("12345678901", "P"));
        assert!(cache.get(1, "big").is_none());
    }
}
