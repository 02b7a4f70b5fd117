/**
 * Asks before a destructive admin action (deactivate, delete, refund, merge). A form, or the
 * button that submits it, carries `data-confirm="Question?"`; if the person cancels the
 * browser's dialog, nothing is sent. Without JavaScript the form simply submits: the server
 * never relies on this question.
 */
const SELECTOR = "[data-confirm]";

function question(event: SubmitEvent): string | null {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return null;
  const submitter = event.submitter;
  const holder = submitter?.closest(SELECTOR) ?? form.closest(SELECTOR);
  return holder?.getAttribute("data-confirm") ?? null;
}

export function initAdminConfirm(): void {
  document.addEventListener("submit", (event) => {
    const message = question(event);
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });
}
