//! Integration tests: the real router on a random port, driven over HTTP, against a fresh
//! PostgreSQL database per test (`#[sqlx::test]` applies `migrations/`).

mod admin;
mod authz;
mod booking;
mod booking_page;
mod booking_support;
mod checkout_races;
mod claims;
mod earnings;
mod fakes;
mod faults;
mod hardening;
mod helpers;
mod outcomes;
mod overview;
mod page_cache;
mod personas;
mod promotions;
mod properties;
mod public_site;
mod query_counts;
mod reports;
mod reviews;
