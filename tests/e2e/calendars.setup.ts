// Opens online booking for two demo interviewers, as it happens on the real site: the demo
// catalogue (seed/demo.sql) gives nobody a calendar, so staff save each interviewer's cal.com
// event type in the admin panel, which checks it with (the fake) cal.com and derives the cal
// link. Runs once, before the desktop and phone projects (playwright.config.ts).
import { expect } from "@playwright/test";

import { CAL_EVENT_TYPES } from "./fakes/settings";
import { test } from "./helpers";
import { signIn, STAFF_EMAIL, STAFF_PASSWORD } from "./journey";

const CALENDARS = [
  { name: "Ada Lindqvist", slug: "ada-lindqvist", calLink: "ada-lindqvist/practice-interview" },
  { name: "Tomasz Wierzba", slug: "tomasz-wierzba", calLink: "tomasz-wierzba/backend-practice" },
];

test("staff open online booking for Ada and Tomasz", async ({ page }) => {
  // Before: no calendar, so no Book button, just the fact.
  await page.goto("/interviewers/ada-lindqvist");
  await expect(page.getByRole("main").getByTestId("booking-soon")).toHaveText("Booking opens soon");

  await signIn(page, STAFF_EMAIL, STAFF_PASSWORD);
  for (const who of CALENDARS) {
    const eventType = CAL_EVENT_TYPES[who.calLink];
    expect(eventType, `the fake cal.com knows ${who.calLink}`).toBeTruthy();
    await page.goto("/admin/interviewers");
    await page.locator("[data-testid=interviewer-row]", { hasText: who.name }).getByRole("link", { name: who.name, exact: true }).click();
    await page.locator("input[name=cal_event_type_id]").fill(String(eventType?.id));
    await page.getByTestId("save-profile").click();
    await expect(page.getByTestId("profile-saved")).toBeVisible();

    await page.goto(`/interviewers/${who.slug}`);
    await expect(page.getByRole("main").getByRole("link", { name: /Book an interview/ })).toHaveAttribute(
      "href",
      `/interviewers/${who.slug}/book`,
    );
    await expect(page.getByTestId("booking-soon")).toHaveCount(0);
    await page.goto(`/interviewers/${who.slug}/book`);
    await expect(page.locator("[data-cal-embed]")).toHaveAttribute("data-cal-link", who.calLink);
    await page.goto("/admin/bookings");
  }
});
