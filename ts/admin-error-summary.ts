/**
 * After a form comes back with problems, focus moves to its error summary
 * (`[data-error-summary]`, which has tabindex="-1"), so keyboard and screen-reader users land
 * on the list of what to fix, each item a link to its field. Without JavaScript the summary
 * is simply the first thing in the page's content.
 */
export function initAdminErrorSummary(): void {
  const focus = () => {
    const summary = document.querySelector<HTMLElement>("[data-error-summary]");
    if (summary && !window.location.hash) summary.focus();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focus, { once: true });
  } else {
    focus();
  }
}
