-- Guarantee claims (issue 11): within GUARANTEE_CLAIM_DAYS of a held session the customer
-- claims the money-back guarantee from their booking page, with a short reason; staff refund
-- in full or reply. One claim per booking; its refund goes through the outbox in the same
-- transaction as the claim's decision, so a crash leaves both or neither.
create type claim_state as enum ('open', 'refunded', 'answered');

create table guarantee_claim (
    booking_id bigint primary key references booking on delete cascade,
    reason text not null constraint guarantee_claim_reason_length check (length(btrim(reason)) between 1 and 2000),
    state claim_state not null default 'open',
    staff_reply text constraint guarantee_claim_staff_reply_length check (length(btrim(staff_reply)) between 1 and 2000),
    decided_at timestamptz,
    decided_by bigint references app_user on delete set null,
    created_at timestamptz not null default now(),
    constraint guarantee_claim_decided check ((state = 'open') = (decided_at is null))
);
-- Staff's queue: open claims, oldest first.
create index guarantee_claim_open_idx on guarantee_claim (created_at) where state = 'open';
