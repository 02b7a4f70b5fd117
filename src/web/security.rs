//! Security headers on every response, and the per-request CSP nonce.
//!
//! The Content-Security-Policy allows only our own origin by default; scripts also need the
//! request's nonce (every `<script>` we render carries it), so injected markup cannot run
//! script. Third-party origins are added only on the pages that need them: the cal.com embed
//! on the booking page, Stripe's hosted Checkout as a form target on the details page.
//! `Strict-Transport-Security` is sent in production, where the site is served over HTTPS.

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::{Engine, engine::general_purpose::STANDARD};

use super::AppState;

tokio::task_local! {
    static NONCE: String;
}

/// The nonce of the request being rendered, for `<script nonce>` (templates read it as
/// `csp_nonce`). Empty outside a request.
pub fn current_nonce() -> String {
    NONCE.try_with(Clone::clone).unwrap_or_default()
}

/// Runs `future` with `nonce` as the one pages render into `<script nonce>` (the page cache
/// renders with a placeholder it later replaces with each response's nonce).
pub async fn with_nonce<F: std::future::Future>(nonce: String, future: F) -> F::Output {
    NONCE.scope(nonce, future).await
}

fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random source works");
    STANDARD.encode(bytes)
}

/// The policy for one page. `path` decides which third parties the page may use.
pub fn content_security_policy(state: &AppState, path: &str, nonce: &str) -> String {
    let mut script = format!("'self' 'nonce-{nonce}'");
    let mut style = "'self'".to_owned();
    let mut frame = "'none'".to_owned();
    let mut connect = "'self'".to_owned();
    let mut font = "'self'".to_owned();
    let mut form_action = "'self'".to_owned();
    // The booking page, and the customer's reschedule page (the same calendar, for a move).
    let booking_page = (path.starts_with("/interviewers/") && path.ends_with("/book"))
        || (path.starts_with("/bookings/") && path.ends_with("/reschedule"));
    if booking_page {
        let cal = &state.config.calcom.embed_origin;
        script.push_str(&format!(" {cal}"));
        frame = cal.clone();
        connect.push_str(&format!(" {cal}"));
        // cal.com's embed script styles its container with inline <style> elements, and
        // injects an @font-face loading its font from cal.com.
        style.push_str(" 'unsafe-inline'");
        font.push_str(&format!(" {cal} https://cal.com"));
    }
    if path.starts_with("/bookings/") && path.ends_with("/details") {
        // The no-JavaScript form answers with a redirect to Stripe's hosted page.
        form_action.push_str(&format!(" {}", state.config.stripe.checkout_origin));
    }
    format!(
        "default-src 'none'; script-src {script}; style-src {style}; img-src 'self' data: https:; \
         font-src {font}; connect-src {connect}; frame-src {frame}; form-action {form_action}; \
         manifest-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
    )
}

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let nonce = new_nonce();
    let path = request.uri().path().to_owned();
    let mut response = NONCE.scope(nonce.clone(), next.run(request)).await;
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // Live reload injects its own inline script: development pages go without a CSP then.
    if is_html && !state.config.live_reload {
        let policy = content_security_policy(&state, &path, &nonce);
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.is_production() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if let Some(policy) = private_cache_policy(&path)
        && !headers.contains_key(header::CACHE_CONTROL)
    {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Pages that show customers' names, emails and backgrounds must never be kept by a cache:
/// the admin panel not at all, the customer's own booking pages only by their browser, for
/// the page in hand (`private, no-store`).
fn private_cache_policy(path: &str) -> Option<&'static str> {
    if path == "/admin" || path.starts_with("/admin/") {
        Some("no-store")
    } else if path.starts_with("/bookings/") {
        Some("private, no-store")
    } else {
        None
    }
}

/// The client address for throttling: the peer, or, when the peer is one of our
/// `TRUSTED_PROXIES`, the address the proxies report in `X-Forwarded-For`.
pub fn client_ip(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    crate::domain::ip_range::client_address(peer.ip(), forwarded, &state.config.trusted_proxies)
        .to_string()
}
