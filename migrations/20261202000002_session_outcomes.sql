-- After the interview (issue 11): whether the session took place. Kept apart from `status`,
-- which is about the booking and its money: a held session stays `paid`; an interviewer who
-- did not come makes it `refunded` through the refund it causes.
create type session_outcome as enum ('held', 'customer_no_show', 'interviewer_no_show');

alter table booking
    add column session_outcome session_outcome,
    add column outcome_recorded_at timestamptz,
    -- Who marked it; null when nobody did and it was assumed held 24 hours after its end.
    add column outcome_recorded_by bigint references app_user on delete set null,
    add column outcome_assumed boolean not null default false,
    -- A customer who did not come may move the booking once, as goodwill (if the site allows).
    add column goodwill_reschedule_used boolean not null default false,
    add constraint booking_outcome_recorded check ((session_outcome is null) = (outcome_recorded_at is null));

-- The sweep that assumes unmarked sessions held, and staff's list of them.
create index booking_unmarked_idx on booking (ends_at) where status = 'paid' and session_outcome is null;
