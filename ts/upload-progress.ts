/**
 * The details form (public/booking/details.html: `form[data-upload-form]`), sent by htmx as
 * multipart. This module
 * - checks the chosen resume before anything is sent (size from `data-max-bytes`, PDF by type
 *   or name) and, if it fails, shows why under the field and cancels the request; the server
 *   checks again, by content (a file over the limit gets the server's own words, from
 *   `data-too-large`);
 * - shows the upload's progress (`[data-upload-progress]`) and marks the form aria-busy while
 *   it is sent; once the server answers with Stripe's address (HX-Redirect) it says so and
 *   stays busy while the browser leaves;
 * - after htmx swaps in the re-rendered form (errors), moves focus to the first invalid field,
 *   or else to the error summary;
 * - says so in the form when the request fails outright (network, server error).
 * htmx replaces the whole form, so every listener is on `document`.
 */
import { eventElement, htmxDetail, requester } from "./htmx-events";

const FORM = "form[data-upload-form]";
const FORM_ID = "details-form";

/** Per form being sent: the upload's total bytes, once known (download progress is ignored). */
const uploads = new WeakMap<HTMLFormElement, { total: number | null; percent: number }>();

function uploadForm(event: Event): HTMLFormElement | null {
  const el = requester(event) ?? eventElement(event);
  const form = el?.closest(FORM);
  return form instanceof HTMLFormElement ? form : null;
}

function resumeInput(form: HTMLFormElement): HTMLInputElement | null {
  const input = form.querySelector('input[type="file"][name="resume"]');
  return input instanceof HTMLInputElement ? input : null;
}

/** Why the chosen file cannot be sent, or null when it can (or none is chosen). */
function resumeProblem(input: HTMLInputElement): string | null {
  const file = input.files?.[0];
  if (!file) return null;
  const maxBytes = Number(input.dataset["maxBytes"]);
  const looksPdf = file.type === "application/pdf" || file.name.toLowerCase().endsWith(".pdf");
  if (!looksPdf) return "Please choose a PDF file for your resume.";
  if (file.size === 0) return "This file is empty. Please choose your resume as a PDF.";
  if (Number.isFinite(maxBytes) && maxBytes > 0 && file.size > maxBytes) return tooLarge(input);
  return null;
}

/** The server's words for a resume over the limit (`data-too-large`, from
 *  booking_details::resume_too_large), so the browser's check and the server's say the same
 *  thing ("This file is over 10 MB. …"). */
function tooLarge(input: HTMLInputElement | null): string {
  return input?.dataset["tooLarge"] || "This file is too large. Please choose a smaller PDF.";
}

function describedBy(input: HTMLElement, add: string | null, remove: string | null): void {
  const ids = (input.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  const next = ids.filter((id) => id !== remove && id !== add);
  if (add) next.unshift(add);
  if (next.length) input.setAttribute("aria-describedby", next.join(" "));
  else input.removeAttribute("aria-describedby");
}

/** Shows `message` as the resume field's error (the server's `#resume-error`, or a new one). */
function showResumeError(input: HTMLInputElement, message: string): void {
  const id = `${input.id || "resume"}-error`;
  let error = document.getElementById(id);
  if (!error) {
    error = document.createElement("p");
    error.className = "field__error";
    error.id = id;
    (input.closest(".field") ?? input.parentElement)?.append(error);
  }
  error.textContent = message;
  input.setAttribute("aria-invalid", "true");
  describedBy(input, id, null);
}

function clearResumeError(input: HTMLInputElement): void {
  const id = `${input.id || "resume"}-error`;
  document.getElementById(id)?.remove();
  input.removeAttribute("aria-invalid");
  describedBy(input, null, id);
}

function progressParts(form: HTMLFormElement) {
  const box = form.querySelector<HTMLElement>("[data-upload-progress]");
  return {
    box,
    bar: box?.querySelector("progress") ?? null,
    label: box?.querySelector<HTMLElement>("[data-upload-progress-label]") ?? null,
    value: box?.querySelector<HTMLElement>("[data-upload-progress-value]") ?? null,
  };
}

function setProgress(form: HTMLFormElement, percent: number): void {
  const { bar, value } = progressParts(form);
  if (bar) bar.value = percent;
  if (value) value.textContent = `${percent}%`;
}

function startSending(form: HTMLFormElement): void {
  form.setAttribute("aria-busy", "true");
  form.querySelector("[data-upload-failed]")?.remove();
  uploads.set(form, { total: null, percent: 0 });
  const { box, label } = progressParts(form);
  if (!box) return;
  const hasFile = (resumeInput(form)?.files?.length ?? 0) > 0;
  if (label) label.textContent = hasFile ? "Uploading your resume" : "Sending your details";
  setProgress(form, 0);
  box.hidden = false;
}

function stopSending(form: HTMLFormElement): void {
  form.removeAttribute("aria-busy");
  uploads.delete(form);
  const { box } = progressParts(form);
  if (box) box.hidden = true;
}

/** A request that never produced a form to swap in: say so above the pay button. */
function showSendFailed(form: HTMLFormElement, message: string): void {
  form.querySelector("[data-upload-failed]")?.remove();
  const notice = document.createElement("div");
  notice.className = "notice notice--error";
  notice.setAttribute("role", "alert");
  notice.dataset["uploadFailed"] = "";
  const text = document.createElement("p");
  text.textContent = message;
  notice.append(text);
  const pay = form.querySelector(".details-form__pay");
  if (pay) pay.before(notice);
  else form.append(notice);
}

/** After a swap: the first invalid control (the first box of an invalid group), or the summary. */
function focusFirstProblem(): void {
  const form = document.getElementById(FORM_ID);
  if (!(form instanceof HTMLFormElement)) return;
  const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
  const target =
    invalid instanceof HTMLFieldSetElement
      ? invalid.querySelector<HTMLElement>("input, select, textarea")
      : invalid;
  if (target) {
    target.focus();
    return;
  }
  const summary = form.querySelector<HTMLElement>('.notice--error[role="alert"]');
  if (summary) {
    if (!summary.hasAttribute("tabindex")) summary.tabIndex = -1;
    summary.focus();
  }
}

/** The resume chosen for the request in flight, so a form swapped back with errors in other
 *  fields does not make the customer pick the file again. */
let pendingResume: FileList | null = null;

/** Puts the file chosen before the swap back into the new form, unless the server refused it. */
function restoreResume(): void {
  const form = document.getElementById(FORM_ID);
  const input = form ? resumeInput(form as HTMLFormElement) : null;
  const files = pendingResume;
  pendingResume = null;
  if (!input || !files || files.length === 0 || document.getElementById("resume-error")) return;
  try {
    input.files = files;
  } catch {
    // A browser that cannot move files between inputs: the customer chooses it again.
  }
}

export function initUploadProgress(): void {
  // Check the file as soon as it is chosen, and clear an error about an earlier file.
  document.addEventListener("change", (event) => {
    const input = eventElement(event);
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.closest(FORM)) return;
    const problem = resumeProblem(input);
    if (problem) showResumeError(input, problem);
    else clearResumeError(input);
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = uploadForm(event);
    if (!form) return;
    const input = resumeInput(form);
    const problem = input ? resumeProblem(input) : null;
    if (input && problem) {
      event.preventDefault();
      showResumeError(input, problem);
      input.focus();
      return;
    }
    pendingResume = input?.files && input.files.length > 0 ? input.files : null;
    startSending(form);
  });

  document.addEventListener("htmx:xhr:progress", (event) => {
    const form = uploadForm(event);
    const upload = form ? uploads.get(form) : undefined;
    if (!form || !upload) return;
    const { lengthComputable, loaded, total } = event instanceof CustomEvent
      ? (event.detail as { lengthComputable?: boolean; loaded?: number; total?: number })
      : {};
    if (!lengthComputable || !total || loaded === undefined) return;
    // htmx reports upload and download progress under one name; the upload comes first.
    upload.total ??= total;
    if (total !== upload.total) return;
    const percent = Math.min(100, Math.round((loaded / total) * 100));
    if (percent <= upload.percent) return;
    upload.percent = percent;
    setProgress(form, percent);
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = uploadForm(event);
    if (!form || !form.isConnected) return; // swapped: the new form is not busy
    const xhr = htmxDetail(event).xhr;
    if (xhr?.getResponseHeader("HX-Redirect")) {
      // On to Stripe: stay busy while the browser leaves.
      setProgress(form, 100);
      const { label } = progressParts(form);
      if (label) label.textContent = "Opening Stripe's secure payment page";
      return;
    }
    stopSending(form);
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (requester(event)?.matches(FORM) || htmxDetail(event).target?.id === FORM_ID) {
      restoreResume();
      focusFirstProblem();
    }
  });

  document.addEventListener("htmx:responseError", (event) => {
    const form = uploadForm(event);
    const status = htmxDetail(event).xhr?.status ?? 0;
    if (!form) return;
    showSendFailed(
      form,
      status === 413
        ? `${tooLarge(resumeInput(form))} Nothing was charged.`
        : `Something went wrong on our side (error ${status}). Nothing was charged; please try again.`,
    );
  });

  document.addEventListener("htmx:sendError", (event) => {
    const form = uploadForm(event);
    if (!form) return;
    stopSending(form);
    showSendFailed(form, "The form could not be sent. Check your connection and try again; nothing was charged.");
  });

  // Back from Stripe through the back/forward cache: the form must not still look busy.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll<HTMLFormElement>(FORM)) {
      stopSending(form);
      form.querySelectorAll<HTMLButtonElement>('button[type="submit"]').forEach((b) => {
        b.disabled = false;
      });
    }
  });
}
