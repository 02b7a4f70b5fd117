/**
 * The interviewer dialog (base.html: `#interviewer-dialog`).
 *
 * Card links carry `data-opens-dialog` plus hx-get/hx-target, so htmx loads the profile
 * fragment into `#interviewer-dialog-body`. This module opens the dialog with a loading state
 * on a plain click, moves focus to the profile heading once it arrives, shows an error with a
 * link to the full profile when loading fails, closes on a backdrop click, and gives focus
 * back to the link that opened it. The URL is not changed. Without JS the links are ordinary
 * links to the profile page.
 */
import { eventElement, htmxDetail, requester } from "./htmx-events";

const OPENER = "a[data-opens-dialog]";
const DIALOG_ID = "interviewer-dialog";
const BODY_ID = "interviewer-dialog-body";

/** The link whose profile is showing or loading; focus returns to it on close. */
let opener: HTMLAnchorElement | null = null;
/** Where the last pointer press started, so a text selection dragged onto the backdrop does not close the dialog. */
let pressedOn: EventTarget | null = null;

function dialogElement(): HTMLDialogElement | null {
  const el = document.getElementById(DIALOG_ID);
  return el instanceof HTMLDialogElement ? el : null;
}

function bodyElement(): HTMLElement | null {
  return document.getElementById(BODY_ID);
}

function isModifiedClick(event: MouseEvent): boolean {
  return event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey;
}

/** Replaces the dialog body with a spinner and a title that labels the dialog meanwhile. */
function showLoading(body: HTMLElement, link: HTMLAnchorElement): void {
  const box = document.createElement("div");
  box.className = "dialog__loading";
  const spinner = document.createElement("span");
  spinner.className = "spinner";
  spinner.setAttribute("aria-hidden", "true");
  const title = document.createElement("p");
  title.id = "dialog-title";
  title.textContent = `Loading the profile of ${link.textContent?.trim() ?? "this interviewer"}…`;
  box.append(spinner, title);
  body.replaceChildren(box);
}

function showError(body: HTMLElement, link: HTMLAnchorElement | null): void {
  const box = document.createElement("div");
  box.className = "error-box";
  box.setAttribute("role", "alert");
  const title = document.createElement("h2");
  title.className = "error-box__title";
  title.id = "dialog-title";
  title.tabIndex = -1;
  title.textContent = "This profile didn't load";
  const message = document.createElement("p");
  message.textContent = "Check your connection and try again, or open the profile as a page.";
  box.append(title, message);
  if (link) {
    const links = document.createElement("p");
    links.className = "error-box__links";
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = "Open the full profile";
    links.append(a);
    box.append(links);
  }
  body.replaceChildren(box);
  focusTitle(body);
}

function focusTitle(body: HTMLElement): void {
  const dialog = dialogElement();
  if (!dialog?.open) return;
  body.scrollTop = 0;
  const title = body.querySelector<HTMLElement>("#dialog-title");
  if (title) {
    if (!title.hasAttribute("tabindex")) title.tabIndex = -1;
    title.focus({ preventScroll: true });
  }
}

/** True when an htmx event concerns the dialog body. */
function targetsDialog(event: Event): boolean {
  return htmxDetail(event).target?.id === BODY_ID;
}

export function initDialog(): void {
  // Capture phase: runs before htmx's own click listener on the link.
  document.addEventListener(
    "click",
    (event) => {
      const link = eventElement(event)?.closest(OPENER);
      if (!(link instanceof HTMLAnchorElement)) return;
      const dialog = dialogElement();
      const body = bodyElement();
      if (isModifiedClick(event) || !dialog || !body) {
        // New tab or window (or no dialog on this page): keep htmx out and let the browser
        // follow the link.
        event.stopPropagation();
        return;
      }
      opener = link;
      showLoading(body, link);
      if (!dialog.open) dialog.showModal();
    },
    { capture: true },
  );

  // Only the response for the current opener may fill the dialog (a slow earlier request
  // must not replace a later one). Error responses that carry a body (the server's error
  // fragment) are swapped in too; htmx 2 would otherwise drop them.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (!targetsDialog(event)) return;
    const detail = htmxDetail(event);
    if (requester(event) !== opener || !dialogElement()?.open) {
      detail.shouldSwap = false;
      return;
    }
    const xhr = detail.xhr;
    if (xhr && xhr.status >= 400 && xhr.responseText.trim() !== "") {
      detail.shouldSwap = true;
    }
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    if (!targetsDialog(event)) return;
    const body = bodyElement();
    if (body) focusTitle(body);
  });

  const onFailure = (event: Event): void => {
    if (!targetsDialog(event)) return;
    const body = bodyElement();
    if (!body || requester(event) !== opener) return;
    // Keep the server's error fragment when it was swapped in; otherwise explain here.
    if (!body.querySelector(".error-box")) showError(body, opener);
  };
  document.addEventListener("htmx:responseError", onFailure);
  document.addEventListener("htmx:sendError", onFailure);
  document.addEventListener("htmx:timeout", onFailure);

  // Backdrop click: the dialog has no padding and its frame fills it, so a click whose press
  // and release both land on the <dialog> element itself is a click on the backdrop.
  document.addEventListener("pointerdown", (event) => {
    pressedOn = event.target;
  });
  document.addEventListener("click", (event) => {
    const dialog = dialogElement();
    if (dialog?.open && event.target === dialog && pressedOn === dialog) dialog.close();
  });

  // `close` does not bubble: listen in the capture phase so this survives the dialog being
  // replaced by an htmx history restore.
  document.addEventListener(
    "close",
    (event) => {
      if (event.target !== dialogElement()) return;
      const link = opener;
      opener = null;
      if (link?.isConnected) link.focus();
    },
    { capture: true },
  );
}
