-- Demo content for an empty catalogue. Every person, company and quote below is made up:
-- replace it through the admin panel (or delete it) before going live. The application runs
-- this script inside its own transaction, and only when the `interviewer` table is empty.
-- Foreign keys are looked up by slug; ids are identity columns and never written here.

-- Tags: technologies, then interview subjects.
insert into tag (kind, slug, name) values
    ('technology', 'react', 'React'),
    ('technology', 'typescript', 'TypeScript'),
    ('technology', 'python', 'Python'),
    ('technology', 'go', 'Go'),
    ('technology', 'rust', 'Rust'),
    ('technology', 'java', 'Java'),
    ('technology', 'kotlin', 'Kotlin'),
    ('technology', 'c-plus-plus', 'C++'),
    ('technology', 'c', 'C'),
    ('technology', 'postgresql', 'PostgreSQL'),
    ('technology', 'kubernetes', 'Kubernetes'),
    ('technology', 'aws', 'AWS'),
    ('technology', 'node-js', 'Node.js'),
    ('technology', 'django', 'Django'),
    ('technology', 'fastapi', 'FastAPI'),
    ('technology', 'swift', 'Swift'),
    ('subject', 'frontend', 'Frontend'),
    ('subject', 'backend', 'Backend'),
    ('subject', 'fullstack', 'Fullstack'),
    ('subject', 'system-design', 'System Design'),
    ('subject', 'machine-learning-engineering', 'Machine Learning Engineering'),
    ('subject', 'data-engineering', 'Data Engineering'),
    ('subject', 'mobile', 'Mobile'),
    ('subject', 'devops-sre', 'DevOps / SRE'),
    ('subject', 'algorithms-data-structures', 'Algorithms & Data Structures'),
    ('subject', 'engineering-management', 'Engineering Management');

-- Interviewers. Bios are first person, paragraphs separated by a blank line. None has a
-- calendar (cal_event_type_id and cal_link are null), so their profiles say "Booking opens
-- soon": a made-up cal.com link would show cal.com's 404 inside the booking page's embed.
-- Booking opens once staff or the interviewer save a real cal.com event type in the admin
-- panel, which checks it with cal.com and derives cal_link from it.
insert into interviewer
    (slug, name, headline, bio, photo_url, rate_minor, currency, cal_event_type_id, cal_link,
     is_active, is_featured, display_order)
values
    ('ada-lindqvist', 'Ada Lindqvist',
     'Staff frontend engineer; has sat on hiring loops at two product companies. React, TypeScript and frontend system design.',
     E'I run the interview the way a frontend loop at a product company runs: a practical React and TypeScript exercise in a shared editor, with room to talk about state, accessibility and performance as they come up. For senior and staff candidates I can swap the exercise for a frontend system design question instead, such as a news feed, a rich text editor or a dashboard.\n\nTell me which companies you are aiming for and how far into the process you are, and I will pick a question that fits.\n\nIn the feedback half hour I go through what I wrote down while you worked: where you were clear, where you went quiet, and the two or three things I would practise before the real thing.',
     null, 15000, 'USD', null, null, true, true, 10),

    ('tomasz-wierzba', 'Tomasz Wierzba',
     'Backend engineer in Go and PostgreSQL; has interviewed backend candidates at a payments company and a freight startup.',
     E'Most of my interviews are backend coding with a design tail: we build a small service in Go (or the language you are interviewing in), then talk about how it behaves when the data no longer fits in memory, when two requests race, or when the database is slow. If you are preparing for a system design round, we can spend the whole hour on one design instead.\n\nMy feedback is direct and specific. I tell you what an interviewer on a real loop would likely write about you, and which habits would move that from "lean hire" to "hire".',
     null, 18000, 'USD', null, null, true, true, 20),

    ('nkechi-obiora', 'Nkechi Obiora',
     'Machine learning engineer; has interviewed for ML platform and applied ML roles. Python, model serving and ML system design.',
     E'I cover the three rounds ML engineering candidates usually meet: ML system design (for example a recommendation or fraud pipeline, from raw data to serving), practical ML coding in Python, and the conversation about evaluation, where many candidates lose points. Tell me which one you want, or let me mix them as a real loop would.\n\nI care less about reciting model architectures and more about whether you can explain trade-offs: what you would measure, what you would ship first, what could go wrong in production.\n\nFeedback is a walk through my notes, round by round, with a short list of what to practise next.',
     null, 20000, 'USD', null, null, true, true, 30),

    ('mateo-quiroga', 'Mateo Quiroga',
     'Fullstack engineer in TypeScript, Node.js and React; has hired for small product teams where one person owns a feature end to end.',
     E'My interview is a take-home-sized problem squeezed into an hour: a small feature with an API, a database table and a screen, in TypeScript. We will not finish it, and that is fine. I am watching how you slice the work, what you test, and how you talk about the parts you skip.\n\nThis suits people applying to startups and smaller product companies, where interviews often look like this rather than like puzzle rounds.\n\nIn feedback I tell you what I would have written in a hiring debrief, then we look together at one moment in the hour you could handle differently.',
     null, 12000, 'USD', null, null, true, true, 40),

    ('ravi-subramanyam', 'Ravi Subramanyam',
     'Principal engineer and former engineering manager; runs system design and leadership interviews for staff and manager candidates.',
     E'I interview senior, staff and engineering manager candidates. For engineers that usually means one large system design question, taken deep: requirements, data model, the parts that break at scale, and how you would roll it out. For managers it means a behavioural round on hiring, performance conversations and delivery, with follow-up questions until we reach the real detail.\n\nI have been on both sides of these loops. The feedback I give is the kind I wish I had been given: what level your answers read at, and what would make them read one level higher.',
     null, 25000, 'USD', null, null, true, true, 50),

    ('farid-haddad', 'Farid Haddad',
     'Systems engineer in C++ and Rust; has interviewed for performance-sensitive backend and infrastructure teams.',
     E'I run classic coding interviews, the kind many large companies still use: one or two algorithm and data structure problems in a shared editor, in C++, Rust, or whichever language you will use on the day. For systems roles I add questions about memory, concurrency and what the code costs at runtime.\n\nI do not give hints unless a real interviewer would, so the hour feels like the real thing. The feedback is where I open up: how you approached the problem, how you tested, how clearly you explained, and which problem patterns to drill next.',
     null, 17000, 'USD', null, null, true, true, 60),

    ('hana-kitamura', 'Hana Kitamura',
     'iOS engineer in Swift; interviews mobile candidates on app architecture, concurrency and UI work.',
     E'I interview for iOS roles in Swift. The hour is either a live coding exercise (a small screen with networking, state and error handling) or a mobile system design question such as an offline-first app or an image feed. Tell me which one your target company uses and I will match it.\n\nI pay attention to the things mobile interviewers ask about and candidates often skip: threading, memory, what happens when the network drops, and how you would test it.\n\nFeedback is plain and practical: what went well, what I would change, and which topics to revise before your next round.',
     null, 14000, 'USD', null, null, true, false, 70),

    ('ingrid-halvorsen', 'Ingrid Halvorsen',
     'Site reliability engineer; interviews for SRE and platform roles on Kubernetes, AWS, incident response and debugging.',
     E'SRE and platform loops often have a round other engineers never see: a debugging or incident scenario. That is the one I run most. I describe a broken system, you ask questions and decide what to check, and I answer the way the system would. We can also do a Kubernetes or AWS design question, or a scripting exercise in Go or Python.\n\nAfterwards I go through your investigation step by step: where you narrowed things down well, where you guessed, and how you communicated under pressure.',
     null, 16000, 'USD', null, null, true, false, 80),

    ('lucia-ferraro', 'Lucía Ferraro',
     'Data engineer; interviews for data engineering roles on SQL, pipeline design and Python.',
     E'Data engineering interviews usually mix SQL, some Python and a pipeline design question, and my hour follows that shape. First a SQL round on a realistic schema: window functions, joins that quietly duplicate rows, a query that is too slow. Then a design discussion about moving data from an application database to a warehouse without losing or double-counting any of it.\n\nIn the feedback I go through your queries line by line and tell you which parts a reviewer would question, and why.',
     null, 13000, 'USD', null, null, true, false, 90),

    ('mei-lin-zhao', 'Mei-Lin Zhao',
     'Engineering manager with a Python and Django background; interviews for backend and first-time manager roles.',
     E'I offer two kinds of interview. For backend engineers: a practical Python round, building or reviewing a small Django or plain Python service, with questions about data modelling and testing. For new or aspiring managers: a leadership round on how you hire, how you handle someone who is struggling, and how you keep a team shipping.\n\nTell me which role and which companies you are preparing for when you book, and I will adapt the questions.\n\nMy feedback follows the structure hiring committees read: strengths, concerns, and the evidence that was missing.',
     null, 22000, 'USD', null, null, true, false, 100),

    ('kofi-boateng', 'Kofi Boateng',
     'Software engineer who helps new graduates and career changers prepare for their first coding interviews in Python or Java.',
     E'I focus on early-career candidates: final-year students, new graduates, and people moving into software from another field. The interview is one or two coding problems at the level of a first or second round, in Python or Java, with the kind of follow-up questions you will actually get.\n\nMy feedback is gentle on nerves and honest on substance. We go over how you explained your thinking, how you handled getting stuck, and a short practice plan for the weeks before your interviews.',
     null, 9000, 'USD', null, null, true, false, 110),

    -- Hidden profile: must never appear on a public page, nor its tag `kotlin` in the filters.
    ('pieter-van-houten', 'Pieter van Houten',
     'Android engineer in Kotlin and Java; interviews for mobile roles.',
     E'I interview for Android roles in Kotlin: a live coding exercise building a small screen, or an app architecture discussion.\n\nI am taking a break from interviewing, so this profile is hidden for now.',
     null, 11000, 'USD', null, null, false, false, 120);

-- Work history, most recent first (position 0).
insert into work_history_entry (interviewer_id, position, company, role, period, summary)
select i.interviewer_id, v.position, v.company, v.role, v.period, v.summary
from (values
    ('ada-lindqvist', 0, 'Northwind Cloud', 'Staff frontend engineer', '2021 to now',
     'Leads the design system and the React console used by every product team.'),
    ('ada-lindqvist', 1, 'Quillfeather', 'Senior frontend engineer', '2017 to 2021',
     'Built the collaborative editor and moved the codebase from JavaScript to TypeScript.'),
    ('ada-lindqvist', 2, 'Tinwhistle Games', 'Frontend developer', '2014 to 2017',
     'Built the storefront and account pages for the studio''s browser games.'),

    ('tomasz-wierzba', 0, 'Marigold Ledger', 'Senior backend engineer', '2020 to now',
     'Owns the double-entry ledger service and its PostgreSQL schema.'),
    ('tomasz-wierzba', 1, 'Okapi Freight', 'Backend engineer', '2016 to 2020',
     'Wrote the shipment tracking API in Go and ran it on Kubernetes.'),
    ('tomasz-wierzba', 2, 'Initrode', 'Software engineer', '2013 to 2016',
     'Maintained the billing batch jobs and moved them off a legacy scheduler.'),

    ('nkechi-obiora', 0, 'Tessellate Health', 'Senior machine learning engineer', '2022 to now',
     'Builds the pipelines that train and serve triage models for clinical teams.'),
    ('nkechi-obiora', 1, 'Harborlight Maps', 'Machine learning engineer', '2018 to 2022',
     'Worked on ranking for place search and the feature store behind it.'),
    ('nkechi-obiora', 2, 'Vandelay Systems', 'Data analyst', '2016 to 2018',
     'Wrote the demand forecasts that sales and operations planned around.'),

    ('mateo-quiroga', 0, 'Hooli', 'Senior fullstack engineer', '2021 to now',
     'Builds internal tools in React and Node.js for the support organisation.'),
    ('mateo-quiroga', 1, 'Okapi Freight', 'Fullstack engineer', '2018 to 2021',
     'Built the customer portal for booking and tracking shipments.'),
    ('mateo-quiroga', 2, 'Quillfeather', 'Junior developer', '2016 to 2018',
     'Fixed bugs across the web app and wrote its first end-to-end tests.'),

    ('ravi-subramanyam', 0, 'Vandelay Systems', 'Principal engineer', '2020 to now',
     'Sets technical direction for the order management platform.'),
    ('ravi-subramanyam', 1, 'Northwind Cloud', 'Engineering manager', '2015 to 2020',
     'Managed the storage API team and ran its hiring.'),
    ('ravi-subramanyam', 2, 'Initrode', 'Senior software engineer', '2011 to 2015',
     'Built Java services for the insurance quoting engine.'),

    ('farid-haddad', 0, 'Hooli', 'Senior software engineer', '2020 to now',
     'Works on the storage engine behind the search index, in C++ and Rust.'),
    ('farid-haddad', 1, 'Vandelay Systems', 'Software engineer', '2015 to 2020',
     'Wrote the low-latency pricing service in C++.'),

    ('hana-kitamura', 0, 'Harborlight Maps', 'Senior iOS engineer', '2020 to now',
     'Leads offline maps in the iOS app.'),
    ('hana-kitamura', 1, 'Tinwhistle Games', 'iOS developer', '2017 to 2020',
     'Shipped casual games and the shared Swift networking layer they used.'),

    ('ingrid-halvorsen', 0, 'Northwind Cloud', 'Senior site reliability engineer', '2019 to now',
     'On call for the managed Kubernetes service; writes and reviews its incident reports.'),
    ('ingrid-halvorsen', 1, 'Marigold Ledger', 'Platform engineer', '2015 to 2019',
     'Moved the company from hand-built servers to Terraform and AWS.'),

    ('lucia-ferraro', 0, 'Tessellate Health', 'Senior data engineer', '2021 to now',
     'Runs the warehouse and the nightly pipelines that feed reporting.'),
    ('lucia-ferraro', 1, 'Okapi Freight', 'Data engineer', '2018 to 2021',
     'Built the event pipeline behind parcel tracking.'),
    ('lucia-ferraro', 2, 'Initrode', 'Database developer', '2015 to 2018',
     'Tuned PostgreSQL queries for the claims system.'),

    ('mei-lin-zhao', 0, 'Quillfeather', 'Engineering manager', '2020 to now',
     'Manages the billing and accounts team.'),
    ('mei-lin-zhao', 1, 'Tessellate Health', 'Senior backend engineer', '2016 to 2020',
     'Built the Django appointment system used by partner clinics.'),
    ('mei-lin-zhao', 2, 'Tinwhistle Games', 'Backend developer', '2013 to 2016',
     'Built leaderboards and player accounts.'),

    ('kofi-boateng', 0, 'Marigold Ledger', 'Software engineer', '2021 to now',
     'Works on the payment reconciliation jobs, in Java and Python.'),
    ('kofi-boateng', 1, 'Hooli', 'Software engineering intern', '2020',
     'Built an internal dashboard for on-call rotations.'),

    ('pieter-van-houten', 0, 'Harborlight Maps', 'Android engineer', '2019 to now',
     'Builds navigation features in the Android app.'),
    ('pieter-van-houten', 1, 'Initrode', 'Java developer', '2014 to 2019',
     'Maintained the desktop app used by insurance agents.')
) as v (slug, position, company, role, period, summary)
join interviewer i on i.slug = v.slug;

-- Tags per interviewer. `c` is deliberately used by nobody, and `kotlin` only by the hidden
-- profile, so both must be absent from the public filters.
insert into interviewer_tag (interviewer_id, tag_id)
select i.interviewer_id, t.tag_id
from interviewer i
cross join tag t
where (i.slug, t.slug) in (values
    ('ada-lindqvist', 'react'),
    ('ada-lindqvist', 'typescript'),
    ('ada-lindqvist', 'frontend'),
    ('ada-lindqvist', 'fullstack'),
    ('ada-lindqvist', 'system-design'),

    ('tomasz-wierzba', 'go'),
    ('tomasz-wierzba', 'postgresql'),
    ('tomasz-wierzba', 'kubernetes'),
    ('tomasz-wierzba', 'backend'),
    ('tomasz-wierzba', 'system-design'),
    ('tomasz-wierzba', 'devops-sre'),

    ('nkechi-obiora', 'python'),
    ('nkechi-obiora', 'fastapi'),
    ('nkechi-obiora', 'aws'),
    ('nkechi-obiora', 'machine-learning-engineering'),
    ('nkechi-obiora', 'data-engineering'),
    ('nkechi-obiora', 'system-design'),

    ('mateo-quiroga', 'typescript'),
    ('mateo-quiroga', 'node-js'),
    ('mateo-quiroga', 'react'),
    ('mateo-quiroga', 'postgresql'),
    ('mateo-quiroga', 'fullstack'),
    ('mateo-quiroga', 'backend'),
    ('mateo-quiroga', 'frontend'),

    ('ravi-subramanyam', 'java'),
    ('ravi-subramanyam', 'aws'),
    ('ravi-subramanyam', 'system-design'),
    ('ravi-subramanyam', 'engineering-management'),
    ('ravi-subramanyam', 'backend'),

    ('farid-haddad', 'c-plus-plus'),
    ('farid-haddad', 'rust'),
    ('farid-haddad', 'algorithms-data-structures'),
    ('farid-haddad', 'backend'),
    ('farid-haddad', 'system-design'),

    ('hana-kitamura', 'swift'),
    ('hana-kitamura', 'mobile'),
    ('hana-kitamura', 'frontend'),

    ('ingrid-halvorsen', 'kubernetes'),
    ('ingrid-halvorsen', 'aws'),
    ('ingrid-halvorsen', 'go'),
    ('ingrid-halvorsen', 'python'),
    ('ingrid-halvorsen', 'devops-sre'),
    ('ingrid-halvorsen', 'system-design'),

    ('lucia-ferraro', 'python'),
    ('lucia-ferraro', 'postgresql'),
    ('lucia-ferraro', 'aws'),
    ('lucia-ferraro', 'data-engineering'),
    ('lucia-ferraro', 'backend'),

    ('mei-lin-zhao', 'python'),
    ('mei-lin-zhao', 'django'),
    ('mei-lin-zhao', 'backend'),
    ('mei-lin-zhao', 'fullstack'),
    ('mei-lin-zhao', 'engineering-management'),

    ('kofi-boateng', 'python'),
    ('kofi-boateng', 'java'),
    ('kofi-boateng', 'algorithms-data-structures'),
    ('kofi-boateng', 'backend'),

    ('pieter-van-houten', 'kotlin'),
    ('pieter-van-houten', 'java'),
    ('pieter-van-houten', 'mobile')
);

-- Testimonials: six published (four about a named interviewer), one awaiting review.
insert into testimonial (quote, author, context, interviewer_id, is_published, display_order) values
    ('Ada stopped me early to ask why the fetching logic lived inside the component, which was exactly the question I had fumbled in a real loop a month before. Her notes gave me three concrete things to fix, and I worked through all of them before my next onsite.',
     'Priya S.', 'Frontend engineer, preparing for a senior role',
     (select interviewer_id from interviewer where slug = 'ada-lindqvist'), true, 10),
    ('I expected a coding exercise and got one, but the useful part was the end, when Tomasz kept adding load to my design until the database became the problem. I now start every design answer by asking how much data there is.',
     'Jonas K.', 'Backend engineer, preparing for a move to a fintech',
     (select interviewer_id from interviewer where slug = 'tomasz-wierzba'), true, 20),
    ('Ravi told me my answers sounded like a strong senior engineer rather than a staff one, and then showed me where: I described what I had built but never why the organisation needed it. That one note changed how I prepared.',
     'Marta G.', 'Senior engineer, preparing for staff-level interviews',
     (select interviewer_id from interviewer where slug = 'ravi-subramanyam'), true, 30),
    ('I booked because I wanted someone outside my company to tell me honestly whether I was ready. The answer was ''nearly'', with a list of what was missing. That was worth more to me than another week of practice problems.',
     'Sofia R.', 'Fullstack engineer, interviewing again after several years in one job',
     null, true, 40),
    ('It was my first technical interview with a stranger watching, and I froze on the second problem. Kofi let it play out the way a real interview would, then used the feedback time on how to talk through being stuck. The next one was much less frightening.',
     'Daniel O.', 'Career changer, preparing for junior developer roles',
     (select interviewer_id from interviewer where slug = 'kofi-boateng'), true, 50),
    ('The SQL round used the kind of messy schema I see at work, not a textbook one. My join was double-counting rows and I had not noticed; the feedback covered how to check for that out loud during an interview.',
     'Wei L.', 'Analyst moving into data engineering',
     null, true, 60),
    ('Good session and clear feedback. I would book again before my next round.',
     'Alex T.', 'Backend engineer',
     (select interviewer_id from interviewer where slug = 'farid-haddad'), false, 70);

-- Companies from the work histories above, shown as plain wordmarks (no logos).
insert into company (name, logo_url, display_order) values
    ('Northwind Cloud', null, 10),
    ('Hooli', null, 20),
    ('Initrode', null, 30),
    ('Vandelay Systems', null, 40),
    ('Quillfeather', null, 50),
    ('Tessellate Health', null, 60),
    ('Marigold Ledger', null, 70),
    ('Okapi Freight', null, 80),
    ('Harborlight Maps', null, 90),
    ('Tinwhistle Games', null, 100);
