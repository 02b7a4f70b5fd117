//! The 508.dev Interview Service: a public site where customers find engineers and book paid
//! practice interviews, and a panel where each interviewer manages their own profile.
//!
//! Reading order: `migrations/` (the schema), then [`routes`] (every URL, who may use it and
//! its handler), then [`app`] (one function per use case), then [`web`] (handlers by
//! audience). The layers, and the one way their imports go:
//!
//! ```text
//! domain  <-  db, integrations  <-  app  <-  jobs  <-  web  <-  routes, startup, main
//! ```
//!
//! - [`domain`]: validated types and rules, no I/O (money, statuses, slugs, form limits).
//! - [`db`]: all SQL, typed at the boundary (PostgreSQL enums as Rust enums, `Money`).
//! - [`integrations`]: Stripe, cal.com, object storage and SMTP clients.
//! - [`app`]: the use cases, each with a typed outcome; the booking lifecycle (the one owner
//!   of every status change) lives here. It is `app/` rather than the old `booking/` because
//!   the use cases span accounts, profiles and the catalogue, not only bookings; one layer
//!   for all of them keeps "where does this rule live?" answered the same way.
//! - [`jobs`]: the outbox worker, hold expiry and payment reconciliation (calls `app`).
//! - [`web`]: handlers (parse, call one use case, render), errors as pages, forms, security.
//! - [`paths`]: every internal URL, used by `web`, `app` (emails) and `routes`' tests.
//! - [`config`], [`telemetry`], [`templates`], [`assets`], [`auth`]: settings, logs and the
//!   SQL counter, the minijinja environment, static files, passwords/tokens/encryption.
//! - [`startup`]: builds the state, router and middleware; shared by `main` and the tests.

pub mod app;
pub mod assets;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod integrations;
pub mod jobs;
pub mod paths;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod templates;
pub mod web;
