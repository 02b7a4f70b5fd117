// A fake of the Stripe API calls the app makes (Checkout Sessions, refunds) and of Stripe's
// hosted Checkout page, with the webhooks real Stripe sends, signed with the endpoint secret
// the way Stripe signs them (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`).
//
//   POST /v1/checkout/sessions                create (form-encoded; Idempotency-Key replays)
//   GET  /v1/checkout/sessions/:id            retrieve; with expand[]=invoice the invoice
//                                             Checkout made (invoice_creation[enabled])
//   POST /v1/checkout/sessions/:id/expire     expire (only while open) -> checkout.session.expired
//   POST /v1/refunds                          refund a payment intent -> charge.refunded
//   GET  /v1/refunds?payment_intent=…         the payment's refunds, newest first
//   GET  /v1/payment_intents/:id              a paid session's payment intent; with
//                                             expand[]=latest_charge its charge (and receipt),
//                                             with expand[]=latest_charge.balance_transaction
//                                             also the charge's balance transaction (fee, net)
//   GET  /pay/:id                             the hosted page: amount, email, a promotion
//                                             code field when the session allows codes
//                                             (allow_promotion_codes), "Pay" button
//   POST /pay/:id                             pay: session complete + paid, signed
//                                             checkout.session.completed, 303 to success_url.
//                                             A code (PROMOTION_CODES) comes off the total;
//                                             with nothing left to pay the session completes
//                                             as no_payment_required, with no payment intent
//   GET  /_test/sessions, /_test/calls, /_test/deliveries, /_test/refunds   what happened
//
// Events that follow an API call (expired, charge.refunded) go out after the answer, as with
// Stripe: E2E_STRIPE_EVENT_DELAY_MS later (default 0). 0 makes them race the app's own
// transaction as closely as real Stripe can. checkout.session.completed is delivered before
// the hosted page redirects to success_url; failed deliveries are retried 3 times.
import { createHash, createHmac } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

import { close, escapeHtml, header, listen, parseForm, randomId, sendHtml, sendJson } from "./http";

export interface FakeStripeOptions {
  port: number;
  secretKey: string;
  webhookSecret: string;
  /** Where events go: the app's `POST /webhooks/stripe`. */
  webhookUrl: string;
}

interface Session {
  id: string;
  object: "checkout.session";
  url: string | null;
  status: "open" | "complete" | "expired";
  payment_status: "paid" | "unpaid" | "no_payment_required";
  payment_intent: string | null;
  client_reference_id: string | null;
  customer_email: string | null;
  amount_subtotal: number | null;
  amount_total: number | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  allow_promotion_codes: boolean | null;
  invoice_creation: { enabled: boolean };
  /** The invoice's id, once Checkout made one (invoice_creation, after payment). */
  invoice: string | null;
  tax_id_collection: { enabled: boolean };
  currency: string | null;
  mode: string | null;
  metadata: Record<string, string>;
  success_url: string | null;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  livemode: false;
  custom_text: { submit: { message: string } | null };
  line_items_summary: { name: string; description: string; quantity: number; unit_amount: number }[];
}

interface Recorded {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, string>;
  status: number;
}

interface Delivery {
  eventId: string;
  type: string;
  objectId: string;
  attempt: number;
  status: number | string;
}

interface Stored {
  fingerprint: string;
  status: number;
  body: unknown;
}

const now = () => Math.floor(Date.now() / 1000);

/** The promotion codes the fake's account has, and the percentage each takes off. */
export const PROMOTION_CODES: Record<string, number> = { FRIEND25: 25, FULLRIDE: 100 };

function stripeError(res: ServerResponse, status: number, message: string, type = "invalid_request_error", param?: string) {
  sendJson(res, status, { error: { type, message, ...(param ? { param } : {}) } });
  return status;
}

/** The session as the API returns it (our bookkeeping fields left out). */
function publicSession(s: Session): Omit<Session, "line_items_summary"> {
  const { line_items_summary: _unused, ...rest } = s;
  return rest;
}

function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export async function startFakeStripe(options: FakeStripeOptions): Promise<{ close: () => Promise<void> }> {
  const base = `http://127.0.0.1:${options.port}`;
  const sessions = new Map<string, Session>();
  const idempotent = new Map<string, Stored>();
  const calls: Recorded[] = [];
  const deliveries: Delivery[] = [];
  const refunds: Record<string, unknown>[] = [];
  const pending = new Set<Promise<void>>();

  function sign(payload: string, timestamp: number): string {
    const signature = createHmac("sha256", options.webhookSecret).update(`${timestamp}.${payload}`).digest("hex");
    return `t=${timestamp},v1=${signature}`;
  }

  async function deliverOnce(event: Record<string, unknown>, attempt: number): Promise<boolean> {
    const payload = JSON.stringify(event);
    const data = event.data as { object: { id: string } };
    const record: Delivery = {
      eventId: String(event.id),
      type: String(event.type),
      objectId: data.object.id,
      attempt,
      status: "pending",
    };
    deliveries.push(record);
    try {
      const response = await fetch(options.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": sign(payload, now()),
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: payload,
      });
      record.status = response.status;
      await response.arrayBuffer();
      return response.ok;
    } catch (err) {
      record.status = `network error: ${String(err)}`;
      return false;
    }
  }

  /** Sends the event; like Stripe, retries failed deliveries (here 3 more times, quickly). */
  async function deliver(type: string, object: unknown, options_: { awaitFirst: boolean }): Promise<void> {
    const event = {
      id: randomId("evt_test_"),
      object: "event",
      api_version: "2026-03-25.dahlia",
      created: now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    };
    const run = async () => {
      for (let attempt = 1; attempt <= 4; attempt++) {
        if (await deliverOnce(event, attempt)) return;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    };
    if (options_.awaitFirst) {
      if (await deliverOnce(event, 1)) return;
      const retries = (async () => {
        for (let attempt = 2; attempt <= 4; attempt++) {
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
          if (await deliverOnce(event, attempt)) return;
        }
      })();
      track(retries);
      return;
    }
    // Stripe sends events after answering the API call, not during it.
    track(new Promise<void>((resolve) => setTimeout(resolve, Number(process.env.E2E_STRIPE_EVENT_DELAY_MS ?? 0))).then(run));
  }

  function track(p: Promise<void>) {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  /** Applies Stripe's idempotency: the first answer for a key is replayed; other params fail. */
  function replay(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): number | null {
    const key = header(req, "idempotency-key");
    if (!key) return null;
    const stored = idempotent.get(`${req.url}|${key}`);
    if (!stored) return null;
    if (stored.fingerprint !== fingerprint(params)) {
      return stripeError(
        res,
        400,
        "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        "idempotency_error",
      );
    }
    res.setHeader("idempotent-replayed", "true");
    sendJson(res, stored.status, stored.body);
    return stored.status;
  }

  function remember(req: IncomingMessage, params: Record<string, string>, status: number, body: unknown) {
    const key = header(req, "idempotency-key");
    if (key) idempotent.set(`${req.url}|${key}`, { fingerprint: fingerprint(params), status, body });
  }

  function fingerprint(params: Record<string, string>): string {
    return createHash("sha256")
      .update(JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b))))
      .digest("hex");
  }

  function currentSession(id: string): Session | undefined {
    const s = sessions.get(id);
    // Sessions past expires_at expire by themselves (Stripe then sends the event).
    if (s && s.status === "open" && s.expires_at <= now()) {
      s.status = "expired";
      s.url = null;
      void deliver("checkout.session.expired", publicSession(s), { awaitFirst: false });
    }
    return s;
  }

  function createSession(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): number {
    const replayed = replay(req, res, params);
    if (replayed !== null) return replayed;
    const required = [
      "mode",
      "success_url",
      "line_items[0][quantity]",
      "line_items[0][price_data][currency]",
      "line_items[0][price_data][unit_amount]",
      "line_items[0][price_data][product_data][name]",
    ];
    for (const name of required) {
      if (!params[name]) return stripeError(res, 400, `Missing required param: ${name}.`, "invalid_request_error", name);
    }
    if (params.mode !== "payment") return stripeError(res, 400, "This fake only does mode=payment.", undefined, "mode");
    const unitAmount = Number(params["line_items[0][price_data][unit_amount]"]);
    const quantity = Number(params["line_items[0][quantity]"]);
    if (!Number.isInteger(unitAmount) || unitAmount < 50 || !Number.isInteger(quantity) || quantity < 1) {
      return stripeError(res, 400, "Invalid integer amount or quantity.", undefined, "line_items[0][price_data][unit_amount]");
    }
    const created = now();
    let expiresAt = created + 24 * 3600;
    if (params.expires_at !== undefined) {
      expiresAt = Number(params.expires_at);
      const ahead = expiresAt - created;
      if (!Number.isInteger(expiresAt) || ahead < 30 * 60 || ahead > 24 * 3600) {
        return stripeError(
          res,
          400,
          "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
          undefined,
          "expires_at",
        );
      }
    }
    for (const url of ["success_url", "cancel_url"]) {
      const value = params[url];
      if (value !== undefined && !/^https?:\/\//.test(value)) {
        return stripeError(res, 400, `Not a valid URL: ${url}`, undefined, url);
      }
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m?.[1]) metadata[m[1]] = v;
    }
    const id = randomId("cs_test_a1", 56);
    const currency = params["line_items[0][price_data][currency]"] ?? "usd";
    const session: Session = {
      id,
      object: "checkout.session",
      url: `${base}/pay/${id}`,
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      client_reference_id: params.client_reference_id ?? null,
      customer_email: params.customer_email ?? null,
      amount_subtotal: unitAmount * quantity,
      amount_total: unitAmount * quantity,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      allow_promotion_codes: params.allow_promotion_codes === "true" ? true : null,
      invoice_creation: { enabled: params["invoice_creation[enabled]"] === "true" },
      invoice: null,
      tax_id_collection: { enabled: params["tax_id_collection[enabled]"] === "true" },
      currency,
      mode: params.mode,
      metadata,
      success_url: params.success_url ?? null,
      cancel_url: params.cancel_url ?? null,
      expires_at: expiresAt,
      created,
      livemode: false,
      custom_text: { submit: params["custom_text[submit][message]"] ? { message: params["custom_text[submit][message]"] } : null },
      line_items_summary: [
        {
          name: params["line_items[0][price_data][product_data][name]"] ?? "",
          description: params["line_items[0][price_data][product_data][description]"] ?? "",
          quantity,
          unit_amount: unitAmount,
        },
      ],
    };
    sessions.set(id, session);
    const body = publicSession(session);
    remember(req, params, 200, body);
    sendJson(res, 200, body);
    return 200;
  }

  function expireSession(res: ServerResponse, id: string): number {
    const s = currentSession(id);
    if (!s) return stripeError(res, 404, `No such checkout.session: '${id}'`, undefined, "session");
    if (s.status !== "open") {
      return stripeError(res, 400, 'Only Checkout Sessions with a status in ["open"] can be expired.');
    }
    s.status = "expired";
    s.url = null;
    sendJson(res, 200, publicSession(s));
    void deliver("checkout.session.expired", publicSession(s), { awaitFirst: false });
    return 200;
  }

  function createRefund(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): number {
    const replayed = replay(req, res, params);
    if (replayed !== null) return replayed;
    const paymentIntent = params.payment_intent;
    const session = [...sessions.values()].find((s) => s.payment_intent && s.payment_intent === paymentIntent);
    if (!paymentIntent || !session) {
      return stripeError(res, 400, `No such payment_intent: '${paymentIntent ?? ""}'`, undefined, "payment_intent");
    }
    const paid = session.amount_total ?? 0;
    const already = refunds
      .filter((r) => r.payment_intent === paymentIntent)
      .reduce((sum, r) => sum + Number(r.amount), 0);
    const amount = params.amount === undefined ? paid - already : Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1 || already + amount > paid) {
      return stripeError(
        res,
        400,
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${paid - already}).`,
        undefined,
        "amount",
      );
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m?.[1]) metadata[m[1]] = v;
    }
    const refund = {
      id: randomId("re_test_"),
      object: "refund",
      amount,
      currency: session.currency,
      payment_intent: paymentIntent,
      reason: params.reason ?? null,
      metadata,
      status: "succeeded",
      created: now(),
    };
    refunds.push(refund);
    remember(req, params, 200, refund);
    sendJson(res, 200, refund);
    const refunded = already + amount;
    void deliver(
      "charge.refunded",
      {
        id: `ch_for_${paymentIntent}`,
        object: "charge",
        amount: paid,
        amount_refunded: refunded,
        currency: session.currency,
        payment_intent: paymentIntent,
        refunded: refunded >= paid,
        status: "succeeded",
      },
      { awaitFirst: false },
    );
    return 200;
  }

  function hostedPage(res: ServerResponse, id: string, notice?: string): void {
    const s = currentSession(id);
    if (!s) {
      sendHtml(res, 404, page("Checkout not found", `<h1>Something went wrong</h1><p>This checkout page does not exist.</p>`));
      return;
    }
    const item = s.line_items_summary[0];
    const total = money(s.amount_total ?? 0, s.currency ?? "usd");
    if (s.status !== "open") {
      const text = s.status === "complete" ? "This checkout is already paid." : "This checkout session has expired.";
      sendHtml(res, 410, page("Checkout closed", `<h1>${escapeHtml(text)}</h1>`));
      return;
    }
    const back = s.cancel_url ? `<p><a href="${escapeHtml(s.cancel_url)}">&larr; Back</a></p>` : "";
    const submitText = s.custom_text.submit ? `<p class="custom-text">${escapeHtml(s.custom_text.submit.message)}</p>` : "";
    sendHtml(
      res,
      200,
      page(
        `Pay ${total}`,
        `${back}
        <h1>Pay <span data-testid="amount">${escapeHtml(total)}</span></h1>
        <p class="item"><strong>${escapeHtml(item?.name ?? "")}</strong><br>${escapeHtml(item?.description ?? "")}</p>
        ${notice ? `<p role="alert">${escapeHtml(notice)}</p>` : ""}
        <form method="post" action="/pay/${escapeHtml(s.id)}">
          <p><label for="email">Email</label><br><input id="email" name="email" type="email" value="${escapeHtml(s.customer_email ?? "")}" readonly></p>
          <p><label for="card">Card information</label><br><input id="card" name="card" value="4242 4242 4242 4242" readonly></p>
          ${s.allow_promotion_codes ? `<p><label for="promotion_code">Promotion code</label><br><input id="promotion_code" name="promotion_code" autocomplete="off"></p>` : ""}
          <button type="submit">Pay</button>
        </form>
        ${submitText}
        <p class="test">Test mode: the fake Stripe Checkout of the browser tests.</p>`,
      ),
    );
  }

  async function pay(res: ServerResponse, id: string, form: Record<string, string>): Promise<number> {
    const s = currentSession(id);
    if (!s || s.status !== "open") {
      hostedPage(res, id);
      return 410;
    }
    const code = (form.promotion_code ?? "").trim().toUpperCase();
    if (code && s.allow_promotion_codes) {
      const percentOff = PROMOTION_CODES[code];
      if (percentOff === undefined) {
        hostedPage(res, id, "This code is invalid.");
        return 400;
      }
      const subtotal = s.amount_subtotal ?? 0;
      const discount = Math.round((subtotal * percentOff) / 100);
      s.total_details.amount_discount = discount;
      s.amount_total = subtotal - discount;
    }
    s.status = "complete";
    s.url = null;
    if (s.amount_total === 0) {
      // As Stripe: nothing to pay, no payment made.
      s.payment_status = "no_payment_required";
      s.payment_intent = null;
    } else {
      s.payment_status = "paid";
      s.payment_intent = randomId("pi_test_");
      if (s.invoice_creation.enabled) s.invoice = randomId("in_test_");
    }
    // Fulfilment arrives by webhook; the redirect below may race it, as with real Stripe.
    await deliver("checkout.session.completed", publicSession(s), { awaitFirst: true });
    const location = (s.success_url ?? `${base}/`).replace("{CHECKOUT_SESSION_ID}", s.id);
    res.writeHead(303, { location });
    res.end();
    return 303;
  }

  const server: Server = await listen(options.port, "fake Stripe", async (req, res, body) => {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;
    const method = req.method ?? "GET";

    if (path.startsWith("/_test/")) {
      if (path === "/_test/sessions") return sendJson(res, 200, [...sessions.values()]);
      if (path === "/_test/calls") return sendJson(res, 200, calls);
      if (path === "/_test/deliveries") return sendJson(res, 200, deliveries);
      if (path === "/_test/refunds") return sendJson(res, 200, refunds);
      return sendJson(res, 404, { error: "unknown test endpoint" });
    }

    const payMatch = /^\/pay\/([A-Za-z0-9_]+)$/.exec(path);
    if (payMatch?.[1]) {
      if (method === "GET") return hostedPage(res, payMatch[1]);
      if (method === "POST") {
        await pay(res, payMatch[1], parseForm(body));
        return;
      }
    }

    if (!path.startsWith("/v1/")) return sendHtml(res, 404, page("Not found", "<h1>Not found</h1>"));

    const params = method === "GET" ? Object.fromEntries(url.searchParams) : parseForm(body);
    const record: Recorded = { method, path, idempotencyKey: header(req, "idempotency-key") ?? null, params, status: 0 };
    calls.push(record);
    if (header(req, "authorization") !== `Bearer ${options.secretKey}`) {
      record.status = stripeError(res, 401, "Invalid API Key provided.");
      return;
    }
    let m: RegExpExecArray | null;
    if (path === "/v1/checkout/sessions" && method === "POST") {
      record.status = createSession(req, res, params);
    } else if ((m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)) && m[1] && method === "GET") {
      const s = currentSession(decodeURIComponent(m[1]));
      if (s) {
        const expanded = url.searchParams.getAll("expand[]").includes("invoice") && s.invoice;
        const invoice = expanded
          ? { id: s.invoice, object: "invoice", status: "paid", hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${s.invoice}` }
          : s.invoice;
        sendJson(res, 200, { ...publicSession(s), invoice });
        record.status = 200;
      } else {
        record.status = stripeError(res, 404, `No such checkout.session: '${m[1]}'`, undefined, "session");
      }
    } else if ((m = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)) && m[1] && method === "POST") {
      record.status = expireSession(res, decodeURIComponent(m[1]));
    } else if (path === "/v1/refunds" && method === "POST") {
      record.status = createRefund(req, res, params);
    } else if (path === "/v1/refunds" && method === "GET") {
      const data = refunds.filter((r) => r.payment_intent === params.payment_intent).reverse();
      sendJson(res, 200, { object: "list", url: "/v1/refunds", has_more: false, data });
      record.status = 200;
    } else if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && m[1] && method === "GET") {
      const id = decodeURIComponent(m[1]);
      const paid = [...sessions.values()].find((x) => x.payment_intent === id);
      if (paid) {
        // As Stripe: `latest_charge` is the charge's id unless expanded.
        const chargeId = `ch_${id.replace(/^pi_/, "")}`;
        const expands = url.searchParams.getAll("expand[]");
        const amount = paid.amount_total ?? 0;
        // Stripe's card fee, in the fake: 2.9% + 30 minor units; the account settles in the
        // charge's currency. A bare id unless expanded, as Stripe answers.
        const fee = Math.floor((amount * 29 + 500) / 1000) + 30;
        const balanceTransactionId = `txn_${id.replace(/^pi_/, "")}`;
        const charge = {
          id: chargeId,
          object: "charge",
          paid: true,
          amount,
          currency: paid.currency,
          balance_transaction: expands.includes("latest_charge.balance_transaction")
            ? { id: balanceTransactionId, object: "balance_transaction", amount, fee, net: amount - fee, currency: paid.currency }
            : balanceTransactionId,
          // Stripe's receipts live on pay.stripe.com (https): the app keeps only such links.
          receipt_url: `https://pay.stripe.com/receipts/payment/${chargeId}`,
        };
        const expanded = expands.some((e) => e === "latest_charge" || e.startsWith("latest_charge."));
        sendJson(res, 200, { id, object: "payment_intent", status: "succeeded", latest_charge: expanded ? charge : chargeId });
        record.status = 200;
      } else {
        record.status = stripeError(res, 404, `No such payment_intent: '${id}'`, undefined, "payment_intent");
      }
    } else {
      record.status = stripeError(res, 404, `Unrecognized request URL (${method}: ${path}).`);
    }
  });

  return {
    close: async () => {
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 2000))]);
      await close(server);
    },
  };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Stripe Checkout (test fake)</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #f6f9fc; margin: 0; }
  main { max-width: 28rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #6b7280; border-radius: 4px; }
  button { width: 100%; padding: .75rem; font: inherit; font-weight: 600; color: #fff; background: #0a2540; border: 0; border-radius: 6px; cursor: pointer; }
  .custom-text, .test { color: #4b5563; font-size: .875rem; }
  a { color: #0a2540; }
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}
