// Browser tests: the real server (debug build) on a freshly seeded database, driven in
// Debian's Chromium. `make test-e2e` creates the database, starts the S3 and SMTP test
// servers (scripts/with-test-services) and sets the variables below. The SaaS we cannot reach
// offline are faked at the HTTP boundary: Stripe and the cal.com API by servers that
// tests/e2e/global-setup.ts starts, the cal.com embed by a double each spec installs.
import { defineConfig, devices } from "@playwright/test";

import {
  APP_BASE_URL as baseURL,
  APP_PORT as port,
  CALCOM_API_BASE_URL,
  CALCOM_API_KEY,
  CALCOM_EMBED_ORIGIN,
  CALCOM_WEBHOOK_SECRET,
  STRIPE_BASE_URL,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
} from "./tests/e2e/fakes/settings";

const databaseUrl =
  process.env.E2E_DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/interview_service_e2e";

/** The real mail and object storage servers, when scripts/with-test-services started them. */
const testServices: Record<string, string> = {};
if (process.env.TEST_SMTP_URL) testServices.SMTP_URL = process.env.TEST_SMTP_URL;
if (process.env.TEST_S3_ENDPOINT) {
  Object.assign(testServices, {
    S3_ENDPOINT: process.env.TEST_S3_ENDPOINT,
    S3_BUCKET: "interview-test",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
  });
}

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  globalSetup: "./tests/e2e/global-setup.ts",
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      // No network beyond loopback here: keep Chromium from phoning home at start.
      args: [
        "--no-sandbox",
        "--headless=new",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // The demo catalogue has no calendars: staff save two first, as on the real site.
    { name: "calendars", testMatch: /calendars\.setup\.ts$/, use: { browserName: "chromium" } },
    {
      name: "desktop",
      dependencies: ["calendars"],
      use: { browserName: "chromium", viewport: { width: 1280, height: 800 } },
    },
    { name: "phone", dependencies: ["calendars"], use: { ...devices["Pixel 7"], browserName: "chromium" } },
  ],
  webServer: {
    // E2E_SERVER_BINARY: a build elsewhere (another CARGO_TARGET_DIR).
    command: process.env.E2E_SERVER_BINARY ?? "./target/debug/interview-service",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      PUBLIC_BASE_URL: baseURL,
      DATABASE_URL: databaseUrl,
      SEED_DEMO: "true",
      LIVE_RELOAD: "false",
      DATA_DIR: "test-results/data",
      RUST_LOG: "warn",
      RUN_WORKER: "true",
      // Each test is its own visitor (helpers.ts gives it an X-Forwarded-For address), as
      // customers are: the per-client limits then count one test's requests, not the suite's.
      TRUSTED_PROXIES: "127.0.0.1/32",
      STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: STRIPE_BASE_URL,
      // The fake hosted Checkout page lives there too (the CSP form-action of the details page).
      STRIPE_CHECKOUT_ORIGIN: STRIPE_BASE_URL,
      CALCOM_API_KEY,
      CALCOM_WEBHOOK_SECRET,
      CALCOM_API_BASE: CALCOM_API_BASE_URL,
      CALCOM_EMBED_ORIGIN,
      ...testServices,
    },
  },
});
