-- Verified reviews (issue 11): one per held, paid booking, written by its customer from
-- their booking page. Every review is published; staff may hide one only for a reason from a
-- short list, which is recorded and shown to its author; the interviewer may reply once.
create type review_hidden_reason as enum ('abuse', 'personal_data', 'not_about_the_session');

create table review (
    review_id bigint generated always as identity primary key,
    booking_id bigint not null constraint review_booking_id_key unique references booking on delete cascade,
    interviewer_id bigint not null references interviewer on delete cascade,
    rating smallint not null constraint review_rating_range check (rating between 1 and 5),
    body text not null constraint review_body_length check (length(btrim(body)) between 1 and 2000),
    -- As shown: the first name and initial ("Grace H."), or "Anonymous", fixed when written.
    display_name text not null constraint review_display_name_length check (length(display_name) between 1 and 60),
    created_at timestamptz not null default now(),
    hidden_reason review_hidden_reason,
    hidden_at timestamptz,
    hidden_by bigint references app_user on delete set null,
    constraint review_hidden_recorded check ((hidden_reason is null) = (hidden_at is null)),
    reply text constraint review_reply_length check (length(btrim(reply)) between 1 and 2000),
    replied_at timestamptz,
    constraint review_reply_recorded check ((reply is null) = (replied_at is null))
);
-- The profile's list: an interviewer's published reviews, newest first.
create index review_published_idx on review (interviewer_id, created_at desc) where hidden_reason is null;

-- The cards' "4.9 · 23 reviews" without counting reviews on every listing.
alter table interviewer
    add column review_count integer not null default 0 constraint interviewer_review_count_positive check (review_count >= 0),
    add column review_sum integer not null default 0 constraint interviewer_review_sum_positive check (review_sum >= 0);

create or replace view interviewer_card as
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
    ), '[]') as recent_roles,
    -- Published reviews (kept up to date with each review, in the same transaction).
    i.review_count,
    i.review_sum
from interviewer i;
