// The public site as a visitor meets it: homepage, listing, filters, modal, profile, 404.
// Runs against the demo catalogue (seed/demo.sql), after the `calendars` setup opened booking
// for Ada and Tomasz (calendars.setup.ts); everyone else has no calendar.
import { expect } from "@playwright/test";

import { expectNoAxeViolations, keepScreenshot, openFilters, test } from "./helpers";

test("homepage explains the offer and shows featured interviewers", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/508\.dev/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("#how-it-works")).toBeVisible();
  await expect(page.locator("#faq")).toBeVisible();
  await expect(page.locator("[data-testid=interviewer-card]")).toHaveCount(6);
  await expectNoAxeViolations(page, "homepage");
  await keepScreenshot(page, testInfo, "home");
});

test("a featured card on the homepage opens the profile modal", async ({ page }) => {
  await page.goto("/");
  const link = page.locator("[data-testid=card-name]").first();
  const name = (await link.textContent())?.trim() ?? "";
  await link.click();
  const dialog = page.locator("dialog#interviewer-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("listing filters by clicking tags, updates the URL, and Back restores", async ({ page }, testInfo) => {
  await page.goto("/interviewers");
  const cards = page.locator("[data-testid=interviewer-card]");
  const total = await cards.count();
  expect(total).toBeGreaterThan(5);
  await expectNoAxeViolations(page, "listing");
  await keepScreenshot(page, testInfo, "listing");

  await openFilters(page);
  await page.getByRole("checkbox", { name: "Python" }).check();
  await expect(page).toHaveURL(/\/interviewers\?tech=python$/);
  await expect(page.locator("[data-testid=result-count]")).toHaveText(/^5 interviewers/);
  await expect(cards).toHaveCount(5);

  await page.getByRole("checkbox", { name: "System Design" }).check();
  await expect(page).toHaveURL(/tech=python&subject=system-design/);
  const both = await cards.count();
  expect(both).toBeLessThan(5);
  await expect(page.locator("[data-testid=result-count]")).toHaveText(new RegExp(`^${both} interviewer`));
  await expect(page.getByText("match all selected tags")).toBeVisible();
  await expectNoAxeViolations(page, "filtered listing");
  await keepScreenshot(page, testInfo, "listing-filtered");

  await page.goBack();
  await expect(page).toHaveURL(/\/interviewers\?tech=python$/);
  await expect(cards).toHaveCount(5);
  await expect(page.getByRole("checkbox", { name: "Python" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "System Design" })).not.toBeChecked();

  await page.locator("[data-testid=clear-filters]").click();
  await expect(page).toHaveURL(/\/interviewers$/);
  // At least everyone from the start (the admin spec may publish a new interviewer meanwhile).
  await expect.poll(() => cards.count()).toBeGreaterThanOrEqual(total);
});

test("a filter that matches nobody says so and offers a way back", async ({ page }, testInfo) => {
  await page.goto("/interviewers?tech=rust&subject=frontend");
  await expect(page.locator("[data-testid=empty-state]")).toBeVisible();
  await expect(page.locator("[data-testid=interviewer-card]")).toHaveCount(0);
  await expectNoAxeViolations(page, "empty listing");
  await keepScreenshot(page, testInfo, "listing-empty");
});

test("the profile modal opens, closes with Esc and returns focus to the card", async ({ page }, testInfo) => {
  await page.goto("/interviewers");
  const link = page.locator("[data-testid=card-name]").first();
  const name = (await link.textContent())?.trim() ?? "";
  await link.click();

  const dialog = page.locator("dialog#interviewer-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name, level: 2 })).toBeVisible();
  await expect(dialog.getByRole("link", { name: /Book an interview/ })).toHaveAttribute("href", /\/book$/);
  // Focus moved into the dialog.
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest("dialog"))).toBe(true);
  await expectNoAxeViolations(page, "profile modal");
  await keepScreenshot(page, testInfo, "modal");

  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(link).toBeFocused();

  // The close button works as well.
  await link.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await expect(link).toBeFocused();
});

test("a profile has its own full page", async ({ page }, testInfo) => {
  await page.goto("/interviewers/ada-lindqvist");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ada Lindqvist");
  // Scoped to the page's content: the site header has its own "Book an interview" link.
  await expect(page.getByRole("main").getByRole("link", { name: /Book an interview/ })).toHaveAttribute(
    "href",
    "/interviewers/ada-lindqvist/book",
  );
  await expectNoAxeViolations(page, "profile page");
  await keepScreenshot(page, testInfo, "profile");
});

test("a profile without a calendar says booking opens soon, with no Book button", async ({ page }, testInfo) => {
  // Nkechi has no cal.com event type (the demo catalogue gives nobody one).
  await page.goto("/interviewers/nkechi-obiora");
  const main = page.getByRole("main");
  await expect(main.getByTestId("booking-soon")).toHaveText("Booking opens soon");
  await expect(main.getByRole("link", { name: /Book an interview/ })).toHaveCount(0);
  await expect(main.getByRole("link", { name: "hello@508.dev" })).toHaveAttribute("href", /^mailto:hello@508\.dev/);
  await expectNoAxeViolations(page, "profile page, booking opens soon");
  await keepScreenshot(page, testInfo, "profile-booking-soon");

  await page.goto("/interviewers");
  await page.locator("[data-testid=card-name]", { hasText: "Nkechi Obiora" }).click();
  const dialog = page.locator("dialog#interviewer-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("booking-soon")).toHaveText("Booking opens soon");
  await expect(dialog.getByRole("link", { name: /Book an interview/ })).toHaveCount(0);
  await expect(dialog.getByRole("link", { name: "Open full profile" })).toBeVisible();
  await expectNoAxeViolations(page, "profile modal, booking opens soon");
});

test("unknown profiles get a helpful 404 page", async ({ page }, testInfo) => {
  const response = await page.goto("/interviewers/nobody-by-that-name");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: /interviewers/i }).first()).toBeVisible();
  await expectNoAxeViolations(page, "404 page");
  await keepScreenshot(page, testInfo, "not-found");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the filter works as a plain form and cards link to profiles", async ({ page }) => {
    await page.goto("/interviewers");
    await openFilters(page);
    await page.getByRole("checkbox", { name: "Python" }).check();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/\/interviewers\?tech=python$/);
    await expect(page.locator("[data-testid=interviewer-card]")).toHaveCount(5);

    await page.locator("[data-testid=card-name]").first().click();
    await expect(page).toHaveURL(/\/interviewers\/[a-z-]+$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  });
});
