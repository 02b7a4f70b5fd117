//! `GET /robots.txt` and `GET /sitemap.xml`.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use time::format_description::well_known::Iso8601;

use crate::{
    db::catalogue,
    paths,
    web::{AppState, error::AppError},
};

pub async fn robots_txt(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /admin/\nDisallow: /bookings/\n\nSitemap: {}/sitemap.xml\n",
        state.config.public_base_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

pub async fn sitemap_xml(State(state): State<AppState>) -> Result<Response, AppError> {
    let base = &state.config.public_base_url;
    let entries = catalogue::sitemap_entries(&state.pool).await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/interviewers"] {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape_xml(&format!("{base}{path}"))
        ));
    }
    for entry in entries {
        // Slugs are validated by a check constraint, but escaping costs nothing.
        let loc = escape_xml(&paths::absolute(base, &paths::interviewer(&entry.slug)));
        let lastmod = entry
            .updated_at
            .date()
            .format(&Iso8601::DATE)
            .unwrap_or_default();
        xml.push_str(&format!(
            "  <url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>\n"
        ));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
