import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";

/**
 * Playwright's `test`: each test a visitor of its own, and failing any test whose pages break
 * the Content-Security-Policy (the browser reports each blocked script, style or frame on
 * the console).
 */
export const test = base.extend<{ cspViolations: string[]; visitorAddress: string }>({
  /**
   * Each test browses from its own address (documentation range 198.18.0.0/15), sent as
   * X-Forwarded-For through the trusted loopback "proxy" (TRUSTED_PROXIES in
   * playwright.config.ts): per-visitor limits (cal.com lookups, sign-in attempts) count this
   * test's requests only, as they would count one customer's.
   */
  visitorAddress: [
    async ({ context }, use) => {
      const address = `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
      await context.setExtraHTTPHeaders({ "x-forwarded-for": address });
      await use(address);
    },
    { auto: true },
  ],
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use(violations);
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

/** Runs axe-core on the page as it is now and fails on any violation, listing them. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  // Judge the settled page: no htmx request in flight (results are dimmed while loading) and
  // no transition half-way (a fading element has no meaningful contrast yet).
  await expect(page.locator(".htmx-request, [aria-busy=true]")).toHaveCount(0);
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  const results = await new AxeBuilder({ page }).analyze();
  // axe leaves empty style="" attributes behind; a real visitor's page has none, and htmx
  // would re-insert them from its history snapshot, which the CSP (rightly) refuses.
  await page.evaluate(() => document.querySelectorAll('[style=""]').forEach((el) => el.removeAttribute("style")));
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/** Keeps a full-page screenshot as a test artifact (in the HTML report and test-results/). */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // caret "initial": hiding the caret makes Playwright leave style="" on every input, which
  // htmx would later re-insert from its history snapshot and the CSP would refuse.
  const body = await page.screenshot({ fullPage: true, caret: "initial" });
  // A full-page shot stretches the emulated viewport and puts it back; setting it again
  // makes Chromium lay frames out (and hit-test them) for the real size before the next tap.
  const viewport = page.viewportSize();
  if (viewport) await page.setViewportSize(viewport);
  await page.evaluate(() => document.querySelectorAll('[style=""]').forEach((el) => el.removeAttribute("style")));
  await testInfo.attach(`${name}-${testInfo.project.name}`, { body, contentType: "image/png" });
}

/** On phones the filters sit in a closed disclosure; open it when it is closed. */
export async function openFilters(page: Page): Promise<void> {
  const summary = page.locator("summary", { hasText: "Filters" });
  if (await summary.isVisible()) {
    const details = page.locator("details[data-filters-disclosure]");
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
      await summary.click();
    }
  }
}
