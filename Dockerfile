# syntax=docker/dockerfile:1
#
# Production image of the 508.dev Interview Service.
#
#   assets   (node)   npm ci + npm run build  -> static/dist/
#   build    (rust)   cargo build --release   -> one self-contained binary
#   runtime  (debian) the binary, CA certificates and an unprivileged user, nothing else
#
# Build with BuildKit (the default builder of current Docker and of Coolify):
#   docker build -t interview-service .
# The RUN --mount=type=cache lines below need it.

# ---------------------------------------------------------------------------
# Stage 1: front-end assets.
# build.rs embeds static/dist/ into the binary, so the bundle must exist before
# `cargo build`. Nothing from this stage except static/dist/ reaches the image.
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src

# Manifests first: the `npm ci` layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
RUN --mount=type=cache,id=interview-service-npm,target=/root/.npm \
    npm ci --no-audit --no-fund

# The sources the bundler reads. static/dist/ is in .dockerignore, so a stale
# local bundle never gets in. `tsconfig.jso[n]` is a pattern so the COPY still
# works if the project has no tsconfig.json (BuildKit allows an empty match).
COPY tsconfig.jso[n] ./
COPY ts ./ts
COPY static ./static
RUN npm run build

# ---------------------------------------------------------------------------
# Stage 2: the Rust binary.
# ---------------------------------------------------------------------------
FROM rust:1.95-bookworm AS build
WORKDIR /src

# Queries are checked at compile time against the committed .sqlx/ data, so the
# build needs no database.
ENV SQLX_OFFLINE=true

COPY Cargo.toml Cargo.lock build.rs ./
COPY .sqlx ./.sqlx
COPY migrations ./migrations
COPY seed ./seed
COPY templates ./templates
COPY static ./static
COPY --from=assets /src/static/dist ./static/dist
COPY src ./src

# Caching: the crates.io registry and target/ live in BuildKit cache mounts that
# survive between builds, so a code change recompiles this crate only, not all of
# its dependencies.
#
# Two things keep that correct:
# - Cargo decides whether our own crate is stale by comparing source mtimes with
#   the artifacts in target/. A cached target/ can hold artifacts NEWER than the
#   sources just copied in (e.g. rebuilding an older commit), and Cargo would then
#   reuse a stale binary or stale embedded assets. Touching build.rs and src/
#   makes this crate (and its build script, which embeds static/dist/ and
#   templates/) always rebuild; dependencies are fingerprinted by version and
#   features, not mtime, so they stay cached.
# - A cache mount is not part of the image layer, so the binary is copied out of
#   target/ inside the same RUN. sharing=locked serialises concurrent builds that
#   would otherwise write the same target/ at once.
RUN --mount=type=cache,id=interview-service-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=interview-service-cargo-git,target=/usr/local/cargo/git/db,sharing=locked \
    --mount=type=cache,id=interview-service-target,target=/src/target,sharing=locked \
    set -eux; \
    touch build.rs; \
    find src -type f -exec touch {} +; \
    cargo build --release --locked; \
    install -D -m 0755 target/release/interview-service /out/interview-service

# ---------------------------------------------------------------------------
# Stage 3: runtime.
# Same Debian release as the build stage, so the binary's glibc matches.
# TLS to Stripe, cal.com and SMTP goes through rustls with its own root store;
# ca-certificates stays for anything that reads the system store.
# No curl or wget: the healthcheck is a subcommand of the binary itself.
# ---------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# An unprivileged user (uid/gid 10001) and DATA_DIR, the one writable place.
# /app/data exists in the image owned by that user, so a fresh named volume
# mounted there inherits the ownership and the app can write to it.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid 10001 app; \
    useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app; \
    install -d -o app -g app -m 0750 /app/data

WORKDIR /app
# Owned by root and not writable by the app user.
COPY --from=build /out/interview-service /app/interview-service

# Production defaults; compose.yaml (or `docker run -e`) sets the rest.
# No VOLUME instruction: it would create an anonymous volume on every plain
# `docker run`; compose.yaml mounts a named volume at /app/data instead.
ENV APP_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/data

USER 10001:10001
EXPOSE 8000

# `interview-service healthcheck` GETs http://127.0.0.1:$PORT/healthz and exits
# 0 or 1; /healthz answers 200 only when the database does. start-period covers
# the migrations that run at startup.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["/app/interview-service", "healthcheck"]

# The binary is PID 1: it must handle SIGTERM itself (graceful shutdown), which
# `docker stop` and every redeploy send.
CMD ["/app/interview-service"]
