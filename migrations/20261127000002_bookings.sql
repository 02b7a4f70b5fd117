-- Bookings and the machinery that makes them reliable: de-duplicated webhook events and a
-- job queue (the outbox) for every side effect that calls the outside world.

-- The lifecycle (src/booking/lifecycle.rs owns every transition):
--   held             cal.com booking verified and pending (it blocks the slot); details not paid
--   awaiting_payment details given, a Stripe Checkout Session is open
--   paid             Stripe says paid; the cal.com booking gets confirmed, emails go out
--   expired          never paid in time; the cal.com booking is declined, freeing the slot
--   cancelled        cancelled or rejected in cal.com (a paid one may be owed a refund)
--   refunded         Stripe refunded the payment
create type booking_status as enum ('held', 'awaiting_payment', 'paid', 'expired', 'cancelled', 'refunded');

create table booking (
    booking_id bigint generated always as identity primary key,
    -- What URLs carry (`/bookings/{public_id}/details`): 128 random bits, so ids cannot be
    -- guessed or enumerated. The serial id never leaves the server.
    public_id text not null constraint booking_public_id_key unique
        constraint booking_public_id_format check (public_id ~ '^[a-z0-9]{26}$'),
    interviewer_id bigint not null references interviewer on delete restrict,
    -- The cal.com booking this one mirrors. Unique: the same uid posted twice is one booking.
    cal_booking_uid text not null constraint booking_cal_booking_uid_key unique,
    status booking_status not null default 'held',
    -- From cal.com, never from the browser.
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    constraint booking_ends_after_start check (ends_at > starts_at),
    -- The organizer's address as cal.com reports it: where the interviewer is notified.
    host_email text,
    -- IANA zone of the attendee as cal.com reports it, for emails; pages use the browser's.
    customer_time_zone text,
    -- The price when the booking was made; later rate changes never touch it.
    price_minor integer not null constraint booking_price_positive check (price_minor > 0),
    currency text not null constraint booking_currency_format check (currency ~ '^[A-Z]{3}$'),

    -- The details form. Null until submitted; lengths match the form's limits.
    customer_name text constraint booking_customer_name_length check (length(customer_name) <= 120),
    customer_email text constraint booking_customer_email_length check (length(customer_email) <= 254),
    background text constraint booking_background_length check (length(background) <= 4000),
    interview_focus text constraint booking_interview_focus_length check (length(interview_focus) <= 4000),
    -- Names of the interviewer's tags the customer picked, as they were at booking time.
    chosen_technologies text[] not null default '{}',
    chosen_subject text,
    target_companies text constraint booking_target_companies_length check (length(target_companies) <= 500),
    extra_information text constraint booking_extra_information_length check (length(extra_information) <= 4000),
    -- Object-storage key of the resume (private; served only through authorised routes).
    resume_key text,
    resume_filename text,
    resume_bytes integer,
    details_submitted_at timestamptz,

    -- Payment. A new Checkout Session gets a new attempt number (part of its idempotency key).
    checkout_attempt integer not null default 0,
    checkout_session_id text constraint booking_checkout_session_id_key unique,
    checkout_url text,
    checkout_started_at timestamptz,
    -- Hash of what the open session was created with: an identical resubmission (a double
    -- click, the Back button) reuses the session instead of opening a second one.
    checkout_fingerprint text,
    payment_intent_id text,
    paid_at timestamptz,
    -- Last time the reconciliation job asked Stripe about this booking's session (a webhook
    -- may have been missed).
    payment_checked_at timestamptz,

    -- Unpaid bookings stop holding the slot after this.
    hold_expires_at timestamptz not null,
    -- Set once cal.com has accepted our confirm / decline call.
    cal_confirmed_at timestamptz,
    cal_declined_at timestamptz,

    cancelled_at timestamptz,
    -- 'customer' or 'interviewer', as far as cal.com tells.
    cancelled_by text,
    cancellation_reason text,
    -- What is owed back (set when a refund is decided) and when Stripe confirmed it.
    refund_minor integer,
    refunded_at timestamptz,

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger booking_set_updated_at before update on booking
    for each row execute function set_updated_at();
create index booking_interviewer_idx on booking (interviewer_id, starts_at);
-- The expiry sweep looks for unpaid bookings past their hold.
create index booking_unpaid_idx on booking (hold_expires_at) where status in ('held', 'awaiting_payment');

-- Stripe event ids already applied: each event changes things at most once.
create table stripe_event (
    event_id text primary key,
    event_type text not null,
    received_at timestamptz not null default now()
);

-- cal.com sends no event id; the SHA-256 of the raw body identifies a delivery.
create table calcom_event (
    body_sha256 text primary key,
    trigger_event text not null,
    booking_uid text,
    received_at timestamptz not null default now()
);

-- The outbox: every call to the outside world (SMTP, cal.com, Stripe refunds) is a row
-- written in the same transaction as the change that causes it, then run by a worker with
-- retries and backoff. `dedupe_key` makes each effect happen at most once per cause (one
-- confirmation email per booking, however many webhooks arrive). Workers claim rows with
-- FOR UPDATE SKIP LOCKED and a lease, so several app instances never run the same job at
-- once and a crashed worker's job is picked up again when its lease ends.
create table job (
    job_id bigint generated always as identity primary key,
    -- 'email', 'cal_confirm', 'cal_decline', 'stripe_refund'
    kind text not null,
    dedupe_key text not null constraint job_dedupe_key_key unique,
    payload jsonb not null,
    run_at timestamptz not null default now(),
    attempts integer not null default 0,
    locked_until timestamptz,
    last_error text,
    done_at timestamptz,
    -- Gave up after too many attempts; needs a person.
    failed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger job_set_updated_at before update on job
    for each row execute function set_updated_at();
create index job_due_idx on job (run_at) where done_at is null and failed_at is null;
