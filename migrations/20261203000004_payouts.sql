-- Payouts: money staff paid an interviewer outside Stripe (a bank transfer or other), and the
-- bookings' shares each one covered. Append-only like the ledger (docs/earnings.md): a payout
-- records what happened at the bank, which is never undone by editing a row.
--
-- A booking's share is paid out once its payout lines add up to its interviewer_share
-- entries. A refund after a payout lowers the share below what was paid, and that negative
-- difference is deducted from the interviewer's next payout (the balance carried forward).

create table payout (
    payout_id bigserial primary key,
    interviewer_id bigint not null references interviewer on delete restrict,
    currency text not null constraint payout_currency_format check (currency ~ '^[A-Z]{3}$'),
    amount_minor bigint not null constraint payout_amount_positive check (amount_minor > 0),
    paid_on date not null,
    reference text not null constraint payout_reference_length check (char_length(reference) between 1 and 200),
    recorded_by bigint references app_user on delete set null,
    -- The form's one-time key: a double submission records one payout.
    request_key text not null unique,
    created_at timestamptz not null default now()
);

create index payout_interviewer_idx on payout (interviewer_id, paid_on);

create table payout_line (
    payout_id bigint not null references payout on delete restrict,
    booking_id bigint not null references booking on delete restrict,
    -- What of the booking's share this payout covered; negative when it deducts a refund made
    -- after an earlier payout.
    amount_minor bigint not null,
    primary key (payout_id, booking_id)
);

create index payout_line_booking_idx on payout_line (booking_id);

create trigger payout_append_only
    before update or delete on payout
    for each row execute function ledger_entry_is_append_only();

create trigger payout_line_append_only
    before update or delete on payout_line
    for each row execute function ledger_entry_is_append_only();
