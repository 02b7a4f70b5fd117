-- Hardening after the attacker's probe (issue 9).

-- One PostgreSQL-backed rate limiter for every throttle (sign-in guesses, password-reset
-- emails, booking lookups at cal.com): a hit per counted attempt, in named buckets such as
-- 'login-account:ada@example.com'. Counting and recording happen in one transaction under an
-- advisory lock on the bucket, so the limit holds under any concurrency and across app
-- instances. Old rows are pruned by the worker.
create table rate_limit_hit (
    rate_limit_hit_id bigint generated always as identity primary key,
    bucket text not null,
    hit_at timestamptz not null default now()
);
create index rate_limit_hit_bucket_idx on rate_limit_hit (bucket, hit_at);

-- Sign-in failures are now hits in the limiter's 'login-account:' and 'login-client:' buckets.
drop table login_attempt;

-- Payments that did not match what their booking expects (an unknown session, another amount
-- or currency): kept for a person to look at; any money taken is refunded.
create table payment_anomaly (
    payment_anomaly_id bigint generated always as identity primary key,
    booking_id bigint references booking on delete set null,
    session_id text not null,
    payment_intent_id text,
    amount_minor bigint,
    currency text,
    reason text not null,
    refund_queued boolean not null default false,
    seen_at timestamptz not null default now()
);

-- A password-reset request is handled by the worker (see app::accounts): the request itself
-- does the same work whether or not the address has an account.
