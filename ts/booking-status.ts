/**
 * The thank-you page's status block (public/booking/thanks.html: `#booking-status`) asks the
 * server every 3 s while the payment is pending. An answer with the same status is not
 * swapped in: the block would be rebuilt for nothing, undoing a text selection (people copy
 * the booking reference) and re-announcing the same text in its live region. The current
 * block keeps polling; a new status replaces it (and a final one stops the polling).
 */
import { htmxDetail } from "./htmx-events";

const STATUS_ID = "booking-status";

function paymentOf(html: string): string | null {
  const doc = new DOMParser().parseFromString(html, "text/html");
  return doc.getElementById(STATUS_ID)?.getAttribute("data-payment") ?? null;
}

export function initBookingStatus(): void {
  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = htmxDetail(event);
    if (detail.target?.id !== STATUS_ID || !detail.xhr || detail.xhr.status !== 200) return;
    const current = detail.target.getAttribute("data-payment");
    if (current !== null && paymentOf(detail.xhr.responseText) === current) {
      detail.shouldSwap = false;
    }
  });
}
