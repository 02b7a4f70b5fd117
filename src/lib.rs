//! The 508.dev Interview Service: a public site where customers find engineers and book paid
//! practice interviews, and a panel where each interviewer manages their own profile.
//!
//! Reading order: `migrations/` (the schema), then [`routes`] (every URL and its handler),
//! then [`web`] (handlers by audience). Imports go one way:
//! [`domain`] <- [`db`] <- [`booking`] / [`integrations`] / [`jobs`] <- [`web`]; nothing imports
//! `web` except [`routes`] and [`startup`].
//!
//! - [`config`]: typed settings from environment variables.
//! - [`telemetry`]: logs and the per-request SQL query counter.
//! - [`startup`]: builds the state, router and middleware; shared by `main` and the tests.
//! - [`error`]: the one error type and how it renders.
//! - [`templates`], [`assets`]: minijinja environment and static files.
//! - [`auth`]: password hashing, tokens and encryption of stored secrets.
//! - [`booking`]: the booking lifecycle, the one owner of every status change.
//! - [`integrations`]: Stripe, cal.com, object storage and SMTP clients.
//! - [`jobs`]: the outbox worker, hold expiry and payment reconciliation.

pub mod assets;
pub mod auth;
pub mod booking;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod integrations;
pub mod jobs;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod templates;
pub mod web;
