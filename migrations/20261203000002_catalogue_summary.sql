-- What cold catalogue pages read instead of counting: how many interviewers are listed and,
-- per tag, how many listed interviewers carry it. Kept by the commit-time trigger that raises
-- the catalogue version, right after raising it: the version row's lock orders these
-- recounts, each one's statements see every earlier commit, and nothing else writes
-- `tag_listed_count` (no foreign key either: a deleted tag's row would be locked by the
-- deleting transaction while a recount waits for it).

alter table catalogue_version add column listed_count bigint not null default 0;

create table tag_listed_count (
    tag_id bigint primary key,
    listed bigint not null
);

create or replace function bump_catalogue_version() returns trigger
language plpgsql as $$
declare
    new_version bigint;
begin
    -- Unset (null) or reset to '' outside the transaction that set it.
    if current_setting('catalogue.version_raised', true) = 'yes' then
        return null;
    end if;
    perform set_config('catalogue.version_raised', 'yes', true);
    update catalogue_version set version = version + 1 returning version into new_version;
    -- Separate statements, so they read what committed while this one waited for the lock.
    update catalogue_version set listed_count = (select count(*) from interviewer where is_active);
    delete from tag_listed_count;
    insert into tag_listed_count (tag_id, listed)
    select it.tag_id, count(*)
    from interviewer_tag it join interviewer i using (interviewer_id)
    where i.is_active
    group by it.tag_id;
    -- Delivered at commit, and not at all if the transaction rolls back.
    perform pg_notify('catalogue_changed', new_version::text);
    return null;
end
$$;

-- The catalogue as it stands when this migration runs.
update catalogue_version set listed_count = (select count(*) from interviewer where is_active);
insert into tag_listed_count (tag_id, listed)
select it.tag_id, count(*)
from interviewer_tag it join interviewer i using (interviewer_id)
where i.is_active
group by it.tag_id;

-- Cards' tags as ids (one index-only scan per card): the catalogue pages name them from the
-- tag list they read once per catalogue version, instead of joining `tag` for every card.
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
    i.review_sum,
    array(select it.tag_id from interviewer_tag it
          where it.interviewer_id = i.interviewer_id order by it.tag_id) as tag_ids
from interviewer i;
