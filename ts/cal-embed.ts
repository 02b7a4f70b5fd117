/**
 * The cal.com calendar on the booking page (public/booking/book.html: `[data-cal-embed]`).
 *
 * Loads cal.com's inline embed through its npm loader (`@calcom/embed-snippet`, which adds
 * `<origin>/embed/embed.js` to the page), in the "booking" namespace, themed like the site.
 * When the customer books a slot, cal.com reports `bookingSuccessfulV2`; only its `uid` is
 * posted to our server (`data-create-url`), which checks the booking with cal.com itself and
 * answers `{next}` (the details form) or `{error}`. Everything that can go wrong says so in
 * `[data-cal-error]`: the script not loading, cal.com reporting `linkFailed`, no sign of life
 * within 15 s, or the server refusing the booking (with "Try again" when it may pass later).
 *
 * The customer's reschedule page (public/booking/reschedule.html) uses the same calendar with
 * `data-reschedule-uid`: cal.com's booker then runs its reschedule flow for that booking
 * (the `rescheduleUid` query parameter, which the embed passes through from `config`), and
 * reports the new booking with `rescheduleBookingSuccessfulV2`; its uid is posted the same way.
 */
import EmbedSnippet from "@calcom/embed-snippet";

const ROOT = "[data-cal-embed]";
const NAMESPACE = "booking";
const LOAD_TIMEOUT_MS = 15_000;
/** Used when the brand token cannot be read (the light theme's --brand). */
const FALLBACK_BRAND = "#0b6b64";

/**
 * The part of cal.com's API this module uses, declared here rather than imported: the typings
 * of `@calcom/embed-core` import `react` and `next/navigation`, which this project does not
 * have (see docs: integrations reference, 1.5).
 */
interface CalInlineOptions {
  elementOrSelector: HTMLElement | string;
  calLink: string;
  config?: {
    layout?: "month_view" | "week_view" | "column_view";
    theme?: "light" | "dark" | "auto";
    /** Opens cal.com's reschedule flow for this booking. */
    rescheduleUid?: string;
  };
}

interface CalUiOptions {
  hideEventTypeDetails?: boolean;
  /** CSS variables of the booker per theme (`styles` is deprecated: embed-core logs it). */
  cssVarsPerTheme?: { light?: Record<string, string>; dark?: Record<string, string> };
}

/** `e.detail.data` of the events used here; only what is read. */
interface CalEventData {
  bookingSuccessfulV2: { uid?: string };
  rescheduleBookingSuccessfulV2: { uid?: string };
  linkReady: Record<string, never>;
  linkFailed: { code?: number | string; msg?: string };
}

type CalEventName = keyof CalEventData;

interface CalEvent<K extends CalEventName> {
  detail: { data: CalEventData[K] };
}

interface CalNamespaceApi {
  (instruction: "inline", options: CalInlineOptions): void;
  (instruction: "ui", options: CalUiOptions): void;
  <K extends CalEventName>(
    instruction: "on",
    options: { action: K; callback: (event: CalEvent<K>) => void },
  ): void;
}

interface CalGlobal {
  (instruction: "init", namespace: string, options: { origin: string }): void;
  ns: Record<string, CalNamespaceApi | undefined>;
}

/** What the server answers to the uid, as far as it is read. */
interface CreateAnswer {
  next?: unknown;
  error?: unknown;
}

/**
 * loading -> ready | load-failed; ready (or load-failed: the calendar may still have come up)
 * -> creating -> done | create-failed; create-failed -> creating ("Try again").
 */
type Phase = "loading" | "ready" | "load-failed" | "creating" | "create-failed" | "done";

class CalEmbed {
  private phase: Phase = "loading";
  private timer: number | undefined;
  private uid: string | null = null;
  /** The error block's own text, shown again for load failures after a custom message. */
  private defaultMessage: string | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly section: Element,
  ) {}

  start(): void {
    const link = this.root.dataset["calLink"] ?? "";
    const origin = (this.root.dataset["calOrigin"] ?? "").replace(/\/+$/, "");
    if (!link || !/^https?:\/\//.test(origin)) {
      this.fail();
      return;
    }
    const scriptUrl = `${origin}/embed/embed.js`;
    // The loader's own typings reach into embed-core (see above); this is the one place the
    // two meet.
    const Cal = EmbedSnippet(scriptUrl) as unknown as CalGlobal;
    Cal("init", NAMESPACE, { origin });
    this.watchScript(scriptUrl);

    const cal = Cal.ns[NAMESPACE];
    if (!cal) {
      this.fail();
      return;
    }
    const rescheduleUid = this.root.dataset["rescheduleUid"];
    cal("inline", {
      elementOrSelector: this.root,
      calLink: link,
      config: {
        layout: "month_view",
        theme: prefersDark() ? "dark" : "light",
        ...(rescheduleUid ? { rescheduleUid } : {}),
      },
    });
    const brand = { "cal-brand": brandColor() };
    cal("ui", { hideEventTypeDetails: false, cssVarsPerTheme: { light: brand, dark: brand } });
    cal("on", { action: "linkReady", callback: () => this.ready() });
    cal("on", {
      action: "linkFailed",
      callback: (event) => {
        console.warn("cal.com embed failed", event.detail.data.code, event.detail.data.msg);
        this.fail();
      },
    });
    const onBooked = (event: { detail: { data: { uid?: string } } }): void => {
      const uid = event.detail.data.uid;
      if (typeof uid === "string" && uid !== "") void this.booked(uid);
    };
    cal("on", { action: "bookingSuccessfulV2", callback: onBooked });
    cal("on", { action: "rescheduleBookingSuccessfulV2", callback: onBooked });

    this.timer = window.setTimeout(() => {
      if (this.phase === "loading") this.fail();
    }, LOAD_TIMEOUT_MS);

    // Back from the details page through the back/forward cache, this page would still say
    // "Holding your slot": load it afresh instead.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && this.phase === "done") window.location.reload();
    });
  }

  /** The loader appends `<script src=…>` to <head> on the first call; watch it for errors. */
  private watchScript(src: string): void {
    const script = Array.from(document.head.querySelectorAll("script")).find((s) => s.src === src);
    script?.addEventListener("error", () => {
      if (this.phase === "loading") this.fail();
    });
  }

  private ready(): void {
    // After the timeout's message the calendar may still come up: then it works after all.
    if (this.phase !== "loading" && this.phase !== "load-failed") return;
    this.phase = "ready";
    this.clearTimer();
    this.root.hidden = false;
    this.root.classList.add("calendar-frame--ready");
    this.part("[data-cal-loading]")?.setAttribute("hidden", "");
    this.part("[data-cal-error]")?.setAttribute("hidden", "");
  }

  private fail(): void {
    if (this.phase !== "loading") return;
    this.phase = "load-failed";
    this.clearTimer();
    // An empty frame would push the explanation out of sight.
    this.root.hidden = true;
    this.showError(null, false);
  }

  private async booked(uid: string): Promise<void> {
    // The same booking reported twice (or a retry already under way) is posted once.
    if (this.phase === "creating" || this.phase === "done") return;
    this.clearTimer();
    this.uid = uid;
    this.phase = "creating";
    this.part("[data-cal-error]")?.setAttribute("hidden", "");
    const creating = this.part("[data-cal-creating]");
    creating?.removeAttribute("hidden");
    // cal.com's own "request submitted" screen would say the wrong thing while we move on.
    this.root.hidden = true;
    creating?.scrollIntoView({ block: "nearest" });
    await this.post();
  }

  private async post(): Promise<void> {
    const url = this.root.dataset["createUrl"];
    const uid = this.uid;
    if (!url || !uid) return;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ uid }).toString(),
      });
    } catch {
      this.createFailed(
        "We could not reach our server to hold your slot. Check your connection; the slot stays held for a while.",
        true,
      );
      return;
    }
    const answer = await readJson(response);
    if (response.ok) {
      const next = sameOriginUrl(answer?.next);
      if (next) {
        this.phase = "done";
        window.location.assign(next);
        return;
      }
    }
    const message =
      typeof answer?.error === "string" && answer.error !== ""
        ? answer.error
        : `Something went wrong on our side (error ${response.status}). Your slot stays held for a while.`;
    this.createFailed(message, response.status === 503 || response.status >= 500);
  }

  private createFailed(message: string, canRetry: boolean): void {
    this.phase = "create-failed";
    this.part("[data-cal-creating]")?.setAttribute("hidden", "");
    this.showError(message, canRetry);
  }

  /** Shows the error block, with `message` instead of its text when given. */
  private showError(message: string | null, canRetry: boolean): void {
    const box = this.part("[data-cal-error]");
    if (!(box instanceof HTMLElement)) return;
    const text = box.querySelector("[data-cal-error-message]");
    if (text) {
      this.defaultMessage ??= text.textContent ?? "";
      text.textContent = message ?? this.defaultMessage;
    }
    box.querySelector("[data-cal-retry]")?.remove();
    if (canRetry) {
      const actions = document.createElement("p");
      actions.className = "notice__actions";
      actions.dataset["calRetry"] = "";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary";
      button.textContent = "Try again";
      button.addEventListener("click", () => {
        if (this.phase !== "create-failed" || !this.uid) return;
        this.phase = "creating";
        box.hidden = true;
        this.part("[data-cal-creating]")?.removeAttribute("hidden");
        void this.post();
      });
      actions.append(button);
      box.append(actions);
    }
    box.hidden = false;
  }

  private part(selector: string): HTMLElement | null {
    return this.section.querySelector<HTMLElement>(selector);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function prefersDark(): boolean {
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/** The current theme's --brand (tokens.css), as cal.com wants it: a #rrggbb string. */
function brandColor(): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim();
  return /^#[0-9a-f]{6}$/i.test(value) ? value : FALLBACK_BRAND;
}

async function readJson(response: Response): Promise<CreateAnswer | null> {
  try {
    const value: unknown = await response.json();
    return typeof value === "object" && value !== null ? (value as CreateAnswer) : null;
  } catch {
    return null;
  }
}

/** `next` as an absolute URL on this site, or null: the answer must not send people elsewhere. */
function sameOriginUrl(next: unknown): string | null {
  if (typeof next !== "string") return null;
  try {
    const url = new URL(next, window.location.href);
    return url.origin === window.location.origin ? url.href : null;
  } catch {
    return null;
  }
}

/** Starts the embed on this page's `[data-cal-embed]`, once. */
export function initCalEmbed(): void {
  const root = document.querySelector<HTMLElement>(ROOT);
  if (!root || root.dataset["calStarted"] !== undefined) return;
  root.dataset["calStarted"] = "";
  // cal.com's embed.js opens a booking modal for any click inside an element with
  // data-cal-link (a document-level listener), and this container has one: keep clicks on it
  // (the loading line, the frame's edge) from reaching that listener.
  root.addEventListener("click", (event) => event.stopPropagation());
  // The loading, error and "holding" blocks are siblings of the embed, in its section.
  const section = root.closest("section") ?? root.parentElement ?? document.body;
  new CalEmbed(root, section).start();
}
