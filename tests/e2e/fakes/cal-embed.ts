// The cal.com embed double, installed per page: every request to CALCOM_EMBED_ORIGIN is
// answered here, as cal.com would answer it.
//   GET  <origin>/embed/embed.js          the loader (cal-embed/loader-double.js)
//   GET  <origin>/<calLink>/embed?...     the booker shown in the iframe (cal-embed/booker.html)
//   POST <origin>/__double/bookings       the booker's "Confirm": creates a pending booking in
//                                         the fake cal.com API, hosted by `hostEmail`
import { readFileSync } from "node:fs";

import type { Page, Route } from "@playwright/test";

import { CAL_EVENT_TYPES, CALCOM_API_BASE_URL, CALCOM_EMBED_ORIGIN } from "./settings";

const embedJs = readFileSync(new URL("./cal-embed/loader-double.js", import.meta.url), "utf8");
const bookerHtml = readFileSync(new URL("./cal-embed/booker.html", import.meta.url), "utf8");

export interface CalEmbedOptions {
  /** The interviewer's cal.com account email: bookings made in the embed are hosted by it. */
  hostEmail: string;
  /** `"abort"` makes the loader fail to load, as with a content blocker or no network. */
  loader?: "serve" | "abort";
}

export async function installCalEmbed(page: Page, options: CalEmbedOptions): Promise<void> {
  await page.route(`${CALCOM_EMBED_ORIGIN}/**`, async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.pathname === "/embed/embed.js") {
      if (options.loader === "abort") return route.abort("blockedbyclient");
      return route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: embedJs });
    }
    if (url.pathname === "/__double/bookings" && request.method() === "POST") {
      const input = request.postDataJSON() as Record<string, unknown>;
      const response = await fetch(`${CALCOM_API_BASE_URL}/_test/bookings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...input, hostEmail: options.hostEmail }),
      });
      return route.fulfill({
        status: response.status,
        contentType: "application/json",
        body: await response.text(),
      });
    }
    const embed = /^\/(.+)\/embed$/.exec(url.pathname);
    if (embed?.[1] && request.method() === "GET") {
      const eventType = CAL_EVENT_TYPES[decodeURIComponent(embed[1])] ?? null;
      return route.fulfill({
        status: eventType ? 200 : 404,
        contentType: "text/html; charset=utf-8",
        body: bookerHtml.replace("/*EVENT_TYPE*/ null", JSON.stringify(eventType)),
      });
    }
    return route.fulfill({ status: 404, contentType: "text/plain", body: "not found" });
  });
}
