-- The catalogue's version: what the public pages show (profiles, rates, tags, visibility,
-- work history, testimonials, companies, published reviews) changes only when one of the
-- tables below is written, and every transaction that writes one raises this number as it
-- commits. App instances keep rendered pages in memory under the version they were rendered
-- at (src/web/page_cache.rs) and learn of a new one from the `catalogue_changed`
-- notification, which PostgreSQL delivers at commit, or by reading this row (after their own
-- writes, and every half second in case a notification was missed).
--
-- Deferred constraint triggers, so the version row is the last thing a transaction locks:
-- were it locked at the first statement, a transaction holding it while waiting for a row
-- another one holds (a review updating an interviewer's rating while that interviewer saves
-- their profile) could deadlock. They fire once per changed row at commit; the first one in
-- a transaction raises the version, the rest see the mark it leaves and return.

create table catalogue_version (
    only_row boolean primary key default true check (only_row),
    version bigint not null
);

insert into catalogue_version (version) values (1);

create function bump_catalogue_version() returns trigger
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
    -- Delivered at commit, and not at all if the transaction rolls back.
    perform pg_notify('catalogue_changed', new_version::text);
    return null;
end
$$;

create constraint trigger interviewer_changes_catalogue
    after insert or update or delete on interviewer
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
create constraint trigger work_history_changes_catalogue
    after insert or update or delete on work_history_entry
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
create constraint trigger tag_changes_catalogue
    after insert or update or delete on tag
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
create constraint trigger interviewer_tag_changes_catalogue
    after insert or update or delete on interviewer_tag
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
create constraint trigger testimonial_changes_catalogue
    after insert or update or delete on testimonial
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
create constraint trigger company_changes_catalogue
    after insert or update or delete on company
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
create constraint trigger review_changes_catalogue
    after insert or update or delete on review
    deferrable initially deferred
    for each row execute function bump_catalogue_version();
