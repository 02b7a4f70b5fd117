/**
 * The feedback report's "Print or save as PDF" button (public/booking/report.html): shown
 * only with JavaScript, where it can open the print dialog; without it, the hint beside it
 * says how.
 */
export function initPrintButton(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-print]")) {
    button.hidden = false;
    document.querySelector("[data-print-hint]")?.setAttribute("hidden", "");
    button.addEventListener("click", () => window.print());
  }
}
