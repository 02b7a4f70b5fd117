// The admin panel as people use it. Staff (created by `create-staff` in `make test-e2e`)
// invite an interviewer for an existing profile; the interviewer sets a password, signs in,
// finds a booking made through the public flow, opens the resume, acknowledges it (the
// customer's email arrives), and changes their rate and tags (the public listing follows).
// After the session (time moved on in the database) the interviewer marks it held and writes
// the feedback report; the customer reads it and reviews the session; the profile shows the
// rating. Staff also invite a brand-new interviewer who signs in. Each project (desktop,
// phone) works on its own interviewer so the two can run side by side.
import { execFileSync } from "node:child_process";

import { expect, type Page } from "@playwright/test";

import { mailTo } from "./fakes/inspect";
import { APP_BASE_URL } from "./fakes/settings";
import { expectNoAxeViolations, keepScreenshot, test } from "./helpers";
import { bookAndPay, linkIn, signIn, STAFF_EMAIL, STAFF_PASSWORD, uniqueAddress, waitForMail } from "./journey";

const PASSWORD = "an interviewer passphrase";

/** Desktop works on Ada, the phone on Tomasz: each project owns one interviewer. */
function interviewerFor(project: string) {
  return project === "phone"
    ? { slug: "tomasz-wierzba", name: "Tomasz Wierzba", newTag: "Clojure", newTagSlug: "clojure" }
    : { slug: "ada-lindqvist", name: "Ada Lindqvist", newTag: "Elm", newTagSlug: "elm" };
  // (The profile edits happen on a new interviewer's profile: the booking journey relies on
  // Ada's and Tomasz's rates.)
}

/** Moves booking `bookingId` into the past ("1 day" ago), as if the session had taken place:
 *  the test's way of letting time pass, straight in the database the server reads. */
function travelInTime(bookingId: string, ago: string) {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the browser tests with `make test-e2e`");
  execFileSync("psql", [
    url,
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    `update booking set starts_at = now() - interval '${ago}', ends_at = now() - interval '${ago}' + interval '90 minutes' where public_id = '${bookingId.replace(/[^a-z0-9]/g, "")}'`,
  ]);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: /Sign out/ }).click();
  await expect(page).toHaveURL(/\/admin\/login/);
}

test("an interviewer handles a booking made through the public flow", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const who = interviewerFor(testInfo.project.name);
  const interviewerEmail = uniqueAddress("interviewer");
  const customer = {
    name: "Hedy Customer",
    email: uniqueAddress("customer"),
    background: "Backend engineer, four years of Go.",
    focus: "A backend system design round.",
  };

  const bookingId = await test.step("a customer books and pays through the public site", async () => {
    return bookAndPay(page, who.slug, customer, uniqueAddress("host"));
  });

  await test.step("staff sign in and invite the profile's owner", async () => {
    await page.goto("/admin/login");
    await expectNoAxeViolations(page, "login page");
    await keepScreenshot(page, testInfo, "admin-login");
    await signIn(page, STAFF_EMAIL, STAFF_PASSWORD);
    await page.goto("/admin/interviewers");
    await expectNoAxeViolations(page, "staff interviewers page");
    await keepScreenshot(page, testInfo, "admin-interviewers");
    const row = page.locator("[data-testid=interviewer-row]", { hasText: who.name });
    await row.locator("input[name=email]").fill(interviewerEmail);
    await row.getByRole("button", { name: /Invite/ }).click();
    await expect(page.getByTestId("flash-done")).toContainText("Invitation sent");
    await signOut(page);
  });

  await test.step("the interviewer sets a password from the emailed link and is signed in", async () => {
    const [invitation] = await waitForMail(interviewerEmail, 1);
    await page.goto(linkIn(invitation?.text ?? "", APP_BASE_URL));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(/password/i);
    await expectNoAxeViolations(page, "set password page");
    await page.locator("input[name=new]").fill(PASSWORD);
    await page.locator("input[name=confirm]").fill(PASSWORD);
    await page.getByRole("button", { name: /password/i }).click();
    await expect(page).toHaveURL(/\/admin\/profile\?welcome=1$/);
    await expect(page.getByTestId("flash-done").or(page.getByTestId("welcome"))).toContainText("Welcome");
    await expectNoAxeViolations(page, "welcomed profile page");
    await page.goto("/admin/bookings");
  });

  await test.step("the booking is in the list, with everything the customer entered", async () => {
    await expectNoAxeViolations(page, "bookings page");
    await keepScreenshot(page, testInfo, "admin-bookings");
    await page.locator("[data-testid=booking-row]", { hasText: customer.name }).getByRole("link").first().click();
    await expect(page.getByRole("main")).toContainText(customer.background);
    await expect(page.getByRole("main")).toContainText(customer.focus);
    await expectNoAxeViolations(page, "booking page");
    await keepScreenshot(page, testInfo, "admin-booking");
    const resume = await page.request.get(await page.getByTestId("resume-link").getAttribute("href") ?? "");
    expect(resume.status()).toBe(200);
    expect(resume.headers()["content-type"]).toBe("application/pdf");
    expect((await resume.body()).subarray(0, 5).toString()).toBe("%PDF-");
  });

  await test.step("acknowledge: the customer is told, once", async () => {
    await page.locator("textarea[name=note]").fill("Got it, see you then.");
    await page.getByTestId("acknowledge").click();
    await expect(page.getByRole("main")).toContainText("Acknowledged");
    await expect(page.getByTestId("acknowledge")).toHaveCount(0);
    await expect
      .poll(async () => (await mailTo(customer.email)).filter((m) => /has your information/.test(m.subject)).length, {
        timeout: 20_000,
      })
      .toBe(1);
    const acknowledgement = (await mailTo(customer.email)).find((m) => /has your information/.test(m.subject));
    expect(acknowledgement?.text).toContain("Got it, see you then.");
  });

  await test.step("earnings: the payment with Stripe's fee and the shares, pending", async () => {
    await page.getByRole("link", { name: "Earnings" }).click();
    // The worker records the charge once Stripe's balance transaction is there. (Other
    // specs book the same interviewer: find this booking's line.)
    const line = page.getByTestId("earnings-line").filter({ has: page.locator(`a[href="/admin/bookings/${bookingId}"]`) });
    await expect
      .poll(
        async () => {
          await page.reload();
          return line.count();
        },
        { timeout: 20_000, message: "the payment reaches the ledger" },
      )
      .toBe(1);
    await expect(line.getByTestId("earnings-state")).toHaveText("Pending");
    await expect(page.getByTestId("earnings-csv")).toHaveAttribute("href", "/admin/earnings.csv");
    await expectNoAxeViolations(page, "earnings page");
    await keepScreenshot(page, testInfo, "admin-earnings");
    await page.goto(`/admin/bookings/${bookingId}`);
  });

  await test.step("after the session: the interviewer marks it held", async () => {
    // Time passes: the session took place yesterday.
    travelInTime(bookingId, "1 day");
    await page.reload();
    await expectNoAxeViolations(page, "booking to mark");
    await page.getByTestId("mark-held").click();
    await expect(page.getByTestId("flash")).toContainText("Marked as held");
  });

  await test.step("the written report: drafted, kept across a reload, sent once", async () => {
    await page.getByTestId("report-link").click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Feedback report for ${customer.name}`);
    await expectNoAxeViolations(page, "report form");
    await keepScreenshot(page, testInfo, "admin-report");
    const form = page.getByTestId("report-form");
    for (const criterion of await form.locator("fieldset.report-criterion").all()) {
      await criterion.getByLabel(/3 Solid/).check();
    }
    // The autosave posts the form once typing pauses, and says when it saved; the draft
    // survives a reload.
    const saved = page.waitForResponse(
      (r) => r.url().endsWith("/report/draft") && (r.request().postData() ?? "").includes("scale"),
    );
    await page.locator("#strengths").fill("You asked about scale before drawing anything.");
    expect((await saved).status()).toBe(200);
    await expect(page.getByTestId("draft-status")).toContainText("Draft saved at");
    await page.reload();
    await expect(page.locator("#strengths")).toHaveValue("You asked about scale before drawing anything.");
    await page.locator("#focus_first").fill("Put numbers on the load before choosing storage.");
    await page.getByLabel("Close: a few things to fix").check();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId("submit-report").click();
    await expect(page.getByTestId("flash")).toContainText("Report sent");
    await expect
      .poll(async () => (await mailTo(customer.email)).filter((m) => /feedback report/.test(m.subject)).length, {
        timeout: 20_000,
      })
      .toBe(1);
  });

  await test.step("the customer reads the report and reviews the session", async () => {
    await page.goto(`/bookings/${bookingId}`);
    await page.getByTestId("report-link").click();
    await expect(page.getByTestId("report-overall")).toHaveText("Close: a few things to fix");
    await expect(page.getByTestId("report")).toContainText("You asked about scale before drawing anything.");
    await expectNoAxeViolations(page, "customer's report");
    await keepScreenshot(page, testInfo, "customer-report");
    await page.goto(`/bookings/${bookingId}`);
    const review = page.getByTestId("review-form");
    await review.getByLabel("5 stars").check();
    await review.getByLabel("Your review").fill("Realistic round and concrete feedback.");
    await expectNoAxeViolations(page, "review form");
    await review.getByTestId("submit-review").click();
    await expect(page.getByTestId("your-review")).toContainText("Realistic round and concrete feedback.");
    await expectNoAxeViolations(page, "booking page with its review");
  });

  await test.step("past the guarantee window: staff pay the member and record the payout", async () => {
    travelInTime(bookingId, "15 days");
    await page.goto("/admin/bookings");
    await signOut(page);
    await signIn(page, STAFF_EMAIL, STAFF_PASSWORD);
    await page.getByRole("link", { name: "Payouts" }).click();
    const form = page.getByTestId("payout-form").filter({ hasText: who.name });
    await expect(form).toHaveCount(1);
    await expect(page.getByTestId("monthly-chart").first()).toBeVisible();
    await expectNoAxeViolations(page, "staff payouts page");
    await keepScreenshot(page, testInfo, "admin-payouts");
    // A reference is required: the message sits next to the field, and nothing is recorded.
    await form.getByTestId("record-payout").click();
    const again = page.getByTestId("payout-form").filter({ hasText: who.name });
    await expect(again.locator(".field__error")).toContainText("reference");
    await expect(page.getByTestId("payout").filter({ hasText: who.name })).toHaveCount(0);
    const reference = `SEPA ${testInfo.project.name} ${bookingId.slice(0, 6)}`;
    await again.getByLabel("Reference").fill(reference);
    await again.getByTestId("record-payout").click();
    await expect(page.getByTestId("flash-done")).toContainText("Payout recorded");
    await expect(page.getByTestId("payout").filter({ hasText: reference })).toHaveCount(1);
    await page.getByRole("link", { name: "Earnings" }).click();
    const line = page.getByTestId("earnings-line").filter({ has: page.locator(`a[href="/admin/bookings/${bookingId}"]`) });
    await expect(line.getByTestId("earnings-state")).toHaveText("Paid out");
  });

  await test.step("the profile shows the rating and the review", async () => {
    await page.goto(`/interviewers/${who.slug}`);
    await expect(page.getByTestId("profile-rating")).toHaveText(/\d\.\d · \d+ reviews?/);
    await expect(page.getByTestId("reviews")).toContainText("Realistic round and concrete feedback.");
    await expectNoAxeViolations(page, "profile with reviews");
    await keepScreenshot(page, testInfo, "profile-reviews");
  });
});

test("staff invite a new interviewer, who signs in, sets a rate and tags, and goes live", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const who = interviewerFor(testInfo.project.name);
  const email = uniqueAddress("newcomer");
  const name = `Nia Newcomer ${testInfo.project.name} ${Date.now()}`;
  await signIn(page, STAFF_EMAIL, STAFF_PASSWORD);
  // Staff's own pages after the sessions: the overview (its chart readable as a table) and
  // the guarantee claims queue.
  await page.goto("/admin/overview");
  await expect(page.getByTestId("weekly-chart")).toBeVisible();
  await expect(page.getByTestId("weekly-table").locator("tbody tr")).toHaveCount(12);
  await expectNoAxeViolations(page, "staff overview");
  await keepScreenshot(page, testInfo, "admin-overview");
  await page.goto("/admin/claims");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Guarantee claims");
  await expectNoAxeViolations(page, "guarantee claims");
  await page.goto("/admin/interviewers");
  const invite = page.locator("form[action='/admin/interviewers']").last();
  await invite.locator("input[name=name]").fill(name);
  await invite.locator("input[name=email]").fill(email);
  await invite.getByRole("button", { name: /Invite/ }).click();
  await expect(page.getByTestId("flash-done")).toContainText("Invitation sent");
  await signOut(page);

  const [invitation] = await waitForMail(email, 1);
  await page.goto(linkIn(invitation?.text ?? "", APP_BASE_URL));
  await page.locator("input[name=new]").fill(PASSWORD);
  await page.locator("input[name=confirm]").fill(PASSWORD);
  await page.getByRole("button", { name: /password/i }).click();
  // Choosing the password from the invitation signs them in: straight to their profile.
  await expect(page).toHaveURL(/\/admin\/profile\?welcome=1$/);
  await expect(page.getByTestId("welcome")).toBeVisible();
  // Their (long) address is shown whole in the bar, on a phone too: wrapped, never cut.
  const signedInAs = page.getByTestId("signed-in-as");
  await expect(signedInAs).toHaveText(email);
  const fits = await signedInAs.evaluate((el) => {
    const line = el.parentElement as HTMLElement;
    const box = el.getBoundingClientRect();
    return line.scrollWidth <= line.clientWidth && box.right <= window.innerWidth && box.left >= 0;
  });
  expect(fits, "the signed-in address fits the bar").toBe(true);
  await expect(page.locator("input[name=name]")).toHaveValue(name);
  await expectNoAxeViolations(page, "profile page");
  await keepScreenshot(page, testInfo, "admin-profile");

  // Rate, a new technology tag, a headline, and visible on the site.
  await page.locator("input[name=headline]").fill("Backend interviews in Go and Clojure");
  await page.locator("input[name=rate]").fill("175");
  await page.locator("input[name=new_technologies]").fill(who.newTag);
  // By keyboard: the live character counts above may still be settling after the typing, and
  // a click aimed before a line of them moves can land beside the box.
  const listed = page.locator("input[name=is_active]");
  await listed.focus();
  await page.keyboard.press("Space");
  await expect(listed).toBeChecked();
  await page.getByRole("button", { name: /Save/ }).first().click();
  await expect(page.getByTestId("profile-saved")).toBeVisible();

  await page.goto(`/interviewers?tech=${who.newTagSlug}`);
  const card = page.locator("[data-testid=interviewer-card]", { hasText: name });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("$175");
});
