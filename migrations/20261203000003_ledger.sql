-- The earnings ledger: every movement of a booking's money, in integer minor units of the
-- currency Stripe settled it in, appended and never changed (corrections are new entries;
-- the trigger below refuses UPDATE and DELETE). See docs/earnings.md.
--
-- Per booking, the money at Stripe:   charge (+)  stripe_fee (-)  refund (-)
-- and how that net is shared:         coop_share  interviewer_share
-- The shares of a booking always add up to its money entries: each new money entry is
-- followed, in the same transaction, by share entries for the difference between the shares
-- the rule gives for the new net and those already recorded.

create type ledger_kind as enum ('charge', 'stripe_fee', 'refund', 'coop_share', 'interviewer_share');

create table ledger_entry (
    ledger_entry_id bigserial primary key,
    booking_id bigint not null references booking on delete restrict,
    interviewer_id bigint not null references interviewer on delete restrict,
    kind ledger_kind not null,
    currency text not null constraint ledger_entry_currency_format check (currency ~ '^[A-Z]{3}$'),
    amount_minor bigint not null,
    -- The Stripe object a money entry records (the charge, its balance transaction, the
    -- refund): a retried job or a replayed event records it once.
    source text,
    created_at timestamptz not null default now(),
    constraint ledger_entry_money_has_source check ((kind in ('coop_share', 'interviewer_share')) or source is not null),
    constraint ledger_entry_signs check (
        (kind = 'charge' and amount_minor > 0)
        or (kind in ('stripe_fee', 'refund') and amount_minor <= 0)
        or kind in ('coop_share', 'interviewer_share'))
);

create unique index ledger_entry_source_key on ledger_entry (kind, source) where source is not null;
create index ledger_entry_booking_idx on ledger_entry (booking_id);
create index ledger_entry_interviewer_idx on ledger_entry (interviewer_id, created_at);

create function ledger_entry_is_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'ledger entries are never changed or deleted: append a correcting entry';
end
$$;

create trigger ledger_entry_append_only
    before update or delete on ledger_entry
    for each row execute function ledger_entry_is_append_only();
