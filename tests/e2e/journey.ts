// A customer's booking made through the public flow, in one call, for specs that need a
// real paid booking to work with (the admin panel). booking.spec.ts checks each step.
import { randomBytes } from "node:crypto";

import { expect, type Page } from "@playwright/test";

import { installCalEmbed } from "./fakes/cal-embed";
import { mailTo } from "./fakes/inspect";

/** The staff account `make test-e2e` creates (create-staff). */
export const STAFF_EMAIL = process.env.E2E_STAFF_EMAIL ?? "staff@e2e.test";
export const STAFF_PASSWORD = process.env.E2E_STAFF_PASSWORD ?? "e2e staff passphrase";

/** Signs in to the admin panel and lands on the bookings page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/admin/login");
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill(password);
  await page.getByRole("button", { name: /Sign in/ }).click();
  await expect(page).toHaveURL(/\/admin\/bookings/);
}

export function uniqueAddress(who: string): string {
  return `e2e-${who}-${randomBytes(6).toString("hex")}@example.com`;
}

/** A small but well-formed PDF. */
export function pdf(): Buffer {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
      "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
      "trailer << /Root 1 0 R >>\n%%EOF\n",
  );
}

/** Opens `time`'s details form in the embed's booker (cal.com's page in the iframe). The tap
 *  is repeated while the form does not come, as a person would tap again: seen in CI, a
 *  click into the frame on an emulated phone, right after a full-page screenshot, reported
 *  done while the booker never received it, every time for 15 s. So the retries go through
 *  the other input paths too: a touch tap (phones), then the click event itself, which
 *  reaches the button whatever the emulated viewport's hit-testing thinks. */
export async function openSlot(page: Page, time: string): Promise<void> {
  const booker = page.frameLocator('iframe[title="Book a call"]');
  // Once the calendar is up, the loading line above it goes and the frame moves: a click
  // aimed before that lands beside the button.
  await expect(page.locator(".calendar-frame--ready")).toBeVisible();
  const name = booker.getByLabel("Your name");
  const slot = booker.getByRole("button", { name: time });
  const hasTouch = (await page.evaluate(() => navigator.maxTouchPoints)) > 0;
  let attempt = 0;
  await expect(async () => {
    if (!(await name.isVisible())) {
      attempt += 1;
      if (attempt === 1) await slot.click({ timeout: 2_000 });
      else if (attempt === 2 && hasTouch) await slot.tap({ timeout: 2_000 });
      else await slot.dispatchEvent("click");
    }
    await expect(name).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

export interface Customer {
  name: string;
  email: string;
  background: string;
  focus: string;
}

/** Books `slug`'s next slot as `customer`, fills in the details with a resume, pays (with
 *  `promotionCode` if given), and waits for the confirmed thank-you page. Returns our
 *  booking id. */
export async function bookAndPay(
  page: Page,
  slug: string,
  customer: Customer,
  hostEmail: string,
  promotionCode?: string,
): Promise<string> {
  await installCalEmbed(page, { hostEmail });
  await page.goto(`/interviewers/${slug}/book`);
  const booker = page.frameLocator('iframe[title="Book a call"]');
  await openSlot(page, "10:00");
  await booker.getByLabel("Your name").fill(customer.name);
  await booker.getByLabel("Email address").fill(customer.email);
  await booker.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/bookings\/[a-z0-9]+\/details$/, { timeout: 15_000 });
  const bookingId = /\/bookings\/([a-z0-9]+)\/details$/.exec(page.url())?.[1] ?? "";

  const main = page.getByRole("main");
  await main.getByLabel("Your name").fill(customer.name);
  await main.getByLabel("Email", { exact: true }).fill(customer.email);
  await main.getByLabel("Your background").fill(customer.background);
  await main.getByLabel("What do you want to be interviewed on?").fill(customer.focus);
  await main.getByLabel(/Your resume/).setInputFiles({ name: "cv.pdf", mimeType: "application/pdf", buffer: pdf() });
  await main.getByRole("button", { name: /Continue to payment/ }).click();
  if (promotionCode) await page.getByLabel("Promotion code").fill(promotionCode);
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.locator("[data-payment]")).toHaveAttribute("data-payment", "confirmed", { timeout: 15_000 });
  return bookingId;
}

/** Waits until `address` has `count` emails and returns them. */
export async function waitForMail(address: string, count: number) {
  await expect
    .poll(async () => (await mailTo(address)).length, { timeout: 20_000, message: `mail to ${address}` })
    .toBeGreaterThanOrEqual(count);
  return mailTo(address);
}

/** The first link to our site in an email's text. */
export function linkIn(text: string, base: string): string {
  const match = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\S+`).exec(text);
  expect(match, "a link in the email").toBeTruthy();
  return match?.[0] ?? "";
}
