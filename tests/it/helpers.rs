//! Test harness: `spawn_app` and builders for the catalogue.

use std::sync::Once;

use interview_service::{
    config::{Config, LogFormat},
    startup::Application,
    telemetry,
    web::AppState,
};
use reqwest::{StatusCode, header::HeaderMap};
use scraper::{Html, Selector};
use sqlx::PgPool;

pub const BASE_URL: &str = "http://interviews.test";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
    pub state: AppState,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Trimmed, whitespace-collapsed text of every node matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }

    pub fn count(&self, selector: &str) -> usize {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html().select(&selector).count()
    }

    /// Names on the interviewer cards, in page order.
    pub fn card_names(&self) -> Vec<String> {
        self.texts("[data-testid=interviewer-card] [data-testid=card-name]")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn sql_queries(&self) -> u32 {
        let header = self.header("server-timing").expect("Server-Timing header");
        telemetry::queries_in_server_timing(header).expect("sql metric in Server-Timing")
    }
}

static TELEMETRY: Once = Once::new();

/// The test configuration, with `overrides` on top (a value of "" unsets a variable).
pub fn test_config(overrides: &[(&str, &str)]) -> Config {
    let data_dir = std::env::temp_dir().join("interview-service-tests");
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(move |name| {
        if let Some((_, value)) = overrides.iter().find(|(k, _)| k == name) {
            return Some(value.clone());
        }
        Some(
            match name {
                "PORT" => "0",
                "PUBLIC_BASE_URL" => BASE_URL,
                "SERVER_TIMING" => "true",
                "LIVE_RELOAD" => "false",
                "SEED_DEMO" => "false",
                "RUN_WORKER" => "false",
                "DATA_DIR" => return Some(data_dir.display().to_string()),
                _ => return None,
            }
            .to_owned(),
        )
    })
    .expect("test config")
}

pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, &[]).await
}

pub async fn spawn_app_with(pool: PgPool, overrides: &[(&str, &str)]) -> TestApp {
    // The query counter must be installed for Server-Timing to count anything. Logs stay
    // quiet unless asked for (RUST_LOG=info cargo test ...): tests provoke failures on purpose.
    TELEMETRY.call_once(|| {
        if std::env::var_os("RUST_LOG").is_none() {
            // SAFETY: runs once, before any test spawns threads that read the environment.
            unsafe { std::env::set_var("RUST_LOG", "off") };
        }
        telemetry::init(LogFormat::Pretty, true)
    });
    let app = Application::build_with_pool(test_config(overrides), pool.clone())
        .await
        .expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        pool,
        state,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A POST as a browser on our own site sends it (passing the CSRF origin check).
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(self.url(path)).header("Origin", BASE_URL)
    }

    /// Runs the jobs this app has queued until none is due (the test apps run no worker of
    /// their own; without SMTP, emails are written to files).
    pub async fn run_jobs(&self) {
        let worker = interview_service::jobs::Worker {
            services: self.state.services.clone(),
            mailer: interview_service::integrations::mail::Mailer::from_config(&self.state.config)
                .expect("a mailer"),
        };
        while worker.run_one().await.expect("the job queue answers") {}
    }

    /// Raises the catalogue version (as any catalogue write does) and lets this app know at
    /// once: the next catalogue page renders cold, from the database.
    pub async fn touch_catalogue(&self) {
        sqlx::query("update catalogue_version set version = version + 1")
            .execute(&self.pool)
            .await
            .unwrap();
        self.state.page_cache.sync(&self.pool).await.unwrap();
    }

    pub async fn page(response: reqwest::Response) -> Page {
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// A request as htmx sends it.
    pub async fn get_htmx(&self, path: &str) -> Page {
        self.get_with(path, &[("HX-Request", "true")]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(format!("{}{}", self.address, path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request sent");
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }
}

/// Inserts a tag and returns its id.
pub async fn tag(pool: &PgPool, kind: &str, slug: &str, name: &str) -> i64 {
    sqlx::query_scalar(
        "insert into tag (kind, slug, name) values ($1::tag_kind, $2, $3) returning tag_id",
    )
    .bind(kind)
    .bind(slug)
    .bind(name)
    .fetch_one(pool)
    .await
    .expect("insert tag")
}

/// Builds an interviewer row with sensible defaults.
pub struct InterviewerBuilder {
    name: String,
    slug: String,
    headline: String,
    rate_minor: i32,
    active: bool,
    featured: bool,
    order: i32,
    tags: Vec<String>,
    roles: Vec<(String, String)>,
    cal_link: Option<String>,
}

pub fn interviewer(name: &str) -> InterviewerBuilder {
    InterviewerBuilder {
        slug: name
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-"),
        name: name.to_owned(),
        headline: format!("{name} interviews for backend roles"),
        rate_minor: 15000,
        active: true,
        featured: false,
        order: 0,
        tags: Vec::new(),
        roles: Vec::new(),
        cal_link: None,
    }
}

impl InterviewerBuilder {
    pub fn rate(mut self, minor: i32) -> Self {
        self.rate_minor = minor;
        self
    }
    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }
    pub fn featured(mut self) -> Self {
        self.featured = true;
        self
    }
    pub fn order(mut self, order: i32) -> Self {
        self.order = order;
        self
    }
    /// Tag slugs; the tags must exist.
    pub fn tags(mut self, slugs: &[&str]) -> Self {
        self.tags = slugs.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn role(mut self, company: &str, role: &str) -> Self {
        self.roles.push((company.to_owned(), role.to_owned()));
        self
    }
    pub fn cal_link(mut self, link: &str) -> Self {
        self.cal_link = Some(link.to_owned());
        self
    }

    pub async fn insert(self, pool: &PgPool) -> i64 {
        let id: i64 = sqlx::query_scalar(
            "insert into interviewer (slug, name, headline, bio, rate_minor, currency, is_active, is_featured, display_order, cal_link)
             values ($1, $2, $3, $4, $5, 'USD', $6, $7, $8, $9) returning interviewer_id",
        )
        .bind(&self.slug)
        .bind(&self.name)
        .bind(&self.headline)
        .bind(format!("First paragraph about {}.\n\nSecond paragraph.", self.name))
        .bind(self.rate_minor)
        .bind(self.active)
        .bind(self.featured)
        .bind(self.order)
        .bind(&self.cal_link)
        .fetch_one(pool)
        .await
        .expect("insert interviewer");
        for slug in &self.tags {
            sqlx::query("insert into interviewer_tag (interviewer_id, tag_id) select $1, tag_id from tag where slug = $2")
                .bind(id)
                .bind(slug)
                .execute(pool)
                .await
                .expect("link tag");
        }
        for (position, (company, role)) in self.roles.iter().enumerate() {
            sqlx::query(
                "insert into work_history_entry (interviewer_id, company, role, period, summary, position)
                 values ($1, $2, $3, '2020 to now', 'Built things.', $4)",
            )
            .bind(id)
            .bind(company)
            .bind(role)
            .bind(position as i32)
            .execute(pool)
            .await
            .expect("insert role");
        }
        id
    }
}

/// A small catalogue used by most tests:
/// - technologies: react, python, rust (rust only on the hidden Hal); subjects: frontend,
///   backend, system-design (nobody)
/// - Ada (react, typescript-free, frontend; featured), Bo (python, backend), Cy (react, python,
///   frontend, backend; featured), Hal (rust, backend; inactive and featured)
pub async fn small_catalogue(pool: &PgPool) {
    for (kind, slug, name) in [
        ("technology", "react", "React"),
        ("technology", "python", "Python"),
        ("technology", "rust", "Rust"),
        ("subject", "frontend", "Frontend"),
        ("subject", "backend", "Backend"),
        ("subject", "system-design", "System Design"),
    ] {
        tag(pool, kind, slug, name).await;
    }
    interviewer("Ada Alpha")
        .order(1)
        .featured()
        .rate(12000)
        .tags(&["react", "frontend"])
        .role("Hooli", "Staff Engineer")
        .role("Initrode", "Engineer")
        .insert(pool)
        .await;
    interviewer("Bo Beta")
        .order(2)
        .rate(18050)
        .tags(&["python", "backend"])
        .insert(pool)
        .await;
    interviewer("Cy Gamma")
        .order(3)
        .featured()
        .tags(&["react", "python", "frontend", "backend"])
        .cal_link("cy/practice")
        .insert(pool)
        .await;
    interviewer("Hal Hidden")
        .order(4)
        .featured()
        .inactive()
        .tags(&["rust", "backend"])
        .insert(pool)
        .await;
}

/// A URL for the database of `pool` (each `#[sqlx::test]` has its own), for processes the
/// test starts itself.
pub async fn database_url_of(pool: &PgPool) -> String {
    let database: String = sqlx::query_scalar("select current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    format!("{}/{database}", base.rsplit_once('/').unwrap().0)
}
