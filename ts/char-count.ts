/**
 * Live character counts under long fields (public/booking/details.html: a control with
 * `data-char-count` and `maxlength`, and after it `[data-char-count-for=<id>]` holding the
 * count `#<id>-count` and a hidden `aria-live="polite"` status).
 * - The count shows "1,234 / 4,000 characters" as you type (the page says "Up to 4,000
 *   characters." without JavaScript). It describes the control, so it is read on focus.
 * - Screen readers hear the count through the status once typing pauses, not on every key.
 * - `maxlength` cuts a paste that is too long without a word: on `paste` the pasted text is
 *   compared with the room left, and if it did not all fit a warning appears under the field
 *   (and is announced at once) saying how much was kept.
 * Listeners are on `document`, so a form htmx swaps in (with errors) keeps working; the counts
 * are refreshed whenever htmx brings in content, and when the page is shown again.
 */
import { eventElement, htmxDetail } from "./htmx-events";

const CONTROL = "textarea[data-char-count], input[data-char-count]";
/** How long typing must pause before the count is announced. */
const ANNOUNCE_AFTER_MS = 1000;

const number = new Intl.NumberFormat("en-US");
const announceTimers = new WeakMap<HTMLElement, number>();

type Counted = HTMLTextAreaElement | HTMLInputElement;

function countedControl(el: EventTarget | null): Counted | null {
  return (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) && el.matches(CONTROL) ? el : null;
}

function limitOf(control: Counted): number | null {
  return control.maxLength > 0 ? control.maxLength : null;
}

function parts(control: Counted) {
  const box = control.id ? document.querySelector<HTMLElement>(`[data-char-count-for="${CSS.escape(control.id)}"]`) : null;
  return {
    box,
    count: control.id ? document.getElementById(`${control.id}-count`) : null,
    status: box?.querySelector<HTMLElement>("[data-char-count-status]") ?? null,
  };
}

function countText(length: number, limit: number): string {
  return `${number.format(length)} / ${number.format(limit)} characters`;
}

/** The words for a paste of `pasted` characters into a field with `room` left of `limit`. */
function cutText(pasted: number, room: number, limit: number): string {
  if (room <= 0) {
    return `This field is full (${number.format(limit)} characters), so nothing you pasted was added. Shorten the text to make room.`;
  }
  return `Only the first ${number.format(room)} of the ${number.format(pasted)} characters you pasted fit (the limit is ${number.format(limit)}), so the rest was cut off. Shorten the text and paste it again.`;
}

function describedBy(control: HTMLElement, add: string | null, remove: string | null): void {
  const ids = (control.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  const next = ids.filter((id) => id !== add && id !== remove);
  if (add) next.push(add);
  if (next.length) control.setAttribute("aria-describedby", next.join(" "));
  else control.removeAttribute("aria-describedby");
}

function warningId(control: Counted): string {
  return `${control.id}-cut`;
}

function showWarning(control: Counted, message: string): void {
  const { box, status } = parts(control);
  const id = warningId(control);
  let warning = document.getElementById(id);
  if (!warning) {
    warning = document.createElement("p");
    warning.className = "field__warning";
    warning.id = id;
    warning.dataset["charCountCut"] = "";
    (box ?? control).after(warning);
  }
  warning.textContent = message;
  describedBy(control, id, null);
  if (status) {
    window.clearTimeout(announceTimers.get(control));
    status.textContent = message;
  }
}

function clearWarning(control: Counted): void {
  const id = warningId(control);
  document.getElementById(id)?.remove();
  describedBy(control, null, id);
}

/** Shows the count now; with `announce`, tells screen readers once typing pauses. */
function update(control: Counted, announce: boolean): void {
  const limit = limitOf(control);
  const { box, count, status } = parts(control);
  if (!limit || !count) return;
  const length = control.value.length;
  const text = countText(length, limit);
  count.textContent = text;
  box?.classList.toggle("field__count--full", length >= limit);
  if (length === 0) clearWarning(control);
  if (!announce || !status) return;
  window.clearTimeout(announceTimers.get(control));
  announceTimers.set(
    control,
    window.setTimeout(() => {
      status.textContent = text;
    }, ANNOUNCE_AFTER_MS),
  );
}

function updateWithin(root: ParentNode): void {
  if (root instanceof Element) {
    const self = countedControl(root);
    if (self) update(self, false);
  }
  root.querySelectorAll<Counted>(CONTROL).forEach((control) => update(control, false));
}

export function initCharCount(): void {
  updateWithin(document);

  document.addEventListener("input", (event) => {
    const control = countedControl(eventElement(event));
    if (control) update(control, true);
  });

  document.addEventListener("paste", (event) => {
    const control = countedControl(eventElement(event));
    const limit = control ? limitOf(control) : null;
    if (!control || !limit || !(event instanceof ClipboardEvent)) return;
    // Line breaks arrive as CRLF from some systems; the field keeps one character for each.
    // One-line inputs drop them altogether.
    let pasted = (event.clipboardData?.getData("text/plain") ?? "").replace(/\r\n?/g, "\n");
    if (control instanceof HTMLInputElement) pasted = pasted.replace(/\n/g, "");
    const length = pasted.length;
    const selected = Math.abs((control.selectionEnd ?? 0) - (control.selectionStart ?? 0));
    const room = limit - (control.value.length - selected);
    if (length === 0) return;
    if (length > room) showWarning(control, cutText(length, Math.max(0, room), limit));
    else clearWarning(control);
    // The browser inserts the text after this event; count what it kept.
    window.setTimeout(() => update(control, false), 0);
  });

  const onNewContent = (event: Event): void => {
    const el = htmxDetail(event).elt;
    updateWithin(el && el.isConnected ? el : document);
  };
  document.addEventListener("htmx:load", onNewContent);
  document.addEventListener("htmx:afterSwap", onNewContent);
  // Values the browser restored (back/forward, autofill on reload) are counted too.
  window.addEventListener("pageshow", () => updateWithin(document));
}
