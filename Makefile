# The README's contract: `make run` serves the site, `make test` runs every test.
# Both do their own set-up (npm packages, assets, database, Chromium for the browser tests).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_ADMIN_URL ?= postgres://postgres:postgres@$(PG_HOST):$(PG_PORT)/postgres
# `#[sqlx::test]` creates a fresh database per test on this server.
TEST_DATABASE_URL ?= $(PG_ADMIN_URL)
E2E_PORT ?= 8123
E2E_DB ?= interview_service_e2e
E2E_DATABASE_URL ?= postgres://postgres:postgres@$(PG_HOST):$(PG_PORT)/$(E2E_DB)
SQLX_DATABASE_URL ?= postgres://postgres:postgres@$(PG_HOST):$(PG_PORT)/interview_service_sqlx
CHROMIUM ?= /usr/bin/chromium
# The staff account the browser tests sign in with (a throwaway test database).
E2E_STAFF_EMAIL ?= staff@e2e.test
E2E_STAFF_PASSWORD ?= e2e staff passphrase

# Queries are checked at compile time against `.sqlx/`, never against a live database, so a
# developer's DATABASE_URL can't change what compiles. `make sqlx-prepare` refreshes `.sqlx/`.
export SQLX_OFFLINE := true

.PHONY: help run test test-rust test-e2e lint deny audit assets npm-deps postgres chromium sqlx-prepare bench clean

help:
	@echo "make run     set everything up and serve the site on http://localhost:$${PORT:-8000}"
	@echo "make test    set everything up and run all tests (Rust unit + integration, Playwright)"
	@echo "make lint    cargo fmt --check, clippy -D warnings, tsc --noEmit"
	@echo "make deny    licences, banned crates, sources (part of make test)"
	@echo "make audit   security advisories for Rust and npm dependencies (needs the network)"
	@echo "make sqlx-prepare   refresh .sqlx/ after changing a query or migration"
	@echo "make bench   release build under load (wrk) plus Lighthouse; writes bench/out/report.md"

## Set-up ----------------------------------------------------------------------------------

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

npm-deps: node_modules/.package-lock.json

assets: npm-deps
	npm run build

# PostgreSQL must answer on $(PG_HOST):$(PG_PORT); start the local cluster when it is
# installed but stopped (Debian's pg_ctlcluster), otherwise say what to do.
postgres:
	@if ! pg_isready -q -h $(PG_HOST) -p $(PG_PORT) 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then \
	    echo "starting the local PostgreSQL cluster"; \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n1) main start; \
	    for i in $$(seq 1 30); do pg_isready -q -h $(PG_HOST) -p $(PG_PORT) && break; sleep 1; done; \
	  fi; \
	fi
	@pg_isready -q -h $(PG_HOST) -p $(PG_PORT) 2>/dev/null || { \
	  echo "PostgreSQL is not reachable at $(PG_HOST):$(PG_PORT)."; \
	  echo "Start it, or run: docker compose -f compose.dev.yaml up -d"; exit 1; }

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

## Run -------------------------------------------------------------------------------------

# Serves on PORT (default 8000) with live reload: esbuild rebuilds CSS/TS on change, the
# server reloads templates, and open pages refresh.
run: assets postgres
	cargo build
	@trap 'kill 0' EXIT INT TERM; \
	npm run --silent watch & \
	./target/debug/interview-service

## Tests -----------------------------------------------------------------------------------

test: lint deny test-rust test-e2e

lint: npm-deps
	cargo fmt --check
	cargo clippy --all-targets --locked -- -D warnings
	npm run --silent typecheck

# Licences, banned crates (no OpenSSL next to our one TLS stack) and sources (crates.io
# only), from deny.toml. Offline-safe: the advisory database needs the network (make audit).
CARGO_DENY_VERSION := 0.20.2
deny:
	@command -v cargo-deny >/dev/null || cargo install cargo-deny --locked --version $(CARGO_DENY_VERSION)
	cargo deny --log-level error check licenses bans sources

# Needs the network (the RustSec advisory database, the npm advisory endpoint): run it on a
# connected machine, not in the offline test run.
audit: npm-deps
	@command -v cargo-deny >/dev/null || cargo install cargo-deny --locked --version $(CARGO_DENY_VERSION)
	cargo deny check advisories
	npm audit --audit-level=high

test-rust: assets postgres
	DATABASE_URL=$(TEST_DATABASE_URL) scripts/with-test-services cargo test --locked --all-targets

# The browser tests run against the real server on a freshly seeded database.
test-e2e: assets postgres chromium
	cargo build --locked
	psql "$(PG_ADMIN_URL)" -q -c 'drop database if exists $(E2E_DB) with (force)' -c 'create database $(E2E_DB)'
	echo '$(E2E_STAFF_PASSWORD)' | DATABASE_URL=$(E2E_DATABASE_URL) DATA_DIR=test-results/data \
	  ./target/debug/interview-service create-staff --email $(E2E_STAFF_EMAIL) --name "Sam Staff"
	E2E_STAFF_EMAIL=$(E2E_STAFF_EMAIL) E2E_STAFF_PASSWORD='$(E2E_STAFF_PASSWORD)' E2E_PORT=$(E2E_PORT) E2E_DATABASE_URL=$(E2E_DATABASE_URL) CHROMIUM=$(CHROMIUM) \
	  scripts/with-test-services npx playwright test $(PLAYWRIGHT_ARGS)

## Benchmark (not part of the tests) ------------------------------------------------------

# Release build, 500 and 5,000 interviewers, two instances, wrk from a separate process,
# freshness under load, Lighthouse on three pages.
bench: assets postgres chromium
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }
	cargo build --release --locked
	CHROMIUM=$(CHROMIUM) PG_ADMIN_URL=$(PG_ADMIN_URL) python3 bench/run.py

## Maintenance -----------------------------------------------------------------------------

# Regenerates the compile-time query data in .sqlx/ from a scratch database.
sqlx-prepare: postgres
	psql "$(PG_ADMIN_URL)" -q -c 'drop database if exists interview_service_sqlx with (force)' -c 'create database interview_service_sqlx'
	for f in migrations/*.sql; do psql "$(SQLX_DATABASE_URL)" -q -v ON_ERROR_STOP=1 -f $$f; done
	rm -rf .sqlx && mkdir .sqlx && touch src/lib.rs
	SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$(CURDIR)/.sqlx DATABASE_URL=$(SQLX_DATABASE_URL) cargo check --tests
	psql "$(PG_ADMIN_URL)" -q -c 'drop database interview_service_sqlx'

clean:
	cargo clean
	rm -rf node_modules static/dist test-results playwright-report
