//! Logging, and the per-request SQL query counter behind the `Server-Timing` header.
//!
//! Logs are human-readable in development and JSON lines in production (`LOG_FORMAT`); the
//! level comes from `RUST_LOG` (default `info`). Never log secrets, emails or names.
//!
//! The query counter answers "how many SQL statements did this request run?", which tests and
//! `make bench` check against the two-queries-per-page goal. sqlx reports every statement as a
//! `sqlx::query` tracing event from inside the task that awaited it; [`QueryCountLayer`] adds
//! each one to a task-local tally that [`server_timing`] opens per request.

use std::cell::Cell;

use axum::{extract::Request, http::HeaderValue, middleware::Next, response::Response};
use tracing::{Event, Subscriber, field::Visit};
use tracing_subscriber::{
    EnvFilter, Layer, filter::Targets, layer::Context, layer::SubscriberExt,
    util::SubscriberInitExt,
};

use crate::config::LogFormat;

/// Installs the global subscriber. `count_queries` adds the query counter; without it, sqlx
/// does not even format its statement events.
pub fn init(format: LogFormat, count_queries: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = match format {
        LogFormat::Pretty => tracing_subscriber::fmt::layer().compact().boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .boxed(),
    };
    let counter = count_queries.then(|| {
        QueryCountLayer
            .with_filter(Targets::new().with_target("sqlx::query", tracing::Level::TRACE))
    });
    // `try_init` so that tests, which build several apps in one process, can call it freely.
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(counter)
        .try_init();
}

tokio::task_local! {
    static QUERIES: QueryTally;
}

#[derive(Default)]
struct QueryTally {
    count: Cell<u32>,
    seconds: Cell<f64>,
}

/// Counts `sqlx::query` events into the tally of the request being served, if any.
///
/// Not counted: sqlx's own lookups of our enum types in the catalogue (`pg_catalog.pg_type`,
/// `pg_catalog.pg_enum`), which it runs once per connection the first time a statement uses
/// `booking_status`, `tag_kind` or `session_outcome`. They belong to the connection, not to
/// the page that happened to be first on it. (The application itself never reads
/// `pg_catalog`.)
pub struct QueryCountLayer;

/// Whether a statement is one of sqlx's type-catalogue lookups (see [`QueryCountLayer`]).
fn is_type_lookup(sql: &str) -> bool {
    sql.contains("pg_catalog.pg_") || sql.contains("::regtype::oid")
}

impl<S: Subscriber> Layer<S> for QueryCountLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        #[derive(Default)]
        struct Statement {
            elapsed_secs: f64,
            type_lookup: bool,
        }
        impl Visit for Statement {
            fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
                if field.name() == "elapsed_secs" {
                    self.elapsed_secs = value;
                }
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if matches!(field.name(), "summary" | "db.statement") && is_type_lookup(value) {
                    self.type_lookup = true;
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut statement = Statement::default();
        event.record(&mut statement);
        if statement.type_lookup {
            return;
        }
        let _ = QUERIES.try_with(|tally| {
            tally.count.set(tally.count.get() + 1);
            tally
                .seconds
                .set(tally.seconds.get() + statement.elapsed_secs);
        });
    }
}

/// Middleware: runs the request inside a fresh tally and reports it as
/// `Server-Timing: sql;desc="N queries";dur=MS`.
pub async fn server_timing(request: Request, next: Next) -> Response {
    let (mut response, count, seconds) = QUERIES
        .scope(QueryTally::default(), async {
            let response = next.run(request).await;
            let (count, seconds) = QUERIES.with(|t| (t.count.get(), t.seconds.get()));
            (response, count, seconds)
        })
        .await;
    let value = format!("sql;desc=\"{count} queries\";dur={:.2}", seconds * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append("server-timing", value);
    }
    response
}

/// Reads the query count back out of a `Server-Timing` header value (tests and bench).
pub fn queries_in_server_timing(header: &str) -> Option<u32> {
    header
        .split(',')
        .map(str::trim)
        .find(|metric| metric.starts_with("sql;"))?
        .split("desc=\"")
        .nth(1)?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_query_count_from_header() {
        assert_eq!(
            queries_in_server_timing("sql;desc=\"2 queries\";dur=1.20"),
            Some(2)
        );
        assert_eq!(
            queries_in_server_timing("app;dur=3, sql;desc=\"0 queries\";dur=0.00"),
            Some(0)
        );
        assert_eq!(queries_in_server_timing("app;dur=3"), None);
    }
}
