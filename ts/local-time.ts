/**
 * Times in the reader's own time zone. The server writes `<time datetime="…Z"
 * data-local-time>` with the time in UTC as its text; this module replaces the text with the
 * same instant in the browser's zone, in the site's one format (src/domain/when.rs, which
 * pages, emails and the admin panel use): "Tuesday 1 December 2026, 16:00 (Europe/Berlin,
 * UTC+1)", and keeps the UTC text ("… 15:00 (UTC)") as the title. `data-local-time="time"`
 * shows the time of day only ("16:31 (Europe/Berlin, UTC+1)"), for instants within the hour
 * like a hold's end. Runs on load and on every piece of content htmx brings in.
 */
import { htmxDetail } from "./htmx-events";

const SELECTOR = "time[data-local-time][datetime]";

/** Names of UTC itself: labelled "(UTC)" alone, as the server does. */
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"]);

/** The parts the format is built from, in English whatever the browser's language (the site
 *  is in English, and the server writes English). */
const PARTS: Intl.DateTimeFormatOptions = {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}:${options.timeZoneName ?? "parts"}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
    formats.set(key, f);
  }
  return f;
}

/** The browser's IANA zone name ("Europe/Berlin"), or "UTC" when it has none. */
function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** "UTC+1", "UTC-5", "UTC+5:30", "UTC+0": the zone's offset at `date`. */
function utcOffset(date: Date, timeZone: string): string {
  const name =
    formatter(timeZone, { timeZoneName: "longOffset" })
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName")?.value ?? "";
  // "GMT+01:00", "GMT-05:00", "GMT+05:30"; "GMT" alone for a zero offset.
  const match = /([+\-\u2212])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  if (!match) return "UTC+0";
  const sign = match[1] === "+" ? "+" : "-";
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? "0");
  if (hours === 0 && minutes === 0) return "UTC+0";
  return minutes === 0 ? `UTC${sign}${hours}` : `UTC${sign}${hours}:${String(minutes).padStart(2, "0")}`;
}

/** `date` in `timeZone` as the server formats it (src/domain/when.rs). */
function formatInZone(date: Date, timeZone: string, timeOnly = false): string {
  const utc = UTC_NAMES.has(timeZone);
  const zone = utc ? "UTC" : timeZone;
  const parts: Record<string, string> = {};
  for (const p of formatter(zone, PARTS).formatToParts(date)) parts[p.type] = p.value;
  const clock = `${parts["hour"]}:${parts["minute"]}`;
  const label = utc ? "UTC" : `${timeZone}, ${utcOffset(date, timeZone)}`;
  const when = timeOnly ? clock : `${parts["weekday"]} ${parts["day"]} ${parts["month"]} ${parts["year"]}, ${clock}`;
  return `${when} (${label})`;
}

function localise(el: HTMLTimeElement): void {
  const date = new Date(el.dateTime);
  if (Number.isNaN(date.getTime())) return;
  const timeOnly = el.dataset["localTime"] === "time";
  let text: string;
  try {
    text = formatInZone(date, browserZone(), timeOnly);
  } catch {
    return; // A zone this browser cannot format: the server's UTC text stays.
  }
  el.textContent = text;
  el.title = formatInZone(date, "UTC");
}

function localiseWithin(root: ParentNode): void {
  if (root instanceof HTMLTimeElement && root.matches(SELECTOR)) localise(root);
  root.querySelectorAll<HTMLTimeElement>(SELECTOR).forEach(localise);
}

export function initLocalTime(): void {
  localiseWithin(document);
  const onNewContent = (event: Event): void => {
    const el = htmxDetail(event).elt;
    localiseWithin(el && el.isConnected ? el : document);
  };
  document.addEventListener("htmx:load", onNewContent);
  document.addEventListener("htmx:afterSwap", onNewContent);
}
