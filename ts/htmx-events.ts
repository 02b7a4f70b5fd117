/**
 * The parts of htmx event details this site reads. htmx types its events loosely (plain
 * `Event`), so each module narrows them through `htmxDetail` instead of casting everywhere.
 */
export interface HtmxEventDetail {
  /** The element the event was dispatched on (htmx overwrites this per event). */
  elt?: Element;
  /** The request, including the element that issued it (a link or a form). */
  requestConfig?: { elt?: Element };
  /** The element being swapped. After an outerHTML swap it is the old, detached element. */
  target?: Element;
  xhr?: XMLHttpRequest;
  successful?: boolean;
  failed?: boolean;
  /** Writable in `htmx:beforeSwap`. */
  shouldSwap?: boolean;
  /** Writable in `htmx:beforeSwap`. */
  isError?: boolean;
  pathInfo?: { requestPath?: string; finalRequestPath?: string };
}

export function htmxDetail(event: Event): HtmxEventDetail {
  if (event instanceof CustomEvent && typeof event.detail === "object" && event.detail !== null) {
    return event.detail as HtmxEventDetail;
  }
  return {};
}

/**
 * The element that issued the request an htmx event is about. Not `detail.elt`: htmx sets
 * that to whichever element the event is dispatched on (e.g. the swap target).
 */
export function requester(event: Event): Element | undefined {
  const detail = htmxDetail(event);
  return detail.requestConfig?.elt ?? detail.elt;
}

/** The element a DOM event started on, when it is an element (not a text node or window). */
export function eventElement(event: Event): Element | null {
  return event.target instanceof Element ? event.target : null;
}
