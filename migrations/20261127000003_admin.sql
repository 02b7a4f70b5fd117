-- The admin panel: sessions, login throttling, single-use tokens (password reset and
-- invitations), and what interviewers do with their bookings and profiles.

alter table app_user
    add column is_active boolean not null default true,
    -- Display name for the panel (staff may have no interviewer profile).
    add column name text not null default '' constraint app_user_name_length check (length(name) <= 120),
    add column password_changed_at timestamptz;

-- Server-side sessions. The cookie carries a random id; only its SHA-256 is stored, so a
-- database leak does not hand out live sessions.
create table session (
    session_hash text primary key,
    user_id bigint not null references app_user on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    -- Absolute expiry, whatever the activity.
    expires_at timestamptz not null
);
create index session_user_idx on session (user_id);

-- Failed logins, for throttling per account (email) and per client address. Old rows are
-- pruned by the worker.
create table login_attempt (
    login_attempt_id bigint generated always as identity primary key,
    email text not null,
    ip text not null,
    attempted_at timestamptz not null default now()
);
create index login_attempt_email_idx on login_attempt (lower(email), attempted_at);
create index login_attempt_ip_idx on login_attempt (ip, attempted_at);

-- Single-use links sent by email: password resets and invitations (which set a first
-- password). Only the token's SHA-256 is stored.
create table account_token (
    token_hash text primary key,
    user_id bigint not null references app_user on delete cascade,
    -- 'reset' or 'invite'
    purpose text not null constraint account_token_purpose check (purpose in ('reset', 'invite')),
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now()
);
create index account_token_user_idx on account_token (user_id);

alter table interviewer
    -- The interviewer's own cal.com API key, encrypted (AES-256-GCM, key derived from
    -- SECRET_KEY); never shown again in full. Null: CALCOM_API_KEY is used.
    add column cal_api_key_encrypted bytea,
    -- Last four characters of that key, to show which one is stored.
    add column cal_api_key_hint text,
    -- For showing bookings in the interviewer's own time.
    add column time_zone text not null default 'UTC',
    -- Bio is Markdown, rendered with a strict allow-list of tags.
    add column bio_is_markdown boolean not null default false;

alter table booking
    -- The interviewer has confirmed receiving the customer's information.
    add column acknowledged_at timestamptz,
    add column acknowledgement_note text constraint booking_acknowledgement_note_length check (length(acknowledgement_note) <= 1000),
    -- Why staff refunded it (the satisfaction guarantee), shown in the panel.
    add column refund_reason text constraint booking_refund_reason_length check (length(refund_reason) <= 1000);
