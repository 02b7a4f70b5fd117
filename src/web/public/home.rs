//! `GET /`: the homepage.

use axum::{extract::State, response::Html};
use serde::Serialize;
use serde_json::json;

use super::cards::{CardView, price};
use crate::{
    db::catalogue,
    domain::Money,
    paths,
    web::error::AppError,
    web::{
        AppState,
        page::{Page, PageMeta},
    },
};

#[derive(Serialize)]
struct HomeContent {
    featured: Vec<CardView>,
    testimonials: Vec<TestimonialView>,
    companies: Vec<CompanyView>,
    price_from: Option<String>,
    interviewer_count: i64,
}

#[derive(Serialize)]
struct TestimonialView {
    quote: String,
    author: String,
    context: String,
    interviewer_name: Option<String>,
    interviewer_url: Option<String>,
}

#[derive(Serialize)]
struct CompanyView {
    name: String,
    logo_url: Option<String>,
}

pub async fn show_home(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let options = state.page_cache.filter_options(&state.pool).await?;
    let home = catalogue::home_page(&state.pool, &options.tags).await?;
    let price_from = home
        .price_from
        .as_ref()
        .map(|p| price(Money::new(p.rate_minor, p.currency)).0);

    let description = match &price_from {
        Some(from) => format!(
            "Book a 1-hour practice interview in your stack with an engineer from the 508.dev co-op, \
             then 30 minutes of feedback you can act on. From {from}, with a 100% money-back guarantee."
        ),
        None => "Book a 1-hour practice interview in your stack with an engineer from the 508.dev co-op, \
                 then 30 minutes of feedback you can act on. 100% money-back guarantee."
            .to_owned(),
    };
    let meta = PageMeta::new(
        &state,
        "/",
        "Practice technical interviews with working engineers · 508.dev",
        description,
    );
    let organisation = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "508.dev",
        "legalName": "508.dev LLC",
        "url": state.config.public_base_url,
        "description": "An engineer-owned co-op whose members give paid practice technical interviews with feedback.",
        "email": "hello@508.dev",
    });
    let content = HomeContent {
        featured: home.featured.into_iter().map(CardView::from).collect(),
        testimonials: home
            .testimonials
            .into_iter()
            .map(|t| TestimonialView {
                interviewer_url: t.interviewer_slug.map(|slug| paths::interviewer(&slug)),
                interviewer_name: t.interviewer_name,
                quote: t.quote,
                author: t.author,
                context: t.context,
            })
            .collect(),
        companies: home
            .companies
            .into_iter()
            .map(|c| CompanyView {
                name: c.name,
                logo_url: c.logo_url,
            })
            .collect(),
        price_from,
        interviewer_count: home.interviewer_count,
    };
    state.render(
        "public/home.html",
        None,
        &Page::new(meta, content).nav("home").json_ld(organisation),
    )
}
