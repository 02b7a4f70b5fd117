-- The public catalogue: interviewers, their tags and history, and the social proof shown on
-- the homepage. Conventions: singular table names, `<table>_id` keys, `created_at` /
-- `updated_at` everywhere (kept current by `set_updated_at`), constraints named so the
-- application can map a violation to a form field.

create function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

create table interviewer (
    interviewer_id bigint generated always as identity primary key,
    -- Public URL segment (`/interviewers/{slug}`); lowercase words joined by single hyphens.
    slug text not null constraint interviewer_slug_key unique
        constraint interviewer_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    name text not null constraint interviewer_name_length check (length(btrim(name)) between 1 and 120),
    headline text not null constraint interviewer_headline_length check (length(headline) <= 160),
    bio text not null default '' constraint interviewer_bio_length check (length(bio) <= 8000),
    -- Path or https URL of the square photo. Null means the site draws an initials avatar.
    photo_url text constraint interviewer_photo_url_format check (photo_url ~ '^(/|https://)'),
    -- Price of one interview + feedback session in the currency's minor unit (cents). Integer,
    -- never a float; bookings snapshot it so a later change never alters a paid price.
    rate_minor integer not null constraint interviewer_rate_range check (rate_minor between 1000 and 1000000),
    -- ISO 4217 code, uppercase (Stripe wants it lowercase; we convert at that boundary).
    currency text not null default 'USD' constraint interviewer_currency_format check (currency ~ '^[A-Z]{3}$'),
    -- The interviewer's own cal.com Event Type. cal.com has no booking URL keyed by event type
    -- id, so `cal_link` ("user/event-slug") is resolved through the cal.com API and stored.
    cal_event_type_id bigint,
    cal_link text constraint interviewer_cal_link_format check (cal_link ~ '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+$'),
    -- Hidden interviewers keep their bookings and history but vanish from every public page.
    is_active boolean not null default true,
    -- Featured interviewers appear on the homepage.
    is_featured boolean not null default false,
    -- Lower comes first; ties are broken by name.
    display_order integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger interviewer_set_updated_at before update on interviewer
    for each row execute function set_updated_at();
create index interviewer_listing_idx on interviewer (display_order, name) where is_active;

create table work_history_entry (
    work_history_entry_id bigint generated always as identity primary key,
    interviewer_id bigint not null references interviewer on delete cascade,
    company text not null constraint work_history_company_length check (length(btrim(company)) between 1 and 120),
    role text not null constraint work_history_role_length check (length(btrim(role)) between 1 and 120),
    -- Free text such as "2019 to 2023" or "2021 to now": people describe periods loosely and
    -- the site only displays it.
    period text not null constraint work_history_period_length check (length(period) <= 60),
    summary text not null default '' constraint work_history_summary_length check (length(summary) <= 300),
    -- Order within one interviewer's history, 0 first (most recent first by convention).
    position integer not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint work_history_entry_position_key unique (interviewer_id, position) deferrable initially deferred
);
create trigger work_history_entry_set_updated_at before update on work_history_entry
    for each row execute function set_updated_at();

-- Technologies (React, Python, ...) and interview subjects (Frontend, System Design, ...) are
-- two kinds of one table so that filtering, editing and merging work the same for both.
create type tag_kind as enum ('technology', 'subject');

create table tag (
    tag_id bigint generated always as identity primary key,
    kind tag_kind not null,
    -- Unique across both kinds so a slug names exactly one tag in URLs (`?tech=react`).
    slug text not null constraint tag_slug_key unique
        constraint tag_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
    name text not null constraint tag_name_length check (length(btrim(name)) between 1 and 60),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger tag_set_updated_at before update on tag
    for each row execute function set_updated_at();

create table interviewer_tag (
    interviewer_id bigint not null references interviewer on delete cascade,
    tag_id bigint not null references tag on delete cascade,
    primary key (interviewer_id, tag_id)
);
-- The filter looks up interviewers by tag.
create index interviewer_tag_tag_idx on interviewer_tag (tag_id, interviewer_id);

create table testimonial (
    testimonial_id bigint generated always as identity primary key,
    quote text not null constraint testimonial_quote_length check (length(btrim(quote)) between 1 and 1200),
    author text not null constraint testimonial_author_length check (length(btrim(author)) between 1 and 120),
    -- Who the author is, e.g. "Backend engineer, preparing for a senior role".
    context text not null default '' constraint testimonial_context_length check (length(context) <= 200),
    -- The interviewer the quote is about, when there is one; kept if that profile is deleted.
    interviewer_id bigint references interviewer on delete set null,
    is_published boolean not null default false,
    display_order integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger testimonial_set_updated_at before update on testimonial
    for each row execute function set_updated_at();

-- Companies our members have worked for, shown as plain wordmarks unless we hold a logo we
-- have the right to use.
create table company (
    company_id bigint generated always as identity primary key,
    name text not null constraint company_name_key unique
        constraint company_name_length check (length(btrim(name)) between 1 and 80),
    logo_url text constraint company_logo_url_format check (logo_url ~ '^(/|https://)'),
    display_order integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger company_set_updated_at before update on company
    for each row execute function set_updated_at();

-- Accounts for the admin panel: interviewers (linked to their profile) and staff.
create table app_user (
    user_id bigint generated always as identity primary key,
    email text not null constraint app_user_email_format check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
    -- argon2id PHC string.
    password_hash text not null,
    is_staff boolean not null default false,
    -- At most one account per interviewer profile.
    interviewer_id bigint constraint app_user_interviewer_key unique references interviewer on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
-- Emails are unique regardless of case: "Ada@Example.com" and "ada@example.com" are one person.
create unique index app_user_email_key on app_user (lower(email));
create trigger app_user_set_updated_at before update on app_user
    for each row execute function set_updated_at();

-- What an interviewer card shows, with tags and the three latest roles folded into JSON, so
-- the homepage and the listing each read all their cards in one query however many there are.
create view interviewer_card as
select
    i.interviewer_id,
    i.slug,
    i.name,
    i.headline,
    i.photo_url,
    i.rate_minor,
    i.currency,
    i.is_active,
    i.is_featured,
    i.display_order,
    coalesce((
        select json_agg(json_build_object('kind', t.kind, 'slug', t.slug, 'name', t.name)
                        order by t.kind, lower(t.name))
        from interviewer_tag it
        join tag t using (tag_id)
        where it.interviewer_id = i.interviewer_id
    ), '[]') as tags,
    coalesce((
        select json_agg(json_build_object('company', w.company, 'role', w.role) order by w.position)
        from (
            select company, role, position
            from work_history_entry
            where interviewer_id = i.interviewer_id
            order by position
            limit 3
        ) w
    ), '[]') as recent_roles
from interviewer i;
