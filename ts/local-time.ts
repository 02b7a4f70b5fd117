/**
 * Times in the reader's own time zone. The server writes `<time datetime="…Z"
 * data-local-time>` with the time in UTC as its text; this module replaces the text with the
 * same instant in the browser's zone and language ("Tuesday, December 1, 2026 at 4:00 PM
 * GMT+1") and keeps the UTC text as the title. `data-local-time="time"` shows the time of day
 * only (for instants within the hour, like a hold's end). Runs on load and on every piece of
 * content htmx brings in.
 */
import { htmxDetail } from "./htmx-events";

const SELECTOR = "time[data-local-time][datetime]";

// `dateStyle`/`timeStyle` cannot be combined with `timeZoneName` (a TypeError), so the
// "full date, short time" look is spelled out field by field.
const DATE_TIME: Intl.DateTimeFormatOptions = {
  weekday: "long",
  year: "numeric",
  month: "long",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};
const TIME_ONLY: Intl.DateTimeFormatOptions = {
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};

const formats = new Map<string, Intl.DateTimeFormat>();

function format(options: Intl.DateTimeFormatOptions, key: string, timeZone?: string): Intl.DateTimeFormat {
  const id = `${key}:${timeZone ?? "local"}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, timeZone ? { ...options, timeZone } : options);
    formats.set(id, f);
  }
  return f;
}

function localise(el: HTMLTimeElement): void {
  const date = new Date(el.dateTime);
  if (Number.isNaN(date.getTime())) return;
  const key = el.dataset["localTime"] === "time" ? "time" : "full";
  const options = key === "time" ? TIME_ONLY : DATE_TIME;
  el.textContent = format(options, key).format(date);
  el.title = format(DATE_TIME, "full", "UTC").format(date);
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
