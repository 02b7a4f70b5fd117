//! Typed settings read from environment variables, once, at startup.
//!
//! Every variable is documented in `.env.example`. A wrong value stops startup with a message
//! naming the variable; a missing optional one falls back to a default that suits local
//! development, and production (`APP_ENV=production`) insists on the secrets.

use std::{fmt, net::IpAddr, path::PathBuf};

use anyhow::{Context, bail};

const DEFAULT_DATABASE_URL: &str = "postgres://postgres:postgres@127.0.0.1:5432/interview_service";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// A value that must never reach a log line; `Debug` prints a placeholder.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub environment: Environment,
    pub host: IpAddr,
    pub port: u16,
    /// Scheme, host and optional port the public reaches us at, without a trailing slash.
    /// Used for canonical URLs, the sitemap, links in emails and Stripe's return URLs.
    pub public_base_url: String,
    pub database_url: Secret,
    pub database_max_connections: u32,
    /// Local state for development: the generated secret key, uploaded files (without S3) and
    /// emails (without SMTP).
    pub data_dir: PathBuf,
    pub secret_key: Secret,
    pub log_format: LogFormat,
    /// Fill an empty database with the fictional demo catalogue at startup.
    pub seed_demo: bool,
    /// Add a `Server-Timing` header with the number of SQL queries a request ran and their
    /// time. Used by tests and `make bench`; off in production by default.
    pub server_timing: bool,
    /// Inject the live-reload script and watch templates and assets (debug builds only).
    pub live_reload: bool,
    /// Memory for rendered catalogue pages (`PAGE_CACHE_MB`); 0 turns the cache off.
    pub page_cache_bytes: usize,
    pub stripe: StripeConfig,
    pub calcom: CalcomConfig,
    pub mail: MailConfig,
    pub storage: StorageConfig,
    pub booking: BookingPolicy,
    /// Run the background worker (outbox, expiries, reconciliation) in this process.
    pub run_worker: bool,
    /// Proxies whose `X-Forwarded-For` tells the client's address (for throttling). Empty:
    /// the peer address is the client, whatever the header says.
    pub trusted_proxies: Vec<crate::domain::ip_range::IpRange>,
}

#[derive(Clone, Debug)]
pub struct StripeConfig {
    /// `None`: payments are not configured and the booking page says so.
    pub secret_key: Option<Secret>,
    pub webhook_secret: Option<Secret>,
    pub api_base: String,
    /// Where the hosted Checkout page lives, for the details page's CSP `form-action`.
    pub checkout_origin: String,
    /// Checkout offers a promotion code field (`allow_promotion_codes`).
    pub promotion_codes: bool,
    /// Checkout makes a paid invoice for each payment (`invoice_creation`), for customers
    /// who expense the session; the booking page links it.
    pub invoices: bool,
    /// Checkout lets businesses enter a tax id (VAT number, …) (`tax_id_collection`).
    pub tax_id_collection: bool,
}

#[derive(Clone, Debug)]
pub struct CalcomConfig {
    /// A key that owns every interviewer's event type (team or organisation). Interviewers may
    /// also store their own; without either, booking is not open.
    pub api_key: Option<Secret>,
    pub webhook_secret: Option<Secret>,
    pub api_base: String,
    /// Where the embed script and booking iframe come from (self-hosted cal.com differs).
    pub embed_origin: String,
}

#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `None`: emails are written to `$DATA_DIR/mail` (and logged) instead of sent.
    pub smtp_url: Option<Secret>,
    pub from: String,
}

#[derive(Clone, Debug)]
pub struct StorageConfig {
    /// `None`: files live under `$DATA_DIR/uploads`.
    pub s3: Option<S3Config>,
}

#[derive(Clone, Debug)]
pub struct S3Config {
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<Secret>,
    pub secret_access_key: Option<Secret>,
}

#[derive(Clone, Debug)]
pub struct BookingPolicy {
    /// A customer who cancels at least this long before the start gets a full refund.
    pub refund_window_hours: u32,
    /// A customer may move their booking to another time until this long before the start
    /// (also inside the refund window: a move instead of a cancel without refund).
    pub reschedule_notice_hours: u32,
    /// How long after a held session its customer may claim the money-back guarantee.
    pub guarantee_claim_days: u32,
    /// Whether a customer who did not come may move the booking once, free of charge.
    pub goodwill_reschedule_after_no_show: bool,
    /// How long a slot stays held for a customer who has not paid.
    pub hold_minutes: u32,
    /// The co-op's percentage of each booking's net (paid, less Stripe's fee and refunds);
    /// the interviewer earns the rest (`domain::earnings::shares`).
    pub coop_share_percent: u32,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass a map instead of the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match var("APP_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                bail!("APP_ENV must be `development` or `production`, not `{other}`")
            }
        };
        let production = environment == Environment::Production;

        let host: IpAddr = match var("HOST") {
            Some(h) => h
                .parse()
                .with_context(|| format!("HOST must be an IP address, not `{h}`"))?,
            // Containers must listen on every interface; a laptop should not.
            None if production => IpAddr::from([0, 0, 0, 0]),
            None => IpAddr::from([127, 0, 0, 1]),
        };
        let port: u16 = parse_or(var("PORT"), "PORT", 8000)?;

        let public_base_url = match var("PUBLIC_BASE_URL") {
            Some(url) => parse_base_url(&url)?,
            None if production => bail!("PUBLIC_BASE_URL is required when APP_ENV=production"),
            None => format!("http://localhost:{port}"),
        };

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            bail!("DATABASE_URL must be a postgres:// URL");
        }
        let database_max_connections = parse_or(
            var("DATABASE_MAX_CONNECTIONS"),
            "DATABASE_MAX_CONNECTIONS",
            10,
        )?;
        if database_max_connections == 0 {
            bail!("DATABASE_MAX_CONNECTIONS must be at least 1");
        }

        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".to_owned()));

        let secret_key = match var("SECRET_KEY") {
            Some(key) if key.len() < 32 => bail!("SECRET_KEY must be at least 32 characters long"),
            Some(key) => Secret::new(key),
            None if production => bail!("SECRET_KEY is required when APP_ENV=production"),
            None => Secret::new(load_or_create_dev_secret(&data_dir)?),
        };

        let log_format = match var("LOG_FORMAT").as_deref() {
            None if production => LogFormat::Json,
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("LOG_FORMAT must be `pretty` or `json`, not `{other}`"),
        };

        let seed_demo = parse_bool(var("SEED_DEMO"), "SEED_DEMO", !production)?;
        let server_timing = parse_bool(var("SERVER_TIMING"), "SERVER_TIMING", !production)?;
        let live_reload =
            cfg!(debug_assertions) && parse_bool(var("LIVE_RELOAD"), "LIVE_RELOAD", !production)?;

        // The cache serves rendered pages: with live reload the templates change under it.
        let page_cache_mb: usize = parse_or(var("PAGE_CACHE_MB"), "PAGE_CACHE_MB", 16)?;
        let page_cache_bytes = if live_reload {
            0
        } else {
            page_cache_mb * 1024 * 1024
        };
        if page_cache_bytes > 0 && database_max_connections < 2 {
            bail!(
                "DATABASE_MAX_CONNECTIONS must be at least 2 while the page cache is on: one connection listens for catalogue changes"
            );
        }

        let stripe = StripeConfig {
            secret_key: var("STRIPE_SECRET_KEY").map(Secret::new),
            webhook_secret: var("STRIPE_WEBHOOK_SECRET").map(Secret::new),
            api_base: parse_url(
                var("STRIPE_API_BASE"),
                "STRIPE_API_BASE",
                "https://api.stripe.com",
            )?,
            checkout_origin: parse_url(
                var("STRIPE_CHECKOUT_ORIGIN"),
                "STRIPE_CHECKOUT_ORIGIN",
                "https://checkout.stripe.com",
            )?,
            promotion_codes: parse_bool(
                var("STRIPE_PROMOTION_CODES"),
                "STRIPE_PROMOTION_CODES",
                true,
            )?,
            invoices: parse_bool(var("STRIPE_INVOICES"), "STRIPE_INVOICES", false)?,
            tax_id_collection: parse_bool(
                var("STRIPE_TAX_ID_COLLECTION"),
                "STRIPE_TAX_ID_COLLECTION",
                false,
            )?,
        };
        let calcom = CalcomConfig {
            api_key: var("CALCOM_API_KEY").map(Secret::new),
            webhook_secret: var("CALCOM_WEBHOOK_SECRET").map(Secret::new),
            api_base: parse_url(
                var("CALCOM_API_BASE"),
                "CALCOM_API_BASE",
                "https://api.cal.com",
            )?,
            embed_origin: parse_url(
                var("CALCOM_EMBED_ORIGIN"),
                "CALCOM_EMBED_ORIGIN",
                "https://app.cal.com",
            )?,
        };
        let smtp_url = var("SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            bail!("SMTP_URL must start with smtp:// or smtps://");
        }
        let mail = MailConfig {
            smtp_url: smtp_url.map(Secret::new),
            from: var("MAIL_FROM")
                .unwrap_or_else(|| "508.dev Interviews <interviews@508.dev>".to_owned()),
        };
        if mail.from.parse::<lettre::message::Mailbox>().is_err() {
            bail!("MAIL_FROM must be an address like `508.dev Interviews <interviews@508.dev>`");
        }
        let storage = StorageConfig {
            s3: match var("S3_BUCKET") {
                None => None,
                Some(bucket) => Some(S3Config {
                    endpoint: var("S3_ENDPOINT")
                        .map(|e| parse_url(Some(e), "S3_ENDPOINT", ""))
                        .transpose()?,
                    bucket,
                    region: var("S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
                    access_key_id: var("S3_ACCESS_KEY_ID").map(Secret::new),
                    secret_access_key: var("S3_SECRET_ACCESS_KEY").map(Secret::new),
                }),
            },
        };
        let booking = BookingPolicy {
            refund_window_hours: parse_or(var("REFUND_WINDOW_HOURS"), "REFUND_WINDOW_HOURS", 24)?,
            hold_minutes: parse_or(var("BOOKING_HOLD_MINUTES"), "BOOKING_HOLD_MINUTES", 45)?,
            guarantee_claim_days: parse_or(
                var("GUARANTEE_CLAIM_DAYS"),
                "GUARANTEE_CLAIM_DAYS",
                14,
            )?,
            goodwill_reschedule_after_no_show: parse_bool(
                var("NO_SHOW_GOODWILL_RESCHEDULE"),
                "NO_SHOW_GOODWILL_RESCHEDULE",
                true,
            )?,
            reschedule_notice_hours: parse_or(
                var("RESCHEDULE_NOTICE_HOURS"),
                "RESCHEDULE_NOTICE_HOURS",
                12,
            )?,
            coop_share_percent: parse_or(var("COOP_SHARE_PERCENT"), "COOP_SHARE_PERCENT", 20)?,
        };
        if booking.coop_share_percent > 100 {
            bail!("COOP_SHARE_PERCENT must be between 0 and 100");
        }
        if booking.hold_minutes < 10 {
            bail!(
                "BOOKING_HOLD_MINUTES must be at least 10 (customers need time to fill in the form)"
            );
        }
        let run_worker = parse_bool(var("RUN_WORKER"), "RUN_WORKER", true)?;
        let trusted_proxies = var("TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| {
                crate::domain::ip_range::IpRange::parse(r).with_context(|| {
                    format!("TRUSTED_PROXIES: `{r}` is not an address or a range like 10.0.0.0/8")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;

        Ok(Self {
            stripe,
            calcom,
            mail,
            storage,
            booking,
            run_worker,
            trusted_proxies,
            environment,
            host,
            port,
            public_base_url,
            database_url: Secret::new(database_url),
            database_max_connections,
            data_dir,
            secret_key,
            log_format,
            seed_demo,
            server_timing,
            live_reload,
            page_cache_bytes,
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }
}

fn parse_or<T: std::str::FromStr>(
    value: Option<String>,
    name: &str,
    default: T,
) -> anyhow::Result<T> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| anyhow::anyhow!("{name} has an invalid value `{v}`")),
    }
}

/// An http(s) base URL without a trailing slash.
fn parse_url(value: Option<String>, name: &str, default: &str) -> anyhow::Result<String> {
    let url = value.unwrap_or_else(|| default.to_owned());
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!("{name} must start with http:// or https://, not `{url}`");
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn parse_bool(value: Option<String>, name: &str, default: bool) -> anyhow::Result<bool> {
    match value.as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => bail!("{name} must be `true` or `false`, not `{other}`"),
    }
}

/// Accepts `http(s)://host[:port]` with an optional path prefix, and drops a trailing slash.
fn parse_base_url(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .with_context(|| {
            format!("PUBLIC_BASE_URL must start with http:// or https://, not `{url}`")
        })?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#', ' ']) {
        bail!("PUBLIC_BASE_URL must look like https://interviews.508.dev, not `{url}`");
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// In development the key is generated once and kept in the data folder, so sessions and
/// signed links survive restarts without anyone having to invent a secret.
fn load_or_create_dev_secret(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let path = data_dir.join("secret_key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create DATA_DIR `{}`", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    getrandom(&mut bytes).context("cannot read random bytes for the development SECRET_KEY")?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, &key).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(key)
}

fn getrandom(buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")?.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let dir = std::env::temp_dir().join("interview-service-config-test");
        Config::from_lookup(move |name| {
            if name == "DATA_DIR" {
                return Some(
                    map.get(name)
                        .cloned()
                        .unwrap_or_else(|| dir.display().to_string()),
                );
            }
            map.get(name).cloned()
        })
    }

    #[test]
    fn development_defaults_work_with_nothing_set() {
        let c = config(&[]).unwrap();
        assert_eq!(c.environment, Environment::Development);
        assert_eq!(c.port, 8000);
        assert_eq!(c.public_base_url, "http://localhost:8000");
        assert_eq!(c.database_url.expose(), DEFAULT_DATABASE_URL);
        assert!(c.seed_demo);
        assert!(c.secret_key.expose().len() >= 32);
    }

    #[test]
    fn production_requires_secret_key_and_base_url() {
        let err =
            config(&[("APP_ENV", "production"), ("SECRET_KEY", &"k".repeat(40))]).unwrap_err();
        assert!(err.to_string().contains("PUBLIC_BASE_URL"), "{err}");
        let err = config(&[
            ("APP_ENV", "production"),
            ("PUBLIC_BASE_URL", "https://x.example"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("SECRET_KEY"), "{err}");
        let ok = config(&[
            ("APP_ENV", "production"),
            ("PUBLIC_BASE_URL", "https://x.example/"),
            ("SECRET_KEY", &"k".repeat(40)),
        ])
        .unwrap();
        assert_eq!(ok.public_base_url, "https://x.example");
        assert_eq!(ok.log_format, LogFormat::Json);
        assert!(!ok.seed_demo && !ok.server_timing);
    }

    #[test]
    fn wrong_values_name_the_variable() {
        for (name, value) in [
            ("PORT", "eighty"),
            ("APP_ENV", "staging"),
            ("LOG_FORMAT", "xml"),
            ("SEED_DEMO", "maybe"),
            ("PUBLIC_BASE_URL", "localhost:8000"),
            ("DATABASE_URL", "mysql://x"),
            ("SECRET_KEY", "short"),
            ("HOST", "everywhere"),
            ("STRIPE_API_BASE", "api.stripe.com"),
            ("SMTP_URL", "mail.example.com:25"),
            ("MAIL_FROM", "not an address"),
            ("BOOKING_HOLD_MINUTES", "1"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{name}: {err}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = config(&[("DATABASE_URL", "postgres://u:hunter2@h/db")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
