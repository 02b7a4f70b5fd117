//! What every page shares: head metadata, asset URLs, the HTMX full-page-or-fragment choice,
//! and the rendering of errors.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, header, request::Parts},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

use super::{
    AppState,
    error::{AppError, ErrorMarker, error_page},
};
use crate::{assets::AssetUrls, domain::Slug};

/// Head metadata of one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Absolute URL.
    pub canonical: String,
    pub robots: Option<&'static str>,
    pub og_type: &'static str,
}

impl PageMeta {
    pub fn new(
        state: &AppState,
        path: &str,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            description: description.into(),
            canonical: format!("{}{}", state.config.public_base_url, path),
            robots: None,
            og_type: "website",
        }
    }
}

/// A page's template context: the shared fields plus the page's own `content`, flattened so
/// templates read `meta.title` and `results` alike.
#[derive(Serialize)]
pub struct Page<T: Serialize> {
    pub meta: PageMeta,
    pub nav_active: Option<&'static str>,
    /// JSON-LD already escaped for a `<script>` element (see [`json_ld`]).
    pub jsonld: Option<String>,
    #[serde(flatten)]
    pub content: T,
}

impl<T: Serialize> Page<T> {
    pub fn new(meta: PageMeta, content: T) -> Self {
        Self {
            meta,
            nav_active: None,
            jsonld: None,
            content,
        }
    }
    pub fn nav(mut self, active: &'static str) -> Self {
        self.nav_active = Some(active);
        self
    }
    pub fn json_ld(mut self, value: serde_json::Value) -> Self {
        self.jsonld = Some(json_ld(&value));
        self
    }
}

#[derive(Serialize)]
struct Rendered<'a, P: Serialize> {
    assets: &'a AssetUrls,
    base_url: &'a str,
    /// For `<script nonce>`: the request's Content-Security-Policy nonce.
    csp_nonce: String,
    /// The booking policy's numbers, which pages state (`policy.guarantee_claim_days`...).
    policy: PolicyNumbers,
    #[serde(flatten)]
    page: &'a P,
}

#[derive(Serialize)]
struct PolicyNumbers {
    refund_window_hours: u32,
    reschedule_notice_hours: u32,
    guarantee_claim_days: u32,
}

impl AppState {
    /// Renders `template` whole, or only `block` when one is given (HTMX fragments). `page` is
    /// a [`Page`], or the admin panel's `AdminPage`.
    pub fn render<P: Serialize>(
        &self,
        template: &str,
        block: Option<&str>,
        page: &P,
    ) -> Result<Html<String>, AppError> {
        let ctx = Rendered {
            assets: &self.assets,
            base_url: &self.config.public_base_url,
            csp_nonce: super::security::current_nonce(),
            policy: PolicyNumbers {
                refund_window_hours: self.config.booking.refund_window_hours,
                reschedule_notice_hours: self.config.booking.reschedule_notice_hours,
                guarantee_claim_days: self.config.booking.guarantee_claim_days,
            },
            page,
        };
        Ok(Html(self.templates.render(template, block, ctx)?))
    }
}

/// Serializes JSON-LD for a `<script type="application/ld+json">` element: `<`, `>` and `&`
/// are escaped so no value can close the script element.
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Whether the request came from HTMX wanting a fragment. History restores (the visitor
/// pressed Back and htmx missed its cache) need the full page.
#[derive(Clone, Copy, Debug)]
pub struct Htmx(pub bool);

impl Htmx {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let is = |name: &str| headers.get(name).is_some_and(|v| v == "true");
        Htmx(is("hx-request") && !is("hx-history-restore-request"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Htmx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Htmx::from_headers(&parts.headers))
    }
}

/// A value parsed from a request path's one parameter (`{id}`, `{slug}`, `{token}`, ...).
/// Anything that cannot be one, a NUL or other control character above all, is a 404
/// before any handler or query sees it.
pub struct PathId<T>(pub T);

/// What a path segment can be parsed into.
pub trait PathSegment: Sized {
    fn from_segment(segment: &str) -> Option<Self>;
}

/// Our ids, slugs and tokens are short and printable.
const MAX_SEGMENT_BYTES: usize = 200;

impl PathSegment for String {
    fn from_segment(segment: &str) -> Option<Self> {
        (segment.len() <= MAX_SEGMENT_BYTES && !segment.chars().any(char::is_control))
            .then(|| segment.to_owned())
    }
}

impl PathSegment for i64 {
    fn from_segment(segment: &str) -> Option<Self> {
        segment.parse().ok()
    }
}

impl PathSegment for Slug {
    fn from_segment(segment: &str) -> Option<Self> {
        Slug::parse(segment)
    }
}

impl<S: Send + Sync, T: PathSegment> FromRequestParts<S> for PathId<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(segment) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        T::from_segment(&segment)
            .map(PathId)
            .ok_or(AppError::NotFound)
    }
}

/// Marks a response that differs for HTMX and plain requests, so caches keep both.
pub fn vary_on_htmx(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Request"));
    response
}

/// Middleware: turns the empty body an [`AppError`] leaves into the error page, or into a
/// small fragment for HTMX requests (which swap it where the content would have gone).
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let htmx = Htmx::from_headers(request.headers());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(marker) = response.extensions().get::<ErrorMarker>().cloned() else {
        return response;
    };
    let mut meta = PageMeta::new(
        &state,
        &path,
        format!("{} · 508.dev Interviews", marker.heading),
        marker.message,
    );
    meta.robots = Some("noindex");
    let page = error_page(meta, &marker);
    let (template, block) = if htmx.0 {
        ("fragments/error.html", None)
    } else {
        ("error.html", None)
    };
    match state.render(template, block, &page) {
        Ok(html) => {
            let mut rendered = (marker.status, html).into_response();
            // An htmx error response is not swapped by default; this one is meant to be.
            if htmx.0 {
                rendered
                    .headers_mut()
                    .insert("hx-reswap", HeaderValue::from_static("innerHTML"));
            }
            rendered
        }
        Err(err) => {
            tracing::error!(error = ?err, "the error page itself failed to render");
            (marker.status, marker.heading).into_response()
        }
    }
}

/// Any path no route matches.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
