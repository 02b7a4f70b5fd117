// The booking journey as a customer makes it: pick a time in the cal.com embed, tell the
// interviewer about yourself, pay on Stripe's page, see the booking confirmed, get the email.
// Stripe and the cal.com API are fakes at the HTTP boundary (global-setup.ts), the embed is a
// double of cal.com's loader (fakes/cal-embed.ts); the app, its database, the SMTP server
// (maildev) and the S3 server are real. Every test makes its own addresses: maildev is shared
// by the parallel workers and both projects.
import { randomBytes } from "node:crypto";

import { expect, type Page } from "@playwright/test";

import { installCalEmbed } from "./fakes/cal-embed";
import { calBookings, calCalls, mailTo, stripeDeliveries, stripeSessions } from "./fakes/inspect";
import { APP_BASE_URL, STRIPE_BASE_URL } from "./fakes/settings";
import { expectNoAxeViolations, keepScreenshot, test } from "./helpers";
import { openSlot } from "./journey";

const BOOK_URL = "/interviewers/ada-lindqvist/book";

// The customer's browser is in New York: the booker double books in the browser's zone, so
// the pages (localised by ts/local-time.ts) and the emails (src/domain/when.rs) must show
// the same words for the same slot.
test.use({ timezoneId: "America/New_York" });

/** The site's one date format in New York: "Friday 4 December 2026, 10:00 (America/New_York, UTC-5)". */
const NEW_YORK_TIME = /^[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(America\/New_York, UTC-[45]\)$/;
/** The same instant in UTC, the title of a localised time. */
const UTC_TIME = /^[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(UTC\)$/;

/** What the server and the browser both say about a resume over the limit. */
const TOO_LARGE =
  "This file is over 10 MB. Please choose a smaller PDF: exporting it again with compressed images usually helps.";
const DETAILS_PATH = /\/bookings\/([A-Za-z0-9_-]+)\/details$/;

function uniqueAddress(who: string): string {
  return `e2e-${who}-${randomBytes(6).toString("hex")}@example.com`;
}

/** A small but well-formed PDF, like the one a customer would attach. */
function pdf(): Buffer {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
      "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
      "trailer << /Root 1 0 R >>\n%%EOF\n",
  );
}

/** The page inside the embed's iframe (cal.com's booker). */
function booker(page: Page) {
  return page.frameLocator('iframe[title="Book a call"]');
}

/** Picks the 10:00 slot in the embed and books it; returns our booking id from the URL. */
async function pickSlot(page: Page, customer: { name: string; email: string }): Promise<string> {
  await openSlot(page, "10:00");
  await booker(page).getByLabel("Your name").fill(customer.name);
  await booker(page).getByLabel("Email address").fill(customer.email);
  await booker(page).getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(DETAILS_PATH, { timeout: 15_000 });
  const id = DETAILS_PATH.exec(new URL(page.url()).pathname)?.[1];
  expect(id, "booking id in the details URL").toBeTruthy();
  return id ?? "";
}

function detailsForm(page: Page) {
  const main = page.getByRole("main");
  return {
    name: main.getByLabel("Your name"),
    email: main.getByLabel("Email", { exact: true }),
    background: main.getByLabel("Your background"),
    focus: main.getByLabel("What do you want to be interviewed on?"),
    technology: (name: string) => main.getByRole("checkbox", { name }),
    subject: main.getByLabel(/Interview subject/),
    targetCompanies: main.getByLabel(/Target companies/),
    extra: main.getByLabel(/Anything else/),
    resume: main.getByLabel(/Your resume/),
    submit: main.getByRole("button", { name: /Continue to payment/ }),
  };
}

/** Waits until `address` has received `count` emails, then a little longer to catch extras. */
async function expectMail(address: string, count: number) {
  await expect
    .poll(async () => (await mailTo(address)).length, { timeout: 20_000, message: `mail to ${address}` })
    .toBeGreaterThanOrEqual(count);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const mail = await mailTo(address);
  expect(mail, `exactly ${count} email(s) to ${address}`).toHaveLength(count);
  return mail;
}

test("a customer books, fills in the details, pays and gets the confirmation", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const hostEmail = uniqueAddress("host");
  const customer = { name: "Grace Customer", email: uniqueAddress("customer") };
  const background = "Frontend engineer, five years of React and TypeScript at a fintech.";
  const focus = "A frontend system design round for a senior role.";
  const form = detailsForm(page);
  await installCalEmbed(page, { hostEmail });

  let slotOnPage = "";

  const { bookingId, uid } = await test.step("pick a time in the calendar", async () => {
    await page.goto(BOOK_URL);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Book a practice interview with Ada Lindqvist/);
    await expect(booker(page).getByRole("button", { name: "10:00" })).toBeVisible();
    await expectNoAxeViolations(page, "booking page");
    await keepScreenshot(page, testInfo, "book");
    const bookingId = await pickSlot(page, customer);
    const [calBooking] = await calBookings(hostEmail);
    expect(calBooking?.status).toBe("pending");
    const uid = calBooking?.uid ?? "";
    // The server checked the slot with cal.com itself rather than trusting the browser.
    expect((await calCalls(uid)).filter((c) => c.action === "get" && c.status === 200).length).toBeGreaterThan(0);
    return { bookingId, uid };
  });

  await test.step("details with a mistyped email: the error is at the field, the rest is kept", async () => {
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Ada Lindqvist/);
    const slot = page.locator("time[data-local-time]").first();
    await expect(slot).toHaveText(NEW_YORK_TIME);
    await expect(slot).toHaveText(/, 10:00 \(/); // the slot picked in the embed, in the browser's zone
    await expect(slot).toHaveAttribute("title", UTC_TIME);
    await expect(page.locator("time[data-local-time=time]")).toHaveText(/^\d{2}:\d{2} \(America\/New_York, UTC-[45]\)$/);
    await expectNoAxeViolations(page, "details page");
    await keepScreenshot(page, testInfo, "details");

    await form.name.fill(customer.name);
    await form.email.fill("grace-at-example.com");
    await form.background.fill(background);
    await form.focus.fill(focus);
    await form.technology("TypeScript").check();
    await form.subject.selectOption({ label: "System Design" });
    await form.targetCompanies.fill("Series B startups");
    await form.extra.fill("I freeze on estimation questions.");
    await form.resume.setInputFiles({ name: "grace-cv.pdf", mimeType: "application/pdf", buffer: pdf() });
    await form.submit.click();

    await expect(form.email).toHaveAttribute("aria-invalid", "true");
    const emailError = page.locator("#email-error");
    await expect(emailError).toBeVisible();
    await expect(emailError).not.toBeEmpty();
    await expect(form.email).toHaveAttribute("aria-describedby", /\bemail-error\b/);
    await expect(form.email).toHaveValue("grace-at-example.com");
    await expect(form.name).toHaveValue(customer.name);
    await expect(form.background).toHaveValue(background);
    await expect(form.focus).toHaveValue(focus);
    await expect(form.technology("TypeScript")).toBeChecked();
    await expect(form.subject).toHaveValue("System Design");
    await expect(form.targetCompanies).toHaveValue("Series B startups");
    await expect(form.extra).toHaveValue("I freeze on estimation questions.");
    expect(await stripeSessions(bookingId), "nothing sent to Stripe yet").toHaveLength(0);
    await expectNoAxeViolations(page, "details page with an error");
    await keepScreenshot(page, testInfo, "details-error");
  });

  const sessionId = await test.step("corrected, on to Stripe Checkout", async () => {
    await form.email.fill(customer.email);
    if ((await form.resume.inputValue()) === "") {
      // A file input cannot be refilled by the server: the customer chooses the file again.
      await form.resume.setInputFiles({ name: "grace-cv.pdf", mimeType: "application/pdf", buffer: pdf() });
    }
    await form.submit.click();
    await page.waitForURL(`${STRIPE_BASE_URL}/pay/**`, { timeout: 15_000 });
    await expect(page.getByTestId("amount")).toHaveText("$150.00");
    await expect(page.getByLabel("Email")).toHaveValue(customer.email);
    await keepScreenshot(page, testInfo, "stripe-checkout");

    const sessions = await stripeSessions(bookingId);
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session?.customer_email).toBe(customer.email);
    expect(session?.amount_total).toBe(15000);
    expect(session?.currency).toBe("usd");
    expect(session?.metadata.booking_id).toBe(bookingId);
    expect(session?.success_url).toBe(`${APP_BASE_URL}/bookings/${bookingId}/thanks?session_id={CHECKOUT_SESSION_ID}`);
    expect(session?.cancel_url).toBe(`${APP_BASE_URL}/bookings/${bookingId}/details`);
    expect(session?.custom_text.submit?.message).toMatch(/money-back guarantee/);
    return session?.id ?? "";
  });

  await test.step("pay; the thank-you page confirms the booking", async () => {
    await page.getByRole("button", { name: "Pay" }).click();
    await expect(page).toHaveURL(`${APP_BASE_URL}/bookings/${bookingId}/thanks?session_id=${sessionId}`);
    const status = page.locator("[data-payment]");
    // It may say "processing" first; it updates by itself.
    await expect(status).toHaveAttribute("data-payment", "confirmed", { timeout: 15_000 });
    await expect(status).toContainText("confirmation email");
    // Masked: whoever holds the link sees this page (src/web/public/booking.rs).
    await expect(status).toContainText(`${customer.email.slice(0, 1)}•••@example.com`);
    await expect(status).not.toContainText(customer.email);
    // The swapped-in status block is localised after it settles: wait for it.
    await expect(status.locator("time[data-local-time]")).toHaveText(NEW_YORK_TIME);
    slotOnPage = (await status.locator("time[data-local-time]").textContent()) ?? "";
    await expectNoAxeViolations(page, "thank-you page");
    await keepScreenshot(page, testInfo, "thanks");
    const deliveries = await stripeDeliveries(sessionId);
    expect(deliveries.map((d) => [d.type, d.status])).toContainEqual(["checkout.session.completed", 200]);
  });

  await test.step("the customer and the interviewer get one email each", async () => {
    const [toCustomer] = await expectMail(customer.email, 1);
    expect(toCustomer?.subject).toBe("Confirmed: your practice interview with Ada Lindqvist");
    // Greeted by first name; the time in the words the pages used (one format everywhere).
    expect(toCustomer?.text).toMatch(/^Hi Grace,\n/);
    expect(toCustomer?.html).toContain("<p>Hi Grace,</p>");
    expect(toCustomer?.text).toContain(`When: ${slotOnPage}\n`);
    const [toInterviewer] = await expectMail(hostEmail, 1);
    expect(toInterviewer?.subject).toMatch(/^New practice interview: Grace Customer/);
    expect(toInterviewer?.text).toContain(background);
    expect(toInterviewer?.text).toContain(focus);
    expect(toInterviewer?.text).toContain("TypeScript");
  });

  await test.step("the slot is confirmed in cal.com", async () => {
    await expect
      .poll(async () => (await calCalls(uid)).filter((c) => c.action === "confirm" && c.status === 200).length, {
        timeout: 15_000,
        message: "the app confirms the cal.com booking",
      })
      .toBe(1);
    const calls = await calCalls(uid);
    for (const call of calls) {
      expect(call.authorised, `${call.method} ${call.action} sends the API key`).toBe(true);
      expect(call.apiVersion).toBe("2024-08-13");
    }
    expect(calls.some((c) => c.action === "decline")).toBe(false);
    expect((await calBookings(hostEmail))[0]?.status).toBe("accepted");
  });

  await test.step("the details page now says the booking is paid", async () => {
    await page.goto(`/bookings/${bookingId}/details`);
    await expect(page.getByRole("main").getByRole("link", { name: "Open your booking" })).toBeVisible();
  });
});

test("the booking page offers a way to book by email when the calendar cannot load", async ({ page }, testInfo) => {
  await installCalEmbed(page, { hostEmail: uniqueAddress("host"), loader: "abort" });
  await page.goto(BOOK_URL);
  const error = page.locator("[data-cal-error]");
  await expect(error).toBeVisible({ timeout: 15_000 });
  await expect(error).toContainText("did not load");
  await expect(error.getByRole("link", { name: "hello@508.dev" })).toHaveAttribute("href", /^mailto:hello@508\.dev/);
  await expect(page.locator("[data-cal-loading]")).toBeHidden();
  await expectNoAxeViolations(page, "booking page, calendar failed");
  await keepScreenshot(page, testInfo, "book-embed-failed");
});

test("a resume that is not a PDF is refused next to the field, and nothing is charged", async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  const hostEmail = uniqueAddress("host");
  const customer = { name: "Linus Customer", email: uniqueAddress("customer") };
  await installCalEmbed(page, { hostEmail });
  await page.goto(BOOK_URL);
  const bookingId = await pickSlot(page, customer);

  const form = detailsForm(page);
  await form.name.fill(customer.name);
  await form.email.fill(customer.email);
  await form.background.fill("Backend engineer.");
  await form.focus.fill("Algorithms.");
  const resumeError = page.locator("#resume-error");

  // A text file: the page says so before anything is sent.
  await form.resume.setInputFiles({
    name: "resume.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("Ten years of experience.\n"),
  });
  await form.submit.click();
  await expect(form.resume).toHaveAttribute("aria-invalid", "true");
  await expect(resumeError).toBeVisible();
  await expect(resumeError).toContainText("PDF");
  await expect(form.resume).toHaveAttribute("aria-describedby", /\bresume-error\b/);
  await expectNoAxeViolations(page, "details page, resume refused in the browser");
  await keepScreenshot(page, testInfo, "details-resume-error");

  // Over 10 MB: the browser's check says what the server would (it says "over", not a size).
  const big = Buffer.concat([pdf(), Buffer.alloc(11 * 1024 * 1024, 0x20)]);
  await form.resume.setInputFiles({ name: "resume.pdf", mimeType: "application/pdf", buffer: big });
  await expect(resumeError).toHaveText(TOO_LARGE);
  await expect(form.resume).toHaveAttribute("data-too-large", TOO_LARGE);
  await form.submit.click();
  await expect(resumeError).toHaveText(TOO_LARGE);
  expect(await stripeSessions(bookingId), "nothing sent").toHaveLength(0);

  // A file that only claims to be a PDF: the server looks at its content.
  await form.resume.setInputFiles({
    name: "resume.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("PK\u0003\u0004 this is a zip archive, not a PDF"),
  });
  await form.submit.click();
  await expect(resumeError).toContainText("not a PDF");
  await expect(form.resume).toHaveAttribute("aria-invalid", "true");
  await expect(form.background).toHaveValue("Backend engineer.");
  await expect(form.email).toHaveValue(customer.email);
  await expect(page).toHaveURL(DETAILS_PATH);
  expect(await stripeSessions(bookingId), "nothing sent to Stripe").toHaveLength(0);
  await expectNoAxeViolations(page, "details page, resume refused by the server");
  await keepScreenshot(page, testInfo, "details-resume-error-server");
});

test("coming back from Checkout to change the email leaves one payable session", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const hostEmail = uniqueAddress("host");
  const customer = { name: "Ada Backtrack", email: uniqueAddress("customer") };
  const corrected = uniqueAddress("customer");
  await installCalEmbed(page, { hostEmail });
  await page.goto(BOOK_URL);
  const bookingId = await pickSlot(page, customer);

  const form = detailsForm(page);
  await form.name.fill(customer.name);
  await form.email.fill(customer.email);
  await form.background.fill("Frontend engineer.");
  await form.focus.fill("React.");
  await form.resume.setInputFiles({ name: "cv.pdf", mimeType: "application/pdf", buffer: pdf() });
  await form.submit.click();
  await page.waitForURL(`${STRIPE_BASE_URL}/pay/**`);

  // Stripe's back link is the cancel URL: the details page, with what was sent.
  await page.getByRole("link", { name: /Back/ }).click();
  await expect(page).toHaveURL(DETAILS_PATH);
  await expect(form.email).toHaveValue(customer.email);
  await form.email.fill(corrected);
  await form.submit.click();
  await page.waitForURL(`${STRIPE_BASE_URL}/pay/**`);
  await expect(page.getByLabel("Email")).toHaveValue(corrected);

  const sessions = await stripeSessions(bookingId);
  expect(sessions.map((s) => s.status).sort()).toEqual(["expired", "open"]);
  // Stripe reports the expired session by webhook; it must not end the booking.
  const old = sessions.find((s) => s.status === "expired");
  await expect
    .poll(async () => (await stripeDeliveries(old?.id ?? "")).map((d) => [d.type, d.status]))
    .toContainEqual(["checkout.session.expired", 200]);

  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.locator("[data-payment]")).toHaveAttribute("data-payment", "confirmed", { timeout: 15_000 });
  await keepScreenshot(page, testInfo, "thanks-after-correction");
  await expectMail(corrected, 1);
  expect(await mailTo(customer.email)).toHaveLength(0);
  const [calBooking] = await calBookings(hostEmail);
  const calls = await calCalls(calBooking?.uid ?? "");
  expect(calls.filter((c) => c.action === "decline")).toHaveLength(0);
});

test("long fields count their characters live and say when a paste was cut", async ({ page, context }, testInfo) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: APP_BASE_URL });
  await installCalEmbed(page, { hostEmail: uniqueAddress("host") });
  await page.goto(BOOK_URL);
  await pickSlot(page, { name: "Paste Customer", email: uniqueAddress("customer") });
  const form = detailsForm(page);
  const count = (id: string) => page.locator(`#${id}-count`);
  const status = (id: string) => page.locator(`[data-char-count-for="${id}"] [data-char-count-status]`);

  await expect(count("background")).toHaveText("0 / 4,000 characters");
  await expect(count("target_companies")).toHaveText("0 / 500 characters");
  await expect(status("background")).toHaveAttribute("aria-live", "polite");

  // Typing: the count follows at once; screen readers hear it once typing pauses.
  await form.background.pressSequentially("Backend engineer");
  await expect(count("background")).toHaveText("16 / 4,000 characters");
  await expect(status("background")).toHaveText("16 / 4,000 characters");

  // A 20,000-character paste into a field with 4,000 characters of room left in it.
  const pasted = "Ten years of distributed systems. ".repeat(600).slice(0, 20_000);
  await page.evaluate((text) => navigator.clipboard.writeText(text), pasted);
  await form.background.fill("");
  await expect(count("background")).toHaveText("0 / 4,000 characters");
  await form.background.focus();
  await page.keyboard.press("ControlOrMeta+V");
  await expect(form.background).toHaveValue(pasted.slice(0, 4000));
  await expect(count("background")).toHaveText("4,000 / 4,000 characters");
  const cut =
    "Only the first 4,000 of the 20,000 characters you pasted fit (the limit is 4,000), so the rest was cut off. Shorten the text and paste it again.";
  await expect(page.locator("#background-cut")).toHaveText(cut);
  await expect(status("background")).toHaveText(cut);
  await expect(form.background).toHaveAttribute("aria-describedby", "background-hint background-count background-cut");
  await expectNoAxeViolations(page, "details page, a paste cut");
  await keepScreenshot(page, testInfo, "details-paste-cut");

  // A one-line field with some text in it already: the room left is what counts.
  await form.targetCompanies.fill("Series B startups, ");
  await expect(count("target_companies")).toHaveText("19 / 500 characters");
  await page.evaluate(() => navigator.clipboard.writeText("Hooli, ".repeat(100)));
  await form.targetCompanies.focus();
  await page.keyboard.press("End");
  await page.keyboard.press("ControlOrMeta+V");
  await expect(count("target_companies")).toHaveText("500 / 500 characters");
  await expect(page.locator("#target_companies-cut")).toHaveText(
    "Only the first 481 of the 700 characters you pasted fit (the limit is 500), so the rest was cut off. Shorten the text and paste it again.",
  );
  // A paste that fits clears the warning.
  await form.targetCompanies.fill("");
  await page.evaluate(() => navigator.clipboard.writeText("Large tech companies"));
  await form.targetCompanies.focus();
  await page.keyboard.press("ControlOrMeta+V");
  await expect(count("target_companies")).toHaveText("20 / 500 characters");
  await expect(page.locator("#target_companies-cut")).toHaveCount(0);

  // The counts survive the form coming back with errors (htmx swaps it in): the focus field
  // is still empty.
  await form.submit.click();
  await expect(form.focus).toHaveAttribute("aria-invalid", "true");
  await expect(count("background")).toHaveText("4,000 / 4,000 characters");
  await expect(count("target_companies")).toHaveText("20 / 500 characters");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the calendar starts within the first screen, the summary after it", async ({ page }, testInfo) => {
    await installCalEmbed(page, { hostEmail: uniqueAddress("host") });
    await page.goto(BOOK_URL);
    const calendar = page.locator("#cal-embed");
    await expect(booker(page).getByRole("button", { name: "10:00" })).toBeVisible();
    const box = await calendar.boundingBox();
    expect(box, "the calendar container").toBeTruthy();
    expect(box?.y ?? Infinity, "the calendar's top is on the first screen").toBeLessThan(844 - 200);
    // Without scrolling, the first slot is there to tap.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await expect(booker(page).getByRole("button", { name: "10:00" })).toBeInViewport();
    const summary = await page.getByTestId("booking-summary").boundingBox();
    expect(summary?.y ?? 0, "who and how much follow the calendar").toBeGreaterThan(box?.y ?? Infinity);
    await expectNoAxeViolations(page, "booking page on a phone");
    await keepScreenshot(page, testInfo, "book-phone-390");
  });
});
