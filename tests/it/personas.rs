//! Who uses the admin panel: anonymous visitors, interviewer A (Ada), interviewer B (Bo) and
//! staff (Sam). A [`PersonaClient`] is one browser (its own cookie jar, no automatic
//! redirects) that adds `Origin: BASE_URL` to every unsafe request itself, as a browser on
//! our own pages does; [`Personas`] is the fixture with the four of them signed in.

use interview_service::auth::password;
use reqwest::{Client, Method, RequestBuilder, StatusCode, redirect::Policy};
use serde::Serialize;
use sqlx::PgPool;

use crate::helpers::{BASE_URL, Page, TestApp, small_catalogue, spawn_app_with};

/// Every account of these tests has this password.
pub const PASSWORD: &str = "a long enough passphrase";

/// A browser: its own cookie jar, no automatic redirects.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub async fn add_user(
    pool: &PgPool,
    email: &str,
    staff: bool,
    interviewer_slug: Option<&str>,
) -> i64 {
    let hash = password::hash_password(PASSWORD).unwrap();
    sqlx::query_scalar(
        "insert into app_user (email, name, password_hash, is_staff, interviewer_id)
         values ($1, $2, $3, $4, (select interviewer_id from interviewer where slug = $5)) returning user_id",
    )
    .bind(email)
    .bind(email.split('@').next().unwrap())
    .bind(hash)
    .bind(staff)
    .bind(interviewer_slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub async fn log_in(
    app: &TestApp,
    client: &Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/admin/login"))
        .header("Origin", BASE_URL)
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/admin/bookings"),
        ])
        .send()
        .await
        .unwrap()
}

/// A browser signed in as `email` (with [`PASSWORD`]).
pub async fn signed_in(app: &TestApp, email: &str) -> Client {
    let client = browser();
    let response = log_in(app, &client, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
    client
}

/// A paid booking for the interviewer with `slug`, with a resume in storage. Returns its public id.
pub async fn paid_booking(app: &TestApp, slug: &str, customer: &str) -> String {
    let public_id = interview_service::auth::tokens::new_public_id();
    let key = format!("resumes/{public_id}/cv.pdf");
    app.state
        .services
        .storage
        .put(&key, b"%PDF-1.4\n%%EOF\n".to_vec())
        .await
        .unwrap();
    sqlx::query(
        "insert into booking (public_id, interviewer_id, cal_booking_uid, status, starts_at, ends_at, price_minor, currency,
                              customer_name, customer_email, background, interview_focus, resume_key, resume_filename,
                              hold_expires_at, paid_at, payment_intent_id, details_submitted_at)
         values ($1, (select interviewer_id from interviewer where slug = $2), $1, 'paid', now() + interval '3 days',
                 now() + interval '3 days 90 minutes', 15000, 'USD', $3, $4, 'Six years of Go.', 'System design.', $5, 'cv.pdf',
                 now(), now(), 'pi_' || $1, now())",
    )
    .bind(&public_id)
    .bind(slug)
    .bind(customer)
    .bind(format!("{}@example.com", customer.to_lowercase().replace(' ', ".")))
    .bind(&key)
    .execute(&app.pool)
    .await
    .unwrap();
    public_id
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persona {
    Anonymous,
    InterviewerA,
    InterviewerB,
    Staff,
}

impl Persona {
    pub const ALL: [Persona; 4] = [
        Persona::Anonymous,
        Persona::InterviewerA,
        Persona::InterviewerB,
        Persona::Staff,
    ];

    /// The account this persona signs in with (anonymous has none).
    pub fn email(self) -> Option<&'static str> {
        match self {
            Persona::Anonymous => None,
            Persona::InterviewerA => Some("ada@example.com"),
            Persona::InterviewerB => Some("bo@example.com"),
            Persona::Staff => Some("sam@example.com"),
        }
    }
}

/// One browser of one persona, on one app.
pub struct PersonaClient {
    pub persona: Persona,
    address: String,
    client: Client,
}

impl PersonaClient {
    /// A new browser with an empty cookie jar: anonymous until it signs in.
    pub fn new(app: &TestApp, persona: Persona) -> Self {
        Self {
            persona,
            address: app.address.clone(),
            client: browser(),
        }
    }

    /// A new browser signed in as `persona` (anonymous: just a new browser).
    pub async fn signed_in(app: &TestApp, persona: Persona) -> Self {
        let client = Self::new(app, persona);
        if let Some(email) = persona.email() {
            let page = client
                .post_form("/admin/login", &[("email", email), ("password", PASSWORD)])
                .await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{persona:?} signs in");
        }
        client
    }

    /// A request to `path` on the app; unsafe methods carry `Origin: BASE_URL` (the CSRF
    /// check), as a browser's form on our own pages sends them.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        let request = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if unsafe_method {
            request.header("Origin", BASE_URL)
        } else {
            request
        }
    }

    pub async fn send(&self, request: RequestBuilder) -> Page {
        let response = request.send().await;
        let persona = self.persona;
        TestApp::page(response.unwrap_or_else(|e| panic!("{persona:?}'s request: {e}"))).await
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post_form<T: Serialize + ?Sized>(&self, path: &str, form: &T) -> Page {
        self.send(self.request(Method::POST, path).form(form)).await
    }

    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Page {
        self.send(self.request(Method::POST, path).multipart(form))
            .await
    }
}

/// Interviewers A (Ada Alpha) and B (Bo Beta) with accounts, a staff account (Sam), the
/// [`small_catalogue`], and one paid booking each with a resume; each persona signed in in
/// its own browser.
pub struct Personas {
    pub app: TestApp,
    pub anonymous: PersonaClient,
    pub a: PersonaClient,
    pub b: PersonaClient,
    pub staff: PersonaClient,
    /// A's paid booking (customer Carla Customer).
    pub booking_a: String,
    /// B's paid booking (customer Dan Customer).
    pub booking_b: String,
    pub id_a: i64,
    pub id_b: i64,
}

impl Personas {
    pub async fn new(pool: PgPool) -> Self {
        Self::with(pool, &[]).await
    }

    /// The same, on an app with these configuration overrides.
    pub async fn with(pool: PgPool, overrides: &[(&str, &str)]) -> Self {
        small_catalogue(&pool).await; // Ada Alpha, Bo Beta, Cy Gamma, Hal Hidden
        add_user(&pool, "ada@example.com", false, Some("ada-alpha")).await;
        add_user(&pool, "bo@example.com", false, Some("bo-beta")).await;
        add_user(&pool, "sam@example.com", true, None).await;
        let id_of = |slug: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "select interviewer_id from interviewer where slug = $1",
                )
                .bind(slug)
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        };
        let (id_a, id_b) = (id_of("ada-alpha").await, id_of("bo-beta").await);
        let app = spawn_app_with(pool, overrides).await;
        let booking_a = paid_booking(&app, "ada-alpha", "Carla Customer").await;
        let booking_b = paid_booking(&app, "bo-beta", "Dan Customer").await;
        Personas {
            anonymous: PersonaClient::new(&app, Persona::Anonymous),
            a: PersonaClient::signed_in(&app, Persona::InterviewerA).await,
            b: PersonaClient::signed_in(&app, Persona::InterviewerB).await,
            staff: PersonaClient::signed_in(&app, Persona::Staff).await,
            app,
            booking_a,
            booking_b,
            id_a,
            id_b,
        }
    }

    /// The persona's browser of this fixture (its session lasts the whole test).
    pub fn client(&self, persona: Persona) -> &PersonaClient {
        match persona {
            Persona::Anonymous => &self.anonymous,
            Persona::InterviewerA => &self.a,
            Persona::InterviewerB => &self.b,
            Persona::Staff => &self.staff,
        }
    }

    /// Another browser of the persona, with a session of its own: for requests that end or
    /// replace the session they are sent with (sign out, sign in).
    pub async fn fresh(&self, persona: Persona) -> PersonaClient {
        PersonaClient::signed_in(&self.app, persona).await
    }
}
