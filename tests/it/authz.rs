//! The authorization matrix: every route of [`routes::table()`], each sent by every persona
//! (anonymous, interviewer A, interviewer B, staff), each answer checked against one exact
//! outcome written here.
//!
//! The cases are keyed by the route's method and path pattern. The test fails when a route
//! of the table has no case (a new route needs its authorization written down before it
//! counts as tested), when a case names a route that does not exist, and when a case
//! contradicts the route's declared [`Access`] (an anonymous visitor let into a signed-in
//! page, an interviewer into a staff page, a public page answering personas differently).
//!
//! The routes run in the table's order and every allowed action succeeds, so a case leaves
//! the world as later cases expect it: Cy, an interviewer who is none of the personas, is the
//! one deactivated and then activated; only fixtures made for it are merged or deleted; and
//! signing in and out use a second browser of the persona, so its own session lives on.

use interview_service::{
    auth::tokens,
    routes::{self, Access},
};
use reqwest::{Method, StatusCode, header, multipart};
use sqlx::PgPool;

use crate::{
    booking_support::{EVENT_TYPE_ID, pdf},
    fakes::{CAL_KEY, CAL_WEBHOOK_SECRET, FakeCal, FakeStripe, STRIPE_KEY, STRIPE_WEBHOOK_SECRET},
    helpers::Page,
    personas::{PASSWORD, Persona, Personas, add_user},
};

// ------------------------------------------------------------------ what a cell asserts

/// The one answer a persona gets.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    /// `303` to the sign-in page, coming back afterwards to the requested page (for a POST,
    /// to the bookings list: see `login_for`).
    Login,
    /// `303` to exactly this location.
    Redirect(String),
    /// `404`, the error page.
    NotFound,
    /// Exactly this status (webhooks answer in plain words).
    Status(u16),
    /// A page with this status whose `selector` nodes have exactly these texts (in any order).
    Texts(u16, &'static str, Vec<String>),
    /// A page with this status whose `selector` nodes have exactly these values of an attribute.
    Attrs(u16, &'static str, &'static str, Vec<String>),
    /// A page with this status and exactly this many `selector` nodes.
    Count(u16, &'static str, usize),
    /// `200` with this Content-Type and a body that starts with these bytes.
    File(&'static str, &'static [u8]),
    /// `200` CSV (with a header row) whose column `n` holds exactly these values (any order).
    CsvColumn(usize, Vec<String>),
}

use Expect::{Login, NotFound, Redirect};

fn texts(status: u16, selector: &'static str, texts: &[&str]) -> Expect {
    Expect::Texts(
        status,
        selector,
        texts.iter().map(|t| t.to_string()).collect(),
    )
}

fn heading(text: &str) -> Expect {
    texts(200, "h1", &[text])
}

fn form_action(selector: &'static str, action: &str) -> Expect {
    Expect::Attrs(200, selector, "action", vec![action.to_owned()])
}

fn redirect(location: impl Into<String>) -> Expect {
    Redirect(location.into())
}

/// The sign-in page's address for an anonymous request: a page comes back to itself; a
/// refused POST (sent here without a Referer) comes back to the bookings list.
fn login_for(method: &Method, path: &str) -> String {
    if *method == Method::GET {
        login_then(path)
    } else {
        login_then("/admin/bookings")
    }
}

/// The sign-in page's address that comes back to `path`.
fn login_then(path: &str) -> String {
    format!(
        "/admin/login?next={}",
        form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
    )
}

/// What was answered, read once.
struct Answer {
    status: StatusCode,
    location: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Self {
        let header = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Self {
            status: response.status(),
            location: header(header::LOCATION),
            content_type: header(header::CONTENT_TYPE),
            bytes: response.bytes().await.expect("body").to_vec(),
        }
    }

    fn page(&self) -> Page {
        Page {
            status: self.status,
            headers: Default::default(),
            body: String::from_utf8_lossy(&self.bytes).into_owned(),
        }
    }

    /// The answer in the shape of `expect`, to compare with it and to print.
    fn as_seen_by(&self, expect: &Expect, method: &Method, path: &str) -> Expect {
        let status = self.status.as_u16();
        let redirected = || match (status, &self.location) {
            (303, Some(location)) => Some(location.clone()),
            _ => None,
        };
        let other = || Expect::Status(status);
        match expect {
            Login => match redirected() {
                Some(location) if location == login_for(method, path) => Login,
                Some(location) => Redirect(location),
                None => other(),
            },
            Redirect(_) => redirected().map(Redirect).unwrap_or_else(other),
            NotFound if status == 404 => NotFound,
            NotFound | Expect::Status(_) => other(),
            Expect::Texts(_, selector, _) => {
                let mut seen = self.page().texts(selector);
                seen.sort();
                Expect::Texts(status, selector, seen)
            }
            Expect::Attrs(_, selector, attr, _) => {
                Expect::Attrs(status, selector, attr, self.page().attrs(selector, attr))
            }
            Expect::Count(_, selector, _) => {
                Expect::Count(status, selector, self.page().count(selector))
            }
            Expect::CsvColumn(n, _) => {
                let csv = self.page().body;
                let is_csv = self
                    .content_type
                    .as_deref()
                    .is_some_and(|t| t.starts_with("text/csv"));
                if status != 200 || !is_csv {
                    return redirected().map(Redirect).unwrap_or_else(other);
                }
                let mut values: Vec<String> = csv
                    .split("\r\n")
                    .skip(1)
                    .filter(|row| !row.is_empty())
                    .map(|row| row.split(',').nth(*n).unwrap_or("").to_owned())
                    .collect();
                values.sort();
                Expect::CsvColumn(*n, values)
            }
            Expect::File(content_type, start) => {
                if status == 200
                    && self.content_type.as_deref() == Some(content_type)
                    && self.bytes.starts_with(start)
                {
                    expect.clone()
                } else {
                    match redirected() {
                        Some(location) => Redirect(location),
                        None => other(),
                    }
                }
            }
        }
    }
}

/// Sorted, so [`Expect::Texts`] compares texts in any order.
fn normalised(expect: &Expect) -> Expect {
    match expect {
        Expect::Texts(status, selector, texts) => {
            let mut texts = texts.clone();
            texts.sort();
            Expect::Texts(*status, selector, texts)
        }
        Expect::CsvColumn(n, values) => {
            let mut values = values.clone();
            values.sort();
            Expect::CsvColumn(*n, values)
        }
        other => other.clone(),
    }
}

// ------------------------------------------------------------------ what a cell sends

#[derive(Clone)]
struct Part {
    name: &'static str,
    /// (file name, content type) for a file part.
    file: Option<(&'static str, &'static str)>,
    bytes: Vec<u8>,
}

#[derive(Clone)]
enum Body {
    None,
    Form(Vec<(String, String)>),
    Multipart(Vec<Part>),
    Json(&'static str),
}

fn form(fields: &[(&str, &str)]) -> Body {
    Body::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn text_part(name: &'static str, value: &str) -> Part {
    Part {
        name,
        file: None,
        bytes: value.as_bytes().to_vec(),
    }
}

fn file_part(
    name: &'static str,
    filename: &'static str,
    content_type: &'static str,
    bytes: Vec<u8>,
) -> Part {
    Part {
        name,
        file: Some((filename, content_type)),
        bytes,
    }
}

impl Body {
    fn attach(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Body::None => request,
            Body::Form(fields) => request.form(fields),
            Body::Json(json) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(*json),
            Body::Multipart(parts) => {
                let mut multipart = multipart::Form::new();
                for part in parts {
                    multipart = match part.file {
                        None => multipart.text(
                            part.name,
                            String::from_utf8(part.bytes.clone()).expect("text part"),
                        ),
                        Some((filename, content_type)) => multipart.part(
                            part.name,
                            multipart::Part::bytes(part.bytes.clone())
                                .file_name(filename)
                                .mime_str(content_type)
                                .unwrap(),
                        ),
                    };
                }
                request.multipart(multipart)
            }
        }
    }
}

// ------------------------------------------------------------------ cells and cases

/// One request by one persona, and its one expected answer.
struct Cell {
    persona: Persona,
    /// Sent from a second browser of the persona, signed in for this request alone.
    fresh: bool,
    path: String,
    body: Body,
    expect: Expect,
}

/// Every cell of one route.
struct Case {
    method: Method,
    pattern: &'static str,
    cells: Vec<Cell>,
}

fn case(method: Method, pattern: &'static str, rows: Vec<Vec<Cell>>) -> Case {
    Case {
        method,
        pattern,
        cells: rows.into_iter().flatten().collect(),
    }
}

/// The same request from anonymous, A, B and staff in turn, with each one's answer.
fn each(path: impl Into<String>, body: Body, expects: [Expect; 4]) -> Vec<Cell> {
    let path = path.into();
    Persona::ALL
        .into_iter()
        .zip(expects)
        .map(|(persona, expect)| Cell {
            persona,
            fresh: false,
            path: path.clone(),
            body: body.clone(),
            expect,
        })
        .collect()
}

/// The same request and the same answer for everyone.
fn everyone(path: impl Into<String>, body: Body, expect: Expect) -> Vec<Cell> {
    each(path, body, std::array::from_fn(|_| expect.clone()))
}

fn cell(persona: Persona, path: impl Into<String>, body: Body, expect: Expect) -> Cell {
    Cell {
        persona,
        fresh: false,
        path: path.into(),
        body,
        expect,
    }
}

/// The same cells, each sent from a second browser of its persona.
fn fresh(cells: Vec<Cell>) -> Vec<Cell> {
    cells
        .into_iter()
        .map(|cell| Cell {
            fresh: true,
            ..cell
        })
        .collect()
}

/// A signed-in route: anonymous visitors go to the sign-in page.
fn signed_in(a: Expect, b: Expect, staff: Expect) -> [Expect; 4] {
    [Login, a, b, staff]
}

/// A staff route: it does not exist for interviewers.
fn staff_only(staff: Expect) -> [Expect; 4] {
    [Login, NotFound, NotFound, staff]
}

/// A signed-in route's object that nobody has.
fn nobodys() -> [Expect; 4] {
    [Login, NotFound, NotFound, NotFound]
}

/// Whether `path` (query string aside) is an instance of the axum `pattern`.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (pattern, path): (Vec<_>, Vec<_>) =
        (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(p, s)| {
            if p.starts_with('{') && p.ends_with('}') {
                !s.is_empty()
            } else {
                p == s
            }
        })
}

/// What a case must look like for a route of `access`.
fn contradictions(access: Access, case: &Case) -> Vec<String> {
    let mut found = Vec::new();
    let name = format!("{} {}", case.method, case.pattern);
    for persona in Persona::ALL {
        if !case.cells.iter().any(|c| c.persona == persona) {
            found.push(format!("{name}: no cell for {persona:?}"));
        }
    }
    for cell in &case.cells {
        if !matches_pattern(case.pattern, &cell.path) {
            found.push(format!("{name}: {} is not this route", cell.path));
        }
        let wrong = match (access, cell.persona, &cell.expect) {
            (Access::Public | Access::Webhook | Access::AdminDoor, _, Login) => {
                Some("a door or public route never asks to sign in")
            }
            (Access::SignedIn | Access::Staff, Persona::Anonymous, e) if *e != Login => {
                Some("anonymous visitors are sent to sign in")
            }
            (Access::Staff, Persona::InterviewerA | Persona::InterviewerB, e) if *e != NotFound => {
                Some("staff routes do not exist for interviewers")
            }
            _ => None,
        };
        if let Some(rule) = wrong {
            found.push(format!(
                "{name}: {:?} on {}: {:?} contradicts {access:?}: {rule}",
                cell.persona, cell.path, cell.expect
            ));
        }
    }
    if matches!(access, Access::Public | Access::Webhook) {
        for first in &case.cells {
            if let Some(other) = case
                .cells
                .iter()
                .find(|c| c.path == first.path && c.expect != first.expect)
            {
                found.push(format!(
                    "{name}: {} answers {:?} and {:?} differently on a {access:?} route",
                    first.path, first.persona, other.persona
                ));
                break;
            }
        }
    }
    found
}

// ------------------------------------------------------------------ the world of the matrix

/// The personas' world, plus what the routes act on: Cy Gamma (an account that is none of
/// the personas; deactivated and reactivated) with a held booking from cal.com, an account
/// with reset links (Dora), tags, testimonials and companies to edit and to delete, and a
/// stored photo.
struct World {
    p: Personas,
    _stripe: FakeStripe,
    id_c: i64,
    /// Cy's held booking, created from the cal.com booking `held_uid`.
    held: String,
    held_uid: String,
    /// Unused reset links, each of its own account (a new link ends an account's earlier
    /// ones): one for each persona to use, and one to show.
    links: Vec<String>,
    tags: Tags,
    testimonial: i64,
    doomed_testimonial: i64,
    company: i64,
    doomed_company: i64,
    photo: String,
}

struct Tags {
    react: i64,
    python: i64,
    frontend: i64,
    backend: i64,
    merge_from: i64,
    merge_into: i64,
}

const UNKNOWN_ID: &str = "999999";
const NOT_AN_ID: &str = "abc";
const UNKNOWN_PUBLIC_ID: &str = "nosuchbooking0000000000000";
const DORA: &str = "dora@example.com";
const CUSTOMER: &str = "Eve Example";

async fn scalar(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

impl World {
    async fn new(pool: PgPool) -> Self {
        let stripe = FakeStripe::start().await;
        let cal = FakeCal::start().await;
        let p = Personas::with(
            pool,
            &[
                ("STRIPE_SECRET_KEY", STRIPE_KEY),
                ("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET),
                ("STRIPE_API_BASE", &stripe.base),
                ("CALCOM_API_KEY", CAL_KEY),
                ("CALCOM_WEBHOOK_SECRET", CAL_WEBHOOK_SECRET),
                ("CALCOM_API_BASE", &cal.base),
            ],
        )
        .await;
        let pool = p.app.pool.clone();

        // A's and B's payments in the earnings ledger, as their charges' jobs record them.
        for public_id in [&p.booking_a, &p.booking_b] {
            sqlx::query(
                "insert into ledger_entry (booking_id, interviewer_id, kind, currency, amount_minor, source)
                 select booking_id, interviewer_id, 'charge', currency, price_minor, 'ch_authz_' || public_id
                 from booking where public_id = $1",
            )
            .bind(public_id)
            .execute(&pool)
            .await
            .unwrap();
        }
        // A payout to A, covering A's booking.
        sqlx::query(
            "with p as (
                 insert into payout (interviewer_id, currency, amount_minor, paid_on, reference, request_key)
                 select interviewer_id, currency, 100, current_date, 'authz transfer', 'authz-world'
                 from booking where public_id = $1
                 returning payout_id
             )
             insert into payout_line (payout_id, booking_id, amount_minor)
             select p.payout_id, b.booking_id, 100 from p, booking b where b.public_id = $1",
        )
        .bind(&p.booking_a)
        .execute(&pool)
        .await
        .unwrap();

        // Cy takes bookings; one is held, made from its cal.com uid as the embed does.
        sqlx::query("update interviewer set cal_event_type_id = $1 where slug = 'cy-gamma'")
            .bind(EVENT_TYPE_ID)
            .execute(&pool)
            .await
            .unwrap();
        add_user(&pool, "cy@example.com", false, Some("cy-gamma")).await;
        let id_c = scalar(
            &pool,
            "select interviewer_id from interviewer where slug = 'cy-gamma'",
        )
        .await;
        let held_uid = "authz-held-booking".to_owned();
        cal.add_booking(
            &held_uid,
            EVENT_TYPE_ID,
            96,
            "pending",
            "cy@example.com",
            "eve@example.com",
        );
        let booked = p
            .anonymous
            .post_form("/interviewers/cy-gamma/book", &[("uid", held_uid.as_str())])
            .await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
        let held = booked
            .header("location")
            .unwrap()
            .trim_start_matches("/bookings/")
            .trim_end_matches("/details")
            .to_owned();

        add_user(&pool, DORA, false, None).await;
        let mut links = Vec::new();
        for n in 0..5 {
            let dora = add_user(&pool, &format!("dora{n}@example.com"), false, None).await;
            let token = tokens::new_token();
            sqlx::query(
                "insert into account_token (token_hash, user_id, purpose, expires_at)
                 values ($1, $2, 'reset', now() + interval '1 hour')",
            )
            .bind(tokens::token_hash(&token))
            .bind(dora)
            .execute(&pool)
            .await
            .unwrap();
            links.push(format!("/admin/password/set/{token}"));
        }

        let tag = |slug: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>("select tag_id from tag where slug = $1")
                    .bind(slug)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let tags = Tags {
            react: tag("react").await,
            python: tag("python").await,
            frontend: tag("frontend").await,
            backend: tag("backend").await,
            merge_from: crate::helpers::tag(&pool, "technology", "merge-from", "Merge From").await,
            merge_into: crate::helpers::tag(&pool, "technology", "merge-into", "Merge Into").await,
        };

        let testimonial = |quote: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "insert into testimonial (quote, author, is_published) values ($1, 'Fay F.', true)
                     returning testimonial_id",
                )
                .bind(quote)
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        };
        let company = |name: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "insert into company (name) values ($1) returning company_id",
                )
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        };

        let photo = format!("authz-{}.jpg", tokens::new_public_id());
        p.app
            .state
            .services
            .storage
            .put(
                &format!("photos/{photo}"),
                image_bytes(image::ImageFormat::Jpeg),
            )
            .await
            .unwrap();

        World {
            id_c,
            held,
            held_uid,
            links,
            tags,
            testimonial: testimonial("Kind and exact.").await,
            doomed_testimonial: testimonial("To be deleted.").await,
            company: company("Hooli").await,
            doomed_company: company("Initrode").await,
            photo,
            _stripe: stripe,
            p,
        }
    }

    /// A's profile form, as the page shows it filled in.
    fn profile_a(&self) -> Body {
        let (react, frontend) = (self.tags.react.to_string(), self.tags.frontend.to_string());
        form(&[
            ("name", "Ada Alpha"),
            ("headline", "Ada Alpha interviews for backend roles"),
            (
                "bio",
                "First paragraph about Ada Alpha.\n\nSecond paragraph.",
            ),
            ("rate", "120"),
            ("currency", "USD"),
            ("time_zone", "UTC"),
            ("is_active", "on"),
            ("tag", &react),
            ("tag", &frontend),
            ("history_company", "Hooli"),
            ("history_role", "Staff Engineer"),
            ("history_period", "2020 to now"),
            ("history_summary", "Built things."),
            ("history_position", "1"),
            ("history_company", "Initrode"),
            ("history_role", "Engineer"),
            ("history_period", "2020 to now"),
            ("history_summary", "Built things."),
            ("history_position", "2"),
        ])
    }

    /// B's profile form, as the page shows it filled in.
    fn profile_b(&self) -> Body {
        let (python, backend) = (self.tags.python.to_string(), self.tags.backend.to_string());
        form(&[
            ("name", "Bo Beta"),
            ("headline", "Bo Beta interviews for backend roles"),
            ("bio", "First paragraph about Bo Beta.\n\nSecond paragraph."),
            ("rate", "180.50"),
            ("currency", "USD"),
            ("time_zone", "UTC"),
            ("is_active", "on"),
            ("tag", &python),
            ("tag", &backend),
        ])
    }
}

/// A 120×100 image (photos must be at least 96 pixels on each side).
fn image_bytes(format: image::ImageFormat) -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        120,
        100,
        image::Rgb([40, 120, 200]),
    ));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn photo_upload() -> Body {
    Body::Multipart(vec![file_part(
        "photo",
        "me.png",
        "image/png",
        image_bytes(image::ImageFormat::Png),
    )])
}

fn booking_details() -> Body {
    Body::Multipart(vec![
        text_part("name", CUSTOMER),
        text_part("email", "eve@example.com"),
        text_part("background", "Backend engineer, six years of Python."),
        text_part(
            "interview_focus",
            "A system design round for a senior backend role.",
        ),
        text_part("technologies", "React"),
        text_part("subject", "Frontend"),
        file_part("resume", "cv.pdf", "application/pdf", pdf()),
    ])
}

// ------------------------------------------------------------------ the matrix

/// Every route's cells, keyed by method and pattern.
fn cases(w: &World) -> Vec<Case> {
    use Persona::*;
    let (ba, bb, held) = (&w.p.booking_a, &w.p.booking_b, &w.held);
    let (ia, ib, ic) = (w.p.id_a, w.p.id_b, w.id_c);
    let none = || Body::None;
    let admin_booking = |id: &str| format!("/admin/bookings/{id}");
    let profile_of = |id: &str| format!("/admin/interviewers/{id}/profile");
    let saved_profile_of = |id: i64| format!("/admin/interviewers/{id}/profile?saved=1");
    // Staff routes on an interviewer, a tag, a testimonial or a company: the real one, one
    // that does not exist, and a segment that cannot be an id.
    let staff_on = |path: &dyn Fn(&str) -> String, real: String, body: Body, done: Expect| {
        vec![
            each(path(&real), body.clone(), staff_only(done)),
            each(path(UNKNOWN_ID), body.clone(), staff_only(NotFound)),
            each(path(NOT_AN_ID), body, staff_only(NotFound)),
        ]
    };
    let listing = form(&[("featured", "on"), ("display_order", "1")]);
    let testimonial = form(&[
        ("quote", "Clear, kind and demanding."),
        ("author", "Eve E."),
        ("context", "Backend"),
        ("is_published", "on"),
        ("display_order", "1"),
    ]);

    vec![
        // ---- public site: the same answer for everyone
        case(
            Method::GET,
            "/",
            vec![everyone(
                "/",
                none(),
                heading("Rehearse the interview before the one that counts."),
            )],
        ),
        case(
            Method::GET,
            "/interviewers",
            vec![everyone(
                "/interviewers",
                none(),
                texts(200, "[data-testid=result-count]", &["3 interviewers"]),
            )],
        ),
        case(
            Method::GET,
            "/interviewers/{slug}",
            vec![
                everyone("/interviewers/ada-alpha", none(), heading("Ada Alpha")),
                everyone("/interviewers/hal-hidden", none(), NotFound),
                everyone("/interviewers/nobody-by-that-name", none(), NotFound),
                everyone("/interviewers/Not_A_Slug", none(), NotFound),
            ],
        ),
        case(
            Method::GET,
            "/interviewers/{slug}/book",
            vec![
                everyone(
                    "/interviewers/cy-gamma/book",
                    none(),
                    heading("Book a practice interview with Cy Gamma"),
                ),
                everyone("/interviewers/hal-hidden/book", none(), NotFound),
            ],
        ),
        case(
            Method::POST,
            "/interviewers/{slug}/book",
            vec![
                // The uid of a booking we already made is the same booking (the embed's
                // event may arrive twice).
                everyone(
                    "/interviewers/cy-gamma/book",
                    form(&[("uid", &w.held_uid)]),
                    redirect(format!("/bookings/{held}/details")),
                ),
                everyone(
                    "/interviewers/hal-hidden/book",
                    form(&[("uid", &w.held_uid)]),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::GET,
            "/bookings/{id}/details",
            vec![
                everyone(
                    format!("/bookings/{held}/details"),
                    none(),
                    heading("Your practice interview with Cy Gamma"),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/details"),
                    none(),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::POST,
            "/bookings/{id}/details",
            vec![
                // The same details again reopen the same Checkout Session.
                everyone(
                    format!("/bookings/{held}/details"),
                    booking_details(),
                    redirect("https://checkout.stripe.test/c/pay/cs_test_1"),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/details"),
                    booking_details(),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::GET,
            "/bookings/{id}/thanks",
            vec![
                everyone(
                    format!("/bookings/{bb}/thanks"),
                    none(),
                    heading("Thank you, your interview is booked"),
                ),
                everyone(
                    format!("/bookings/{held}/thanks"),
                    none(),
                    heading("Not paid yet"),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/thanks"),
                    none(),
                    NotFound,
                ),
            ],
        ),
        // ---- the customer's own booking page: the public id is the credential
        case(
            Method::GET,
            "/bookings/{id}",
            vec![
                everyone(
                    format!("/bookings/{bb}"),
                    none(),
                    heading("Your practice interview with Bo Beta"),
                ),
                everyone(
                    format!("/bookings/{held}"),
                    none(),
                    texts(
                        200,
                        "[data-testid=booking-status] .booking-panel__state",
                        &["Not paid yet"],
                    ),
                ),
                everyone(format!("/bookings/{UNKNOWN_PUBLIC_ID}"), none(), NotFound),
            ],
        ),
        case(
            Method::GET,
            "/bookings/{id}/calendar.ics",
            vec![
                everyone(
                    format!("/bookings/{bb}/calendar.ics"),
                    none(),
                    Expect::File(
                        "text/calendar; method=PUBLISH; charset=UTF-8",
                        b"BEGIN:VCALENDAR",
                    ),
                ),
                // Only a paid booking has an event to add.
                everyone(format!("/bookings/{held}/calendar.ics"), none(), NotFound),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/calendar.ics"),
                    none(),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::GET,
            "/bookings/{id}/report",
            vec![
                // Only once the interviewer has sent it.
                everyone(format!("/bookings/{bb}/report"), none(), NotFound),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/report"),
                    none(),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::POST,
            "/bookings/{id}/review",
            vec![
                // Only a held session is reviewed: back to the booking's page.
                everyone(
                    format!("/bookings/{bb}/review"),
                    form(&[("rating", "5"), ("body", "Great.")]),
                    redirect(format!("/bookings/{bb}")),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/review"),
                    form(&[("rating", "5"), ("body", "Great.")]),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::POST,
            "/bookings/{id}/claim",
            vec![
                // Only after a held session: back to the booking's page.
                everyone(
                    format!("/bookings/{bb}/claim"),
                    form(&[("reason", "Not useful.")]),
                    redirect(format!("/bookings/{bb}")),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/claim"),
                    form(&[("reason", "Not useful.")]),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::GET,
            "/bookings/{id}/cancel",
            vec![
                everyone(
                    format!("/bookings/{bb}/cancel"),
                    none(),
                    heading("Cancel your practice interview?"),
                ),
                // Nothing to cancel before payment: back to the booking's page.
                everyone(
                    format!("/bookings/{held}/cancel"),
                    none(),
                    redirect(format!("/bookings/{held}")),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/cancel"),
                    none(),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::POST,
            "/bookings/{id}/cancel",
            vec![
                // A refund other than the policy's is never accepted: the page again, with
                // what a cancel gives now, and nothing cancelled.
                everyone(
                    format!("/bookings/{bb}/cancel"),
                    form(&[("quoted_refund_minor", "1")]),
                    texts(
                        422,
                        "[data-testid=refund-changed] strong",
                        &["The refund has changed since you opened this page"],
                    ),
                ),
                everyone(
                    format!("/bookings/{held}/cancel"),
                    form(&[("quoted_refund_minor", "0")]),
                    redirect(format!("/bookings/{held}")),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/cancel"),
                    form(&[("quoted_refund_minor", "0")]),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::GET,
            "/bookings/{id}/reschedule",
            vec![
                everyone(
                    format!("/bookings/{bb}/reschedule"),
                    none(),
                    heading("Move your practice interview with Bo Beta"),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/reschedule"),
                    none(),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::POST,
            "/bookings/{id}/reschedule",
            vec![
                // An unpaid booking cannot move from here (its hold simply runs out).
                everyone(
                    format!("/bookings/{held}/reschedule"),
                    form(&[("uid", "uid-somewhere-else")]),
                    Expect::Status(409),
                ),
                everyone(
                    format!("/bookings/{UNKNOWN_PUBLIC_ID}/reschedule"),
                    form(&[("uid", "uid-somewhere-else")]),
                    NotFound,
                ),
            ],
        ),
        // ---- webhooks: signed by the sender, so unsigned bodies are refused
        case(
            Method::POST,
            "/webhooks/stripe",
            vec![everyone(
                "/webhooks/stripe",
                Body::Json("{}"),
                Expect::Status(400),
            )],
        ),
        case(
            Method::POST,
            "/webhooks/calcom",
            vec![everyone(
                "/webhooks/calcom",
                Body::Json("{}"),
                Expect::Status(400),
            )],
        ),
        // ---- the admin panel's doors: usable signed out
        case(
            Method::GET,
            "/admin/login",
            vec![
                each(
                    "/admin/login",
                    none(),
                    [
                        form_action("form.admin-form", "/admin/login"),
                        redirect("/admin"),
                        redirect("/admin"),
                        redirect("/admin"),
                    ],
                ),
                each(
                    "/admin/login?next=/admin/bookings",
                    none(),
                    [
                        Expect::Attrs(
                            200,
                            "input[name=next]",
                            "value",
                            vec!["/admin/bookings".to_owned()],
                        ),
                        redirect("/admin/bookings"),
                        redirect("/admin/bookings"),
                        redirect("/admin/bookings"),
                    ],
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/login",
            // Signing in replaces the browser's session: a second browser each.
            vec![fresh(everyone(
                "/admin/login",
                form(&[
                    ("email", DORA),
                    ("password", PASSWORD),
                    ("next", "/admin/bookings"),
                ]),
                redirect("/admin/bookings"),
            ))],
        ),
        case(
            Method::POST,
            "/admin/logout",
            vec![fresh(everyone(
                "/admin/logout",
                form(&[]),
                redirect("/admin/login?signed_out=1"),
            ))],
        ),
        case(
            Method::GET,
            "/admin/password/forgot",
            vec![everyone(
                "/admin/password/forgot",
                none(),
                form_action("form.admin-form", "/admin/password/forgot"),
            )],
        ),
        case(
            Method::POST,
            "/admin/password/forgot",
            // One address each: three links an hour per address is the limit.
            vec![
                Persona::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(n, persona)| {
                        cell(
                            persona,
                            "/admin/password/forgot",
                            form(&[("email", &format!("dora{n}@example.com"))]),
                            Expect::Count(200, "[data-testid=reset-sent]", 1),
                        )
                    })
                    .collect(),
            ],
        ),
        case(
            Method::GET,
            "/admin/password/set/{token}",
            vec![
                everyone(w.links[4].clone(), none(), heading("Set a new password")),
                everyone(
                    format!("/admin/password/set/{}", tokens::new_token()),
                    none(),
                    NotFound,
                ),
                everyone("/admin/password/set/abc", none(), NotFound),
            ],
        ),
        case(
            Method::POST,
            "/admin/password/set/{token}",
            vec![
                // Each link works once: one for each persona.
                Persona::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, persona)| {
                        cell(
                            persona,
                            w.links[i].clone(),
                            form(&[("new", PASSWORD), ("confirm", PASSWORD)]),
                            redirect("/admin/login?reset=1"),
                        )
                    })
                    .collect(),
                everyone(
                    w.links[0].clone(),
                    form(&[("new", PASSWORD), ("confirm", PASSWORD)]),
                    NotFound,
                ),
            ],
        ),
        case(
            Method::GET,
            "/admin/account/password",
            vec![each(
                "/admin/account/password",
                none(),
                signed_in(
                    heading("Change your password"),
                    heading("Change your password"),
                    heading("Change your password"),
                ),
            )],
        ),
        case(
            Method::POST,
            "/admin/account/password",
            vec![each(
                "/admin/account/password",
                form(&[
                    ("current", PASSWORD),
                    ("new", PASSWORD),
                    ("confirm", PASSWORD),
                ]),
                signed_in(
                    Expect::Count(200, "[data-testid=password-changed]", 1),
                    Expect::Count(200, "[data-testid=password-changed]", 1),
                    Expect::Count(200, "[data-testid=password-changed]", 1),
                ),
            )],
        ),
        // ---- bookings: an interviewer's own, staff everyone's
        case(
            Method::GET,
            "/admin",
            vec![each(
                "/admin",
                none(),
                signed_in(
                    redirect("/admin/bookings"),
                    redirect("/admin/bookings"),
                    redirect("/admin/bookings"),
                ),
            )],
        ),
        case(
            Method::GET,
            "/admin/bookings",
            vec![each(
                "/admin/bookings",
                none(),
                signed_in(
                    texts(
                        200,
                        "[data-testid=booking-row] td[data-label=Customer]",
                        &["Carla Customer"],
                    ),
                    texts(
                        200,
                        "[data-testid=booking-row] td[data-label=Customer]",
                        &["Dan Customer"],
                    ),
                    texts(
                        200,
                        "[data-testid=booking-row] td[data-label=Customer]",
                        &["Carla Customer", "Dan Customer", CUSTOMER],
                    ),
                ),
            )],
        ),
        case(
            Method::GET,
            "/admin/bookings/{id}",
            vec![
                each(
                    admin_booking(ba),
                    none(),
                    signed_in(
                        heading("Interview with Carla Customer"),
                        NotFound,
                        heading("Interview with Carla Customer"),
                    ),
                ),
                each(
                    admin_booking(bb),
                    none(),
                    signed_in(
                        NotFound,
                        heading("Interview with Dan Customer"),
                        heading("Interview with Dan Customer"),
                    ),
                ),
                each(
                    admin_booking(held),
                    none(),
                    signed_in(
                        NotFound,
                        NotFound,
                        heading(&format!("Interview with {CUSTOMER}")),
                    ),
                ),
                each(admin_booking(UNKNOWN_PUBLIC_ID), none(), nobodys()),
                // A control character cannot be an id.
                each(admin_booking("%00"), none(), nobodys()),
            ],
        ),
        case(
            Method::GET,
            "/admin/bookings/{id}/resume",
            vec![
                each(
                    format!("/admin/bookings/{ba}/resume"),
                    none(),
                    signed_in(
                        Expect::File("application/pdf", b"%PDF-"),
                        NotFound,
                        Expect::File("application/pdf", b"%PDF-"),
                    ),
                ),
                each(
                    format!("/admin/bookings/{bb}/resume"),
                    none(),
                    signed_in(
                        NotFound,
                        Expect::File("application/pdf", b"%PDF-"),
                        Expect::File("application/pdf", b"%PDF-"),
                    ),
                ),
                each(
                    format!("/admin/bookings/{held}/resume"),
                    none(),
                    signed_in(
                        NotFound,
                        NotFound,
                        Expect::File("application/pdf", b"%PDF-"),
                    ),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/resume"),
                    none(),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/acknowledge",
            vec![
                each(
                    format!("/admin/bookings/{ba}/acknowledge"),
                    form(&[("note", "See you then.")]),
                    signed_in(
                        redirect(format!("/admin/bookings/{ba}?done=acknowledged")),
                        NotFound,
                        redirect(format!("/admin/bookings/{ba}?done=acknowledged")),
                    ),
                ),
                each(
                    format!("/admin/bookings/{bb}/acknowledge"),
                    form(&[("note", "See you then.")]),
                    signed_in(
                        NotFound,
                        redirect(format!("/admin/bookings/{bb}?done=acknowledged")),
                        redirect(format!("/admin/bookings/{bb}?done=acknowledged")),
                    ),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/acknowledge"),
                    form(&[("note", "See you then.")]),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/outcome",
            vec![
                // The personas' bookings are days ahead: too early to mark, for whoever may.
                each(
                    format!("/admin/bookings/{ba}/outcome"),
                    form(&[("outcome", "held")]),
                    signed_in(Expect::Status(409), NotFound, Expect::Status(409)),
                ),
                each(
                    format!("/admin/bookings/{bb}/outcome"),
                    form(&[("outcome", "held")]),
                    signed_in(NotFound, Expect::Status(409), Expect::Status(409)),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/outcome"),
                    form(&[("outcome", "held")]),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::GET,
            "/admin/bookings/{id}/report",
            vec![
                // Not held yet, so no report: the page says so, to whoever may see the booking.
                each(
                    format!("/admin/bookings/{ba}/report"),
                    none(),
                    signed_in(
                        Expect::Count(200, "[data-testid=no-report]", 1),
                        NotFound,
                        Expect::Count(200, "[data-testid=no-report]", 1),
                    ),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/report"),
                    none(),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/report",
            vec![
                // Only the booking's interviewer writes it (staff read it); with no held
                // session, there is nothing to write: back to the report page.
                each(
                    format!("/admin/bookings/{ba}/report"),
                    form(&[("strengths", "Clear.")]),
                    signed_in(
                        redirect(format!("/admin/bookings/{ba}/report")),
                        NotFound,
                        Expect::Status(403),
                    ),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/report"),
                    form(&[("strengths", "Clear.")]),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/report/draft",
            vec![
                each(
                    format!("/admin/bookings/{bb}/report/draft"),
                    form(&[("strengths", "Clear.")]),
                    signed_in(
                        NotFound,
                        redirect(format!("/admin/bookings/{bb}/report")),
                        Expect::Status(403),
                    ),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/report/draft"),
                    form(&[("strengths", "Clear.")]),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/review/hide",
            vec![
                each(
                    format!("/admin/bookings/{ba}/review/hide"),
                    form(&[("reason", "abuse")]),
                    staff_only(Expect::Status(409)),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/review/hide"),
                    form(&[("reason", "abuse")]),
                    staff_only(NotFound),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/review/reply",
            vec![
                // No review yet: nothing to reply to; staff never reply.
                each(
                    format!("/admin/bookings/{ba}/review/reply"),
                    form(&[("reply", "Thank you.")]),
                    signed_in(Expect::Status(409), NotFound, Expect::Status(403)),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/review/reply"),
                    form(&[("reply", "Thank you.")]),
                    nobodys(),
                ),
            ],
        ),
        case(
            Method::GET,
            "/admin/overview",
            vec![each(
                "/admin/overview",
                none(),
                staff_only(Expect::Count(200, "[data-testid=weekly-chart]", 1)),
            )],
        ),
        case(
            Method::GET,
            "/admin/earnings",
            vec![
                each(
                    "/admin/earnings",
                    none(),
                    signed_in(
                        texts(200, "[data-testid=earnings-customer]", &["Carla"]),
                        texts(200, "[data-testid=earnings-customer]", &["Dan"]),
                        texts(200, "[data-testid=earnings-customer]", &["Carla", "Dan"]),
                    ),
                ),
                // The payout to A is A's (and staff's) to see.
                each(
                    "/admin/earnings",
                    none(),
                    signed_in(
                        Expect::Count(200, "[data-testid=earnings-payouts] tbody tr", 1),
                        Expect::Count(200, "[data-testid=earnings-payouts] tbody tr", 0),
                        Expect::Count(200, "[data-testid=earnings-payouts] tbody tr", 1),
                    ),
                ),
            ],
        ),
        case(
            Method::GET,
            "/admin/earnings.csv",
            vec![each(
                "/admin/earnings.csv",
                none(),
                // Column 3: the customer's first name.
                signed_in(
                    Expect::CsvColumn(3, vec!["Carla".into()]),
                    Expect::CsvColumn(3, vec!["Dan".into()]),
                    Expect::CsvColumn(3, vec!["Carla".into(), "Dan".into()]),
                ),
            )],
        ),
        case(
            Method::GET,
            "/admin/payouts",
            vec![each(
                "/admin/payouts",
                none(),
                staff_only(texts(
                    200,
                    "[data-testid=balance-interviewer]",
                    &["Ada Alpha", "Bo Beta"],
                )),
            )],
        ),
        case(
            Method::GET,
            "/admin/payouts.csv",
            vec![each(
                "/admin/payouts.csv",
                none(),
                staff_only(Expect::CsvColumn(2, vec!["Ada Alpha".into()])),
            )],
        ),
        case(
            Method::POST,
            "/admin/payouts",
            vec![
                // A's share is not payable yet (the session is not held): nothing to record.
                each(
                    "/admin/payouts",
                    form(&[
                        ("interviewer_id", &w.p.id_a.to_string()),
                        ("currency", "USD"),
                        ("paid_on", "2026-12-01"),
                        ("amount", "1.00"),
                        ("reference", "transfer"),
                        ("request_key", "authz-payout"),
                    ]),
                    staff_only(Expect::Status(409)),
                ),
                each(
                    "/admin/payouts",
                    form(&[
                        ("interviewer_id", UNKNOWN_ID),
                        ("currency", "USD"),
                        ("request_key", "authz-payout-unknown"),
                    ]),
                    staff_only(NotFound),
                ),
            ],
        ),
        case(
            Method::GET,
            "/admin/claims",
            vec![each(
                "/admin/claims",
                none(),
                staff_only(Expect::Count(200, "[data-testid=no-claims]", 1)),
            )],
        ),
        case(
            Method::POST,
            "/admin/claims/{id}/refund",
            vec![
                // No claim on it: nothing to refund from here.
                each(
                    format!("/admin/claims/{ba}/refund"),
                    none(),
                    staff_only(Expect::Status(409)),
                ),
                each(
                    format!("/admin/claims/{UNKNOWN_PUBLIC_ID}/refund"),
                    none(),
                    staff_only(NotFound),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/claims/{id}/reply",
            vec![
                each(
                    format!("/admin/claims/{ba}/reply"),
                    form(&[("reply", "Tell us more?")]),
                    staff_only(Expect::Status(409)),
                ),
                each(
                    format!("/admin/claims/{UNKNOWN_PUBLIC_ID}/reply"),
                    form(&[("reply", "Tell us more?")]),
                    staff_only(NotFound),
                ),
            ],
        ),
        case(
            Method::POST,
            "/admin/bookings/{id}/refund",
            vec![
                each(
                    format!("/admin/bookings/{ba}/refund"),
                    form(&[("reason", "Interviewer was 20 minutes late.")]),
                    staff_only(redirect(format!("/admin/bookings/{ba}?done=refunded"))),
                ),
                each(
                    format!("/admin/bookings/{UNKNOWN_PUBLIC_ID}/refund"),
                    form(&[("reason", "Interviewer was 20 minutes late.")]),
                    staff_only(NotFound),
                ),
            ],
        ),
        // ---- an interviewer's own profile (staff have none of their own)
        case(
            Method::GET,
            "/admin/profile",
            vec![each(
                "/admin/profile",
                none(),
                signed_in(
                    form_action("form#profile-form", "/admin/profile"),
                    form_action("form#profile-form", "/admin/profile"),
                    redirect("/admin/interviewers"),
                ),
            )],
        ),
        case(
            Method::POST,
            "/admin/profile",
            vec![vec![
                cell(Anonymous, "/admin/profile", w.profile_a(), Login),
                cell(
                    InterviewerA,
                    "/admin/profile",
                    w.profile_a(),
                    redirect("/admin/profile?saved=1"),
                ),
                cell(
                    InterviewerB,
                    "/admin/profile",
                    w.profile_b(),
                    redirect("/admin/profile?saved=1"),
                ),
                cell(Staff, "/admin/profile", w.profile_a(), NotFound),
            ]],
        ),
        case(
            Method::POST,
            "/admin/profile/photo",
            vec![each(
                "/admin/profile/photo",
                photo_upload(),
                signed_in(
                    redirect("/admin/profile?saved=1"),
                    redirect("/admin/profile?saved=1"),
                    NotFound,
                ),
            )],
        ),
        // ---- staff only
        case(
            Method::GET,
            "/admin/interviewers",
            vec![each(
                "/admin/interviewers",
                none(),
                staff_only(heading("Interviewers")),
            )],
        ),
        case(
            Method::POST,
            "/admin/interviewers",
            vec![each(
                "/admin/interviewers",
                form(&[("name", "Nia Newcomer"), ("email", "nia@example.com")]),
                staff_only(redirect("/admin/interviewers?done=invited")),
            )],
        ),
        case(
            Method::GET,
            "/admin/interviewers/{id}/profile",
            staff_on(
                &profile_of,
                ia.to_string(),
                none(),
                form_action("form#profile-form", &profile_of(&ia.to_string())),
            )
            .into_iter()
            .chain([each(
                profile_of(&ib.to_string()),
                none(),
                staff_only(heading("Profile of Bo Beta")),
            )])
            .collect(),
        ),
        case(
            Method::POST,
            "/admin/interviewers/{id}/profile",
            staff_on(
                &profile_of,
                ia.to_string(),
                w.profile_a(),
                redirect(saved_profile_of(ia)),
            ),
        ),
        case(
            Method::POST,
            "/admin/interviewers/{id}/photo",
            staff_on(
                &|id| format!("/admin/interviewers/{id}/photo"),
                ia.to_string(),
                photo_upload(),
                redirect(saved_profile_of(ia)),
            ),
        ),
        case(
            Method::POST,
            "/admin/interviewers/{id}/deactivate",
            staff_on(
                &|id| format!("/admin/interviewers/{id}/deactivate"),
                ic.to_string(),
                form(&[]),
                redirect("/admin/interviewers?done=deactivated"),
            ),
        ),
        case(
            Method::POST,
            "/admin/interviewers/{id}/activate",
            staff_on(
                &|id| format!("/admin/interviewers/{id}/activate"),
                ic.to_string(),
                form(&[]),
                redirect("/admin/interviewers?done=activated"),
            ),
        ),
        case(
            Method::POST,
            "/admin/interviewers/{id}/listing",
            staff_on(
                &|id| format!("/admin/interviewers/{id}/listing"),
                ia.to_string(),
                listing,
                redirect("/admin/interviewers?done=saved"),
            ),
        ),
        case(
            Method::GET,
            "/admin/tags",
            vec![each("/admin/tags", none(), staff_only(heading("Tags")))],
        ),
        case(
            Method::POST,
            "/admin/tags/{id}/rename",
            staff_on(
                &|id| format!("/admin/tags/{id}/rename"),
                w.tags.react.to_string(),
                form(&[("name", "React")]),
                redirect("/admin/tags?done=saved"),
            ),
        ),
        case(
            Method::POST,
            "/admin/tags/merge",
            vec![each(
                "/admin/tags/merge",
                form(&[
                    ("from", &w.tags.merge_from.to_string()),
                    ("into", &w.tags.merge_into.to_string()),
                ]),
                staff_only(redirect("/admin/tags?done=merged")),
            )],
        ),
        case(
            Method::GET,
            "/admin/content",
            vec![each(
                "/admin/content",
                none(),
                staff_only(heading("Testimonials and companies")),
            )],
        ),
        case(
            Method::POST,
            "/admin/testimonials",
            vec![each(
                "/admin/testimonials",
                testimonial.clone(),
                staff_only(redirect("/admin/content?done=saved")),
            )],
        ),
        case(
            Method::POST,
            "/admin/testimonials/{id}",
            staff_on(
                &|id| format!("/admin/testimonials/{id}"),
                w.testimonial.to_string(),
                testimonial,
                redirect("/admin/content?done=saved"),
            ),
        ),
        case(
            Method::POST,
            "/admin/testimonials/{id}/delete",
            staff_on(
                &|id| format!("/admin/testimonials/{id}/delete"),
                w.doomed_testimonial.to_string(),
                form(&[]),
                redirect("/admin/content?done=deleted"),
            ),
        ),
        case(
            Method::POST,
            "/admin/companies",
            vec![each(
                "/admin/companies",
                form(&[("name", "Quillfeather"), ("display_order", "1")]),
                staff_only(redirect("/admin/content?done=saved")),
            )],
        ),
        case(
            Method::POST,
            "/admin/companies/{id}",
            staff_on(
                &|id| format!("/admin/companies/{id}"),
                w.company.to_string(),
                form(&[("name", "Hooli Inc."), ("display_order", "2")]),
                redirect("/admin/content?done=saved"),
            ),
        ),
        case(
            Method::POST,
            "/admin/companies/{id}/delete",
            staff_on(
                &|id| format!("/admin/companies/{id}/delete"),
                w.doomed_company.to_string(),
                form(&[]),
                redirect("/admin/content?done=deleted"),
            ),
        ),
        // ---- public media, search engines, operations
        case(
            Method::GET,
            "/media/photos/{name}",
            vec![
                everyone(
                    format!("/media/photos/{}", w.photo),
                    none(),
                    Expect::File("image/jpeg", &[0xFF, 0xD8, 0xFF]),
                ),
                everyone("/media/photos/nobody.jpg", none(), NotFound),
                everyone("/media/photos/..%2Fresumes%2Fcv.pdf", none(), NotFound),
            ],
        ),
        case(
            Method::GET,
            "/robots.txt",
            vec![everyone(
                "/robots.txt",
                none(),
                Expect::File(
                    "text/plain; charset=utf-8",
                    b"User-agent: *\nDisallow: /admin/\n",
                ),
            )],
        ),
        case(
            Method::GET,
            "/sitemap.xml",
            vec![everyone(
                "/sitemap.xml",
                none(),
                Expect::File("application/xml; charset=utf-8", b"<?xml"),
            )],
        ),
        case(
            Method::GET,
            "/healthz",
            vec![everyone(
                "/healthz",
                none(),
                Expect::File("text/plain; charset=utf-8", b"ok\n"),
            )],
        ),
    ]
}

/// Every route of the table, by every persona, with one exact answer each.
#[sqlx::test]
async fn every_route_answers_every_persona_exactly_as_written(pool: PgPool) {
    let w = World::new(pool).await;
    let table = routes::table();
    let mut cases = cases(&w);

    // The matrix and the route table describe the same routes.
    let mut problems = Vec::new();
    for route in &table {
        let found = cases
            .iter()
            .filter(|c| c.method == route.method && c.pattern == route.path)
            .count();
        match found {
            0 => problems.push(format!(
                "{} {} ({:?}) has no authorization case",
                route.method, route.path, route.access
            )),
            1 => {}
            _ => problems.push(format!("{} {} has {found} cases", route.method, route.path)),
        }
    }
    for case in &cases {
        match table
            .iter()
            .find(|r| r.method == case.method && r.path == case.pattern)
        {
            Some(route) => problems.extend(contradictions(route.access, case)),
            None => problems.push(format!(
                "the case {} {} names no route of the table",
                case.method, case.pattern
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Each cell, in the table's order.
    let mut failures = Vec::new();
    let mut cells = 0;
    for route in &table {
        let at = cases
            .iter()
            .position(|c| c.method == route.method && c.pattern == route.path)
            .unwrap();
        let case = cases.swap_remove(at);
        for cell in &case.cells {
            let second;
            let client = if cell.fresh {
                second = w.p.fresh(cell.persona).await;
                &second
            } else {
                w.p.client(cell.persona)
            };
            let request = cell
                .body
                .attach(client.request(case.method.clone(), &cell.path));
            let answer = Answer::read(request.send().await.expect("request sent")).await;
            let seen = answer.as_seen_by(&cell.expect, &case.method, &cell.path);
            if normalised(&seen) != normalised(&cell.expect) {
                failures.push(format!(
                    "{} {} as {:?}: expected {:?}, got {:?} ({} {:?} {:?})",
                    case.method,
                    cell.path,
                    cell.persona,
                    cell.expect,
                    seen,
                    answer.status,
                    answer.location,
                    answer.content_type
                ));
            }
            cells += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells answered otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "authorization matrix: {} routes, {cells} cells",
        table.len()
    );
}
