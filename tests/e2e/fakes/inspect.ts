// What the specs read back from the fakes and from the real SMTP server (maildev).
import { CALCOM_API_BASE_URL, STRIPE_BASE_URL } from "./settings";

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

export interface CalBookingSeen {
  uid: string;
  status: string;
  start: string;
  eventTypeId: number;
  attendees: { name: string; email: string }[];
}

/** The bookings the fake cal.com holds for a host. */
export function calBookings(hostEmail: string): Promise<CalBookingSeen[]> {
  return getJson(`${CALCOM_API_BASE_URL}/_test/bookings?hostEmail=${encodeURIComponent(hostEmail)}`);
}

export interface CalCallSeen {
  method: string;
  action: "get" | "confirm" | "decline" | "cancel" | "other";
  authorised: boolean;
  apiVersion: string | null;
  status: number;
}

/** The API calls the app made to the fake cal.com about one booking, in order. */
export function calCalls(uid: string): Promise<CalCallSeen[]> {
  return getJson(`${CALCOM_API_BASE_URL}/_test/calls?uid=${encodeURIComponent(uid)}`);
}

export interface StripeSessionSeen {
  id: string;
  status: string;
  payment_status: string;
  payment_intent: string | null;
  client_reference_id: string | null;
  customer_email: string | null;
  amount_total: number | null;
  currency: string | null;
  metadata: Record<string, string>;
  success_url: string | null;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  custom_text: { submit: { message: string } | null };
}

/** The Checkout Sessions created for one of our bookings. */
export async function stripeSessions(bookingId: string): Promise<StripeSessionSeen[]> {
  const all = await getJson<StripeSessionSeen[]>(`${STRIPE_BASE_URL}/_test/sessions`);
  return all.filter((s) => s.client_reference_id === bookingId);
}

export interface DeliverySeen {
  eventId: string;
  type: string;
  objectId: string;
  attempt: number;
  status: number | string;
}

/** The webhook deliveries the fake Stripe made about one object (session, charge). */
export async function stripeDeliveries(objectId: string): Promise<DeliverySeen[]> {
  const all = await getJson<DeliverySeen[]>(`${STRIPE_BASE_URL}/_test/deliveries`);
  return all.filter((d) => d.objectId === objectId);
}

export interface MailSeen {
  subject: string;
  text: string;
  html: string;
  to: { address: string; name: string }[];
  from: { address: string; name: string }[];
}

/**
 * Mail maildev received for `address`. maildev is shared by every worker and project, so
 * always ask for an address unique to the test.
 */
export async function mailTo(address: string): Promise<MailSeen[]> {
  const base = process.env.TEST_MAILDEV_URL;
  if (!base) throw new Error("TEST_MAILDEV_URL is not set: run the browser tests with `make test-e2e`");
  const all = await getJson<MailSeen[]>(`${base}/email`);
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}
