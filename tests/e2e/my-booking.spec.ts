// The customer's own booking page, as a customer uses it after paying: reached from the
// thank-you page (and every email), it shows the confirmed booking with its video link and
// "Add to calendar", moves it through cal.com's reschedule flow (the embed double with
// `rescheduleUid`), and cancels it with the refund shown before confirming. Runs on desktop
// and on a phone (the two projects), with axe on every page.
import { expect, type Page } from "@playwright/test";

import { calBookings, calCalls, mailTo } from "./fakes/inspect";
import { expectNoAxeViolations, keepScreenshot, test } from "./helpers";
import { bookAndPay, openSlot, uniqueAddress } from "./journey";

const SLUG = "tomasz-wierzba";
const REFERENCE = /^IS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/;

/** Nothing on the page is wider than the window (a phone must not scroll sideways). */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
}

test("after paying, the customer's booking page shows it, moves it and cancels it", async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const hostEmail = uniqueAddress("host");
  const customer = {
    name: "Lin Customer",
    email: uniqueAddress("customer"),
    background: "Backend engineer, four years of Go and PostgreSQL.",
    focus: "A system design round for a payments team.",
  };
  const bookingId = await bookAndPay(page, SLUG, customer, hostEmail);
  const [first] = await calBookings(hostEmail);
  const firstUid = first?.uid ?? "";

  await test.step("from the thank-you page to the booking page, confirmed", async () => {
    await page.getByTestId("open-booking").click();
    await expect(page).toHaveURL(new RegExp(`/bookings/${bookingId}$`));
    // The confirm call runs in the background: the page says so until cal.com has it.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator("[data-testid=booking-status] .booking-panel__state").textContent();
        },
        { timeout: 20_000, message: "the time is confirmed in cal.com" },
      )
      .toBe("Confirmed");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your practice interview with Tomasz Wierzba");
    await expect(page.getByTestId("booking-reference")).toHaveText(REFERENCE);
    await expect(page.getByTestId("interviewer-time")).toContainText("(Europe/Berlin, UTC+1)");
    await expect(page.getByTestId("meeting-link")).toHaveAttribute("href", `https://app.cal.com/video/${firstUid}`);
    const calendar = page.getByTestId("add-to-calendar");
    await expect(calendar.getByRole("link", { name: "Calendar file (.ics)" })).toHaveAttribute(
      "href",
      `/bookings/${bookingId}/calendar.ics`,
    );
    await expect(calendar.getByRole("link", { name: /Google Calendar/ })).toHaveAttribute("href", /^https:\/\/calendar\.google\.com\//);
    await expect(page.getByTestId("submitted")).toContainText(customer.background);
    await expect(page.getByTestId("cancel-terms")).toContainText("full refund of $180");
    await expectNoAxeViolations(page, "booking page");
    await expectNoSidewaysScroll(page);
    await keepScreenshot(page, testInfo, "my-booking");
  });

  await test.step("the calendar file downloads and is the booking's event", async () => {
    const response = await page.request.get(`/bookings/${bookingId}/calendar.ics`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/calendar; method=PUBLISH; charset=UTF-8");
    const ics = await response.text();
    expect(ics).toContain(`UID:booking-${bookingId}@`);
    expect(ics).toContain(`LOCATION:https://app.cal.com/video/${firstUid}`);
  });

  const newUid = await test.step("reschedule: cal.com's flow for this booking, back to the page", async () => {
    await page.getByTestId("reschedule-link").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Move your practice interview with Tomasz Wierzba");
    await expect(page.locator("[data-cal-embed]")).toHaveAttribute("data-reschedule-uid", firstUid);
    const booker = page.frameLocator('iframe[title="Book a call"]');
    await expect(booker.getByRole("button", { name: "10:00" })).toBeVisible();
    await expectNoAxeViolations(page, "reschedule page");
    await keepScreenshot(page, testInfo, "my-booking-reschedule");
    await openSlot(page, "10:00");
    await booker.getByLabel("Your name").fill(customer.name);
    await booker.getByLabel("Email address").fill(customer.email);
    await booker.getByRole("button", { name: "Confirm" }).click();
    await expect(page).toHaveURL(new RegExp(`/bookings/${bookingId}\\?done=moved$`), { timeout: 15_000 });
    await expect(page.getByTestId("done")).toContainText("Your interview has moved");
    const moved = (await calBookings(hostEmail)).find((b) => b.uid !== firstUid);
    expect(moved, "a new cal.com booking").toBeTruthy();
    return moved?.uid ?? "";
  });

  await test.step("the new time is confirmed in cal.com and both get the updated invite", async () => {
    await expect
      .poll(async () => (await calCalls(newUid)).filter((c) => c.action === "confirm" && c.status === 200).length, {
        timeout: 15_000,
      })
      .toBe(1);
    await expect
      .poll(async () => (await mailTo(customer.email)).filter((m) => m.subject.startsWith("Moved:")).length, {
        timeout: 20_000,
      })
      .toBe(1);
    await expect
      .poll(async () => (await mailTo(hostEmail)).filter((m) => m.subject.startsWith("Moved:")).length, {
        timeout: 20_000,
      })
      .toBe(1);
  });

  await test.step("cancel: the refund is shown first, then given", async () => {
    await page.goto(`/bookings/${bookingId}`);
    await page.getByTestId("cancel-link").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Cancel your practice interview?");
    await expect(page.getByTestId("cancel-refund")).toHaveText("Full refund: $180");
    await expectNoAxeViolations(page, "cancel page");
    await expectNoSidewaysScroll(page);
    await keepScreenshot(page, testInfo, "my-booking-cancel");
    await page.getByLabel(/Why are you cancelling/).fill("My onsite moved to the same day.");
    await page.getByTestId("confirm-cancel").click();
    await expect(page).toHaveURL(new RegExp(`/bookings/${bookingId}\\?done=cancelled$`));
    await expect(page.getByTestId("done")).toContainText("Your refund of $180 is on its way");
    await expect
      .poll(async () => (await calCalls(newUid)).filter((c) => c.action === "cancel" && c.status === 200).length, {
        timeout: 15_000,
        message: "the slot is freed in cal.com",
      })
      .toBe(1);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator("[data-testid=booking-status] .booking-panel__state").textContent();
        },
        { timeout: 20_000, message: "Stripe's refund recorded" },
      )
      .toBe("Refunded");
    await expect(page.getByTestId("changes")).toHaveCount(0);
    await expectNoAxeViolations(page, "refunded booking page");
    await keepScreenshot(page, testInfo, "my-booking-refunded");
    await expect
      .poll(async () => (await mailTo(hostEmail)).filter((m) => m.subject.startsWith("Cancelled:")).length, {
        timeout: 20_000,
      })
      .toBe(1);
  });
});

test("a promotion code: the customer pays less, or nothing, and their booking page says so", async ({ page }) => {
  test.setTimeout(120_000);
  const customer = (name: string) => ({
    name,
    email: uniqueAddress("customer"),
    background: "Frontend engineer, React and TypeScript.",
    focus: "A frontend system design round.",
  });

  await test.step("25% off: $135 of $180 paid, the receipt linked", async () => {
    const bookingId = await bookAndPay(page, SLUG, customer("Noor Customer"), uniqueAddress("host"), "FRIEND25");
    await expect(page.getByRole("main")).toContainText("We have your payment of $135.");
    await page.goto(`/bookings/${bookingId}`);
    await expect(page.getByTestId("paid")).toContainText("Paid $135 on");
    await expect(page.getByTestId("paid")).toContainText("with $45 off from your promotion code");
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("receipt").count();
        },
        { timeout: 20_000, message: "the receipt is linked once the charge's job ran" },
      )
      .toBe(1);
    await expect(page.getByTestId("cancel-terms")).toContainText("full refund of $135");
  });

  await test.step("100% off: booked with nothing charged, and nothing to refund", async () => {
    const bookingId = await bookAndPay(page, SLUG, customer("Ola Customer"), uniqueAddress("host"), "FULLRIDE");
    await expect(page.getByRole("main")).toContainText("Your promotion code covered the full price.");
    await page.goto(`/bookings/${bookingId}`);
    await expect(page.getByTestId("paid")).toContainText("nothing was charged");
    await expect(page.getByTestId("receipt")).toHaveCount(0);
    await expectNoAxeViolations(page, "booking page, free booking");
  });
});
