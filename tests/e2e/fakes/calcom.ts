// A fake of the cal.com API v2 calls the app makes, holding the bookings that the embed double
// creates. Like the real API it wants `Authorization: Bearer <key>` and a `cal-api-version`.
//
//   GET  /v2/bookings/:uid            {status: "success", data: Booking} or 404
//   POST /v2/bookings/:uid/confirm    pending -> accepted
//   POST /v2/bookings/:uid/decline    pending -> rejected (body {reason})
//   POST /v2/bookings/:uid/cancel     pending or accepted -> cancelled (body {cancellationReason})
//
// As cal.com does: confirming makes the video room, so an accepted booking carries its link
// in `meetingUrl` and `location` (handleConfirmation.ts runs EventManager's create); a
// reschedule made in the booker is a new pending booking naming the old one in
// `rescheduledFromUid` (RegularBookingService.ts), and the old one stays until then.
//
// Test side (no auth; the embed double and the specs call these):
//   POST /_test/bookings              what cal.com does when someone books in the embed:
//                                     {calLink, start, attendee: {name, email, timeZone}, hostEmail}
//                                     -> a pending booking of that link's event type
//   GET  /_test/bookings[?hostEmail=]  the bookings
//   GET  /_test/calls[?uid=]           every API call made to the fake, in order
import type { Server } from "node:http";

import { close, header, listen, parseJson, randomId, sendJson } from "./http";
import { CAL_EVENT_TYPES } from "./settings";

export interface FakeCalOptions {
  port: number;
  apiKey: string;
}

export interface CalBooking {
  id: number;
  uid: string;
  title: string;
  description: string;
  status: "pending" | "accepted" | "rejected" | "cancelled";
  start: string;
  end: string;
  duration: number;
  eventTypeId: number;
  eventType: { id: number; slug: string };
  hosts: { id: number; name: string; email: string; username: string; timeZone: string }[];
  attendees: { name: string; email: string; timeZone: string; absent: boolean }[];
  location: string;
  meetingUrl?: string;
  rescheduledFromUid?: string;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface CalCall {
  method: string;
  path: string;
  uid: string | null;
  action: "get" | "confirm" | "decline" | "cancel" | "other";
  apiVersion: string | null;
  authorised: boolean;
  body: unknown;
  status: number;
  at: string;
}

interface NewBooking {
  calLink?: string;
  start?: string;
  hostEmail?: string;
  /** Set by the booker when it runs cal.com's reschedule flow (`?rescheduleUid=`). */
  rescheduleUid?: string;
  attendee?: { name?: string; email?: string; timeZone?: string };
}

export async function startFakeCal(options: FakeCalOptions): Promise<{ close: () => Promise<void> }> {
  const bookings = new Map<string, CalBooking>();
  const calls: CalCall[] = [];
  let nextId = 1;

  const error = (status: number, code: string, message: string) => ({
    status,
    body: { status: "error", timestamp: new Date().toISOString(), path: "", error: { code, message } },
  });

  function createFromEmbed(input: NewBooking): { status: number; body: unknown } {
    const calLink = (input.calLink ?? "").replace(/^\/+|\/+$/g, "");
    const eventType = CAL_EVENT_TYPES[calLink];
    if (!eventType) return error(404, "NotFoundException", `No event type at ${calLink}`);
    const start = new Date(input.start ?? "");
    if (Number.isNaN(start.getTime()) || start.getTime() <= Date.now()) {
      return error(400, "BadRequestException", "start must be a time in the future");
    }
    const attendee = input.attendee ?? {};
    if (!attendee.name || !attendee.email || !input.hostEmail) {
      return error(400, "BadRequestException", "attendee name and email, and hostEmail, are required");
    }
    const [username = "", slug = ""] = calLink.split("/");
    const end = new Date(start.getTime() + eventType.lengthInMinutes * 60_000);
    const now = new Date().toISOString();
    const booking: CalBooking = {
      id: nextId++,
      uid: randomId("", 22),
      title: `${eventType.title} between ${username} and ${attendee.name}`,
      description: "",
      // The event types require confirmation: a new booking waits, holding the slot.
      status: "pending",
      start: start.toISOString().replace(/\.\d{3}Z$/, ".000Z"),
      end: end.toISOString().replace(/\.\d{3}Z$/, ".000Z"),
      duration: eventType.lengthInMinutes,
      eventTypeId: eventType.id,
      eventType: { id: eventType.id, slug },
      hosts: [{ id: 100 + eventType.id % 100, name: username, email: input.hostEmail, username, timeZone: "Europe/Berlin" }],
      attendees: [{ name: attendee.name, email: attendee.email, timeZone: attendee.timeZone ?? "UTC", absent: false }],
      location: "integrations:daily",
      ...(input.rescheduleUid && bookings.has(input.rescheduleUid) ? { rescheduledFromUid: input.rescheduleUid } : {}),
      metadata: {},
      createdAt: now,
      updatedAt: now,
    };
    bookings.set(booking.uid, booking);
    return { status: 201, body: { status: "success", data: booking } };
  }

  const server: Server = await listen(options.port, "fake cal.com API", (req, res, body) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${options.port}`);
    const path = url.pathname;
    const method = req.method ?? "GET";

    if (path === "/_test/bookings" && method === "POST") {
      const input = parseJson(body);
      const result = createFromEmbed((input ?? {}) as NewBooking);
      return sendJson(res, result.status, result.body);
    }
    if (path === "/_test/bookings" && method === "GET") {
      const host = url.searchParams.get("hostEmail");
      return sendJson(
        res,
        200,
        [...bookings.values()].filter((b) => !host || b.hosts.some((h) => h.email === host)),
      );
    }
    if (path === "/_test/calls" && method === "GET") {
      const uid = url.searchParams.get("uid");
      return sendJson(res, 200, calls.filter((c) => !uid || c.uid === uid));
    }

    // GET /v2/event-types/:id (cal-api-version 2024-06-14): the admin panel checks that the
    // interviewer's event type requires confirmation and blocks the slot while pending.
    const eventType = /^\/v2\/event-types\/(\d+)$/.exec(path);
    if (eventType && method === "GET") {
      if (header(req, "authorization") !== `Bearer ${options.apiKey}`) {
        return sendJson(res, 401, { status: "error", error: { code: "UnauthorizedException", message: "Invalid API key" } });
      }
      const id = Number(eventType[1]);
      const entry = Object.entries(CAL_EVENT_TYPES).find(([, e]) => e.id === id);
      if (!entry) return sendJson(res, 404, { status: "error", error: { code: "NotFoundException", message: "Event type not found" } });
      const [link, e] = entry;
      const [username, slug] = link.split("/");
      return sendJson(res, 200, {
        status: "success",
        data: {
          id: e.id,
          slug,
          title: e.title,
          lengthInMinutes: e.lengthInMinutes,
          users: [{ username }],
          confirmationPolicy: { type: "always", blockUnconfirmedBookingsInBooker: true, disabled: false },
        },
      });
    }

    const m = /^\/v2\/bookings\/([^/]+)(?:\/(confirm|decline|cancel))?$/.exec(path);
    const uid = m?.[1] ? decodeURIComponent(m[1]) : null;
    const action: CalCall["action"] = !m ? "other" : m[2] === "confirm" || m[2] === "decline" || m[2] === "cancel" ? m[2] : "get";
    const authorised = header(req, "authorization") === `Bearer ${options.apiKey}`;
    const apiVersion = header(req, "cal-api-version") ?? null;
    const call: CalCall = {
      method,
      path,
      uid,
      action,
      apiVersion,
      authorised,
      body: parseJson(body) ?? body,
      status: 0,
      at: new Date().toISOString(),
    };
    calls.push(call);
    const answer = (result: { status: number; body: unknown }) => {
      call.status = result.status;
      sendJson(res, result.status, result.body);
    };

    if (!authorised) return answer(error(401, "UnauthorizedException", "Invalid API key"));
    // Without the header the API answers with an older version of the endpoint: refuse, so a
    // missing header shows up in the tests.
    if (apiVersion !== "2024-08-13") {
      return answer(error(400, "BadRequestException", `this fake speaks cal-api-version 2024-08-13, got ${apiVersion}`));
    }
    if (!m || !uid) return answer(error(404, "NotFoundException", `Cannot ${method} ${path}`));
    const booking = bookings.get(uid);
    if (!booking) return answer(error(404, "NotFoundException", `Booking with uid=${uid} was not found in the database`));

    if (action === "get" && method === "GET") {
      return answer({ status: 200, body: { status: "success", data: booking } });
    }
    if (action === "confirm" && method === "POST") {
      if (booking.status !== "pending" && booking.status !== "accepted") {
        return answer(error(400, "BadRequestException", `Booking is ${booking.status}`));
      }
      booking.status = "accepted";
      booking.meetingUrl = `https://app.cal.com/video/${booking.uid}`;
      booking.location = booking.meetingUrl;
      booking.updatedAt = new Date().toISOString();
      return answer({ status: 200, body: { status: "success", data: booking } });
    }
    if (action === "decline" && method === "POST") {
      if (booking.status !== "pending" && booking.status !== "rejected") {
        return answer(error(400, "BadRequestException", `Booking is ${booking.status}`));
      }
      booking.status = "rejected";
      booking.updatedAt = new Date().toISOString();
      return answer({ status: 200, body: { status: "success", data: booking } });
    }
    if (action === "cancel" && method === "POST") {
      if (booking.status === "rejected") {
        return answer(error(400, "BadRequestException", `Booking is ${booking.status}`));
      }
      booking.status = "cancelled";
      booking.updatedAt = new Date().toISOString();
      return answer({ status: 200, body: { status: "success", data: booking } });
    }
    return answer(error(404, "NotFoundException", `Cannot ${method} ${path}`));
  });

  return { close: () => close(server) };
}
