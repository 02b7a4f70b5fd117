/**
 * The interviewer filters (public/interviewers/list.html).
 *
 * The form (`form[data-filters]`) asks htmx for the `#results` block on every change and
 * pushes the URL. The remove-chip and "Clear all" links inside `#results` do the same. This
 * module keeps the parts outside `#results` true to the URL: the checkboxes, the
 * "Filters (N selected)" count, a status message for screen readers; and it marks
 * `#results` busy while a request runs.
 */
import { eventElement, htmxDetail, requester } from "./htmx-events";

const FORM = "form[data-filters]";
const RESULTS_ID = "results";

function filterForm(): HTMLFormElement | null {
  const form = document.querySelector(FORM);
  return form instanceof HTMLFormElement ? form : null;
}

function checkboxes(form: HTMLFormElement): HTMLInputElement[] {
  return Array.from(form.querySelectorAll<HTMLInputElement>('input[type="checkbox"]'));
}

/** Ticks exactly the boxes named in the current URL (`?tech=rust&subject=backend`). */
function syncFromUrl(): void {
  const form = filterForm();
  if (!form) return;
  const params = new URLSearchParams(window.location.search);
  for (const box of checkboxes(form)) {
    box.checked = params.getAll(box.name).includes(box.value);
  }
  updateCount();
}

function updateCount(): void {
  const form = filterForm();
  const count = document.querySelector("[data-filter-count]");
  if (!form || !count) return;
  const n = checkboxes(form).filter((box) => box.checked).length;
  count.textContent = `(${n} selected)`;
}

/** Reads the new result count out loud: a replaced live region would not be announced. */
function announce(results: HTMLElement): void {
  const status = document.querySelector("[data-results-status]");
  if (!status) return;
  const count = results.querySelector(".results__count")?.textContent?.trim() ?? "";
  status.textContent = "";
  // A fresh text node after a tick, so the same message twice is still announced.
  window.setTimeout(() => {
    status.textContent = `Results updated: ${count}.`;
  }, 50);
}

function targetsResults(event: Event): boolean {
  return htmxDetail(event).target?.id === RESULTS_ID;
}

function showUpdateFailed(): void {
  const results = document.getElementById(RESULTS_ID);
  if (!results || results.querySelector("[data-update-failed]")) return;
  const notice = document.createElement("p");
  notice.className = "notice notice--error";
  notice.setAttribute("role", "alert");
  notice.dataset["updateFailed"] = "";
  notice.textContent = "The results couldn't be updated. Check your connection and try again.";
  results.querySelector(".results__head")?.append(notice);
}

export function initFilters(): void {
  // The browser may restore stale checkbox states on back/forward; the URL is the truth.
  syncFromUrl();
  window.addEventListener("pageshow", syncFromUrl);
  window.addEventListener("popstate", syncFromUrl);
  document.addEventListener("htmx:historyRestore", syncFromUrl);

  document.addEventListener("change", (event) => {
    if (eventElement(event)?.closest(FORM)) updateCount();
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (targetsResults(event)) document.getElementById(RESULTS_ID)?.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (!targetsResults(event)) return;
    // On success the element was replaced by a fresh one without aria-busy; on failure the
    // old one is still there.
    document.getElementById(RESULTS_ID)?.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    if (!targetsResults(event)) return;
    const results = document.getElementById(RESULTS_ID);
    if (!results) return;
    const trigger = requester(event);
    // The form is already the truth for its own requests (and may have changed again since
    // the request left); links inside #results change the URL, so the boxes follow it.
    if (!trigger?.matches(FORM)) syncFromUrl();
    updateCount();
    announce(results);
    // A removed chip took focus with it: continue from the results heading.
    if (trigger?.matches("[data-results-link]")) {
      results.querySelector<HTMLElement>(".results__count")?.focus();
    }
  });

  // A server error: load the page for real, so the full error page (or the results, if the
  // error was passing) shows. A network error: say so and keep the current results.
  document.addEventListener("htmx:responseError", (event) => {
    if (!targetsResults(event)) return;
    const info = htmxDetail(event).pathInfo;
    const path = info?.finalRequestPath ?? info?.requestPath;
    if (path) window.location.assign(path);
  });
  document.addEventListener("htmx:sendError", (event) => {
    if (targetsResults(event)) showUpdateFailed();
  });
}
