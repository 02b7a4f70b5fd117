-- Opening Stripe Checkout without holding a lock across Stripe's API (issue 8).
--
-- A request that must open a new Checkout Session takes a short lease on the booking
-- (`checkout_lease_until`, numbered by `checkout_attempt`), detaches the current session, and
-- commits before calling Stripe; other requests for the same booking wait for the lease
-- instead of calling Stripe too. The request records its new session only if its attempt is
-- still the booking's latest. A request that dies mid-way leaves a lease that simply runs out,
-- and a booking with no current session, which no expiry webhook of an older session can end.

alter table booking
    add column checkout_lease_until timestamptz,
    -- When the current session stops taking payments (Stripe's `expires_at`).
    add column checkout_expires_at timestamptz;

comment on column booking.checkout_lease_until is
    'While in the future, the request that took attempt `checkout_attempt` is replacing this booking''s Checkout Session; others wait for it.';

-- Every Checkout Session a booking has opened, current or not: a payment names one of these,
-- and closing a booking closes all of them (a crash can leave an older one open).
create table checkout_session (
    session_id text primary key,
    booking_id bigint not null references booking on delete cascade,
    attempt integer not null,
    amount_minor bigint not null constraint checkout_session_amount_positive check (amount_minor > 0),
    currency text not null constraint checkout_session_currency_format check (currency ~ '^[A-Z]{3}$'),
    url text,
    fingerprint text not null,
    expires_at timestamptz not null,
    opened_at timestamptz not null default now(),
    -- Set once we have expired it at Stripe, or Stripe told us it completed or expired.
    closed_at timestamptz
);
create index checkout_session_open_idx on checkout_session (booking_id) where closed_at is null;

-- Sessions recorded before this table existed.
insert into checkout_session (session_id, booking_id, attempt, amount_minor, currency, url, fingerprint, expires_at, opened_at, closed_at)
select checkout_session_id, booking_id, checkout_attempt, price_minor, currency, checkout_url,
       coalesce(checkout_fingerprint, ''), hold_expires_at - interval '5 minutes',
       coalesce(checkout_started_at, created_at),
       case when status in ('held', 'awaiting_payment') then null else coalesce(paid_at, updated_at) end
from booking where checkout_session_id is not null;

update booking set checkout_expires_at = hold_expires_at - interval '5 minutes'
where checkout_session_id is not null;
