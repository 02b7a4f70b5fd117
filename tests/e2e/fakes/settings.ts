// Addresses and secrets the browser tests share: playwright.config.ts gives them to the app,
// global-setup.ts starts the fakes on them, and the specs talk to the fakes through them.
// Fixed loopback ports: the app reads its settings once, when Playwright starts it.

export const APP_PORT = Number(process.env.E2E_PORT ?? 8123);
export const APP_BASE_URL = `http://127.0.0.1:${APP_PORT}`;

export const STRIPE_PORT = Number(process.env.E2E_STRIPE_PORT ?? 8124);
export const STRIPE_BASE_URL = `http://127.0.0.1:${STRIPE_PORT}`;
export const STRIPE_SECRET_KEY = "sk_test_e2e";
export const STRIPE_WEBHOOK_SECRET = "whsec_e2e";

export const CALCOM_PORT = Number(process.env.E2E_CALCOM_PORT ?? 8125);
export const CALCOM_API_BASE_URL = `http://127.0.0.1:${CALCOM_PORT}`;
export const CALCOM_API_KEY = "cal_test_e2e";
export const CALCOM_WEBHOOK_SECRET = "cal_whsec_e2e";
/** Never resolved: every request to it is answered by the embed double (page.route). */
export const CALCOM_EMBED_ORIGIN = "http://cal.embed.test";

/**
 * The cal.com event types the fake account owns, by cal link. The demo seed (seed/demo.sql)
 * gives nobody a calendar; the `calendars` setup (calendars.setup.ts) has staff save these
 * for Ada and Tomasz in the admin panel, which looks them up here and derives the cal link.
 * Both require confirmation, so new bookings are pending.
 */
export const CAL_EVENT_TYPES: Record<string, { id: number; title: string; lengthInMinutes: number }> = {
  "ada-lindqvist/practice-interview": { id: 1000001, title: "Practice interview", lengthInMinutes: 90 },
  "tomasz-wierzba/backend-practice": { id: 1000002, title: "Backend practice interview", lengthInMinutes: 90 },
};
