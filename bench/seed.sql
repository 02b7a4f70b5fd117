-- The benchmark catalogue: 60 tags and :interviewers interviewers (psql -v interviewers=500)
-- with three roles and six tags each. Fictional and generated; only for `make bench` (a
-- dedicated database).
insert into tag (kind, slug, name)
select case when n <= 40 then 'technology'::tag_kind else 'subject'::tag_kind end,
       'tag-' || n, 'Tag ' || n
from generate_series(1, 60) n;

insert into interviewer (slug, name, headline, bio, rate_minor, currency, is_active, is_featured, display_order)
select 'bench-person-' || n, 'Bench Person ' || n,
       'Senior engineer who interviews for backend and system design roles',
       'First paragraph of a realistic bio, long enough to matter.' || chr(10) || chr(10) || 'Second paragraph.',
       9000 + (n % 17) * 1000, 'USD', true, n <= 6, n
from generate_series(1, :interviewers) n;

insert into work_history_entry (interviewer_id, company, role, period, summary, position)
select i.interviewer_id, 'Company ' || ((i.interviewer_id + p) % 40), 'Engineer ' || p, '2019 to now', 'Built and ran things.', p
from interviewer i cross join generate_series(0, 2) p;

insert into interviewer_tag (interviewer_id, tag_id)
select i.interviewer_id, t.tag_id
from interviewer i
join tag t on t.slug in ('tag-' || (1 + i.interviewer_id % 40), 'tag-' || (1 + (i.interviewer_id * 7) % 40),
                         'tag-' || (1 + (i.interviewer_id * 13) % 40), 'tag-' || (41 + i.interviewer_id % 20),
                         'tag-' || (41 + (i.interviewer_id * 3) % 20), 'tag-1')
on conflict do nothing;

insert into testimonial (quote, author, context, is_published, display_order)
select 'A specific, useful practice interview.', 'Reviewer ' || n, 'Backend engineer', true, n from generate_series(1, 6) n;
insert into company (name, display_order) select 'Company ' || n, n from generate_series(1, 12) n;
