//! The world a booking test runs in: the app (worker driven by the test), fake Stripe and
//! cal.com, the real SMTP server (maildev) and S3 server (s3rver) that `make test` starts.

use std::time::Duration;

use interview_service::{
    integrations::{mail::Mailer, signatures},
    jobs::Worker,
};
use object_store::{ObjectStore, ObjectStoreExt, aws::AmazonS3Builder, path::Path};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    fakes::{CAL_KEY, CAL_WEBHOOK_SECRET, FakeCal, FakeStripe, STRIPE_KEY, STRIPE_WEBHOOK_SECRET},
    helpers::{Page, TestApp, interviewer, spawn_app_with, tag},
    personas::{add_user, signed_in},
};

pub const EVENT_TYPE_ID: i64 = 4242;

/// The admin panel's two sides, as browsers with their own cookies.
pub struct Admins {
    pub ines: reqwest::Client,
    pub staff: reqwest::Client,
}

impl Admins {
    /// `who` posts `fields` to `path` from our own origin (the CSRF check's).
    pub async fn post(
        app: &TestApp,
        who: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        who.post(app.url(path))
            .header("Origin", crate::helpers::BASE_URL)
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests with `make test` (it starts the SMTP and S3 test servers)")
    })
}

pub struct World {
    pub app: TestApp,
    pub stripe: FakeStripe,
    pub cal: FakeCal,
    /// Unique per test, so tests sharing the SMTP server read only their own mail.
    pub customer_email: String,
    pub host_email: String,
    pub worker: Worker,
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}@example.com",
        interview_service::auth::tokens::new_public_id()
    )
}

impl World {
    pub async fn new(pool: PgPool) -> Self {
        Self::with(pool, &[]).await
    }

    pub async fn with(pool: PgPool, overrides: &[(&str, &str)]) -> Self {
        let stripe = FakeStripe::start().await;
        let cal = FakeCal::start().await;
        let smtp = env("TEST_SMTP_URL");
        let s3_endpoint = env("TEST_S3_ENDPOINT");
        // The first match wins, so the test's overrides go first.
        let mut settings: Vec<(&str, &str)> = overrides.to_vec();
        settings.extend_from_slice(&[
            // The test client stands in for a proxy, so each booking can come from its own
            // customer (see `book`): the per-client limit on cal.com lookups applies to each.
            ("TRUSTED_PROXIES", "127.0.0.1"),
            ("STRIPE_SECRET_KEY", STRIPE_KEY),
            ("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET),
            ("STRIPE_API_BASE", &stripe.base),
            ("CALCOM_API_KEY", CAL_KEY),
            ("CALCOM_WEBHOOK_SECRET", CAL_WEBHOOK_SECRET),
            ("CALCOM_API_BASE", &cal.base),
            ("SMTP_URL", &smtp),
            ("S3_ENDPOINT", &s3_endpoint),
            ("S3_BUCKET", "interview-test"),
            ("S3_ACCESS_KEY_ID", "S3RVER"),
            ("S3_SECRET_ACCESS_KEY", "S3RVER"),
        ]);

        tag(&pool, "technology", "python", "Python").await;
        tag(&pool, "technology", "go", "Go").await;
        tag(&pool, "subject", "backend", "Backend").await;
        let id = interviewer("Ines Interviewer")
            .rate(15000)
            .tags(&["python", "go", "backend"])
            .cal_link("ines/practice")
            .insert(&pool)
            .await;
        sqlx::query("update interviewer set cal_event_type_id = $1 where interviewer_id = $2")
            .bind(EVENT_TYPE_ID)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();

        let app = spawn_app_with(pool, &settings).await;
        let worker = Worker {
            services: app.state.services.clone(),
            mailer: Mailer::from_config(&app.state.config).unwrap(),
        };
        Self {
            app,
            stripe,
            cal,
            customer_email: unique("customer"),
            host_email: unique("host"),
            worker,
        }
    }

    /// [`World::book`] taking an owned uid (for concurrent use).
    pub async fn book_with_uid(&self, uid: String) -> String {
        self.book(&uid).await
    }

    /// A pending cal.com booking for Ines three days ahead, then ours created from its uid.
    /// Returns our public id.
    pub async fn book(&self, uid: &str) -> String {
        self.book_hours_ahead(uid, 72).await
    }

    /// [`Self::book`], starting `hours_ahead` from now.
    pub async fn book_hours_ahead(&self, uid: &str, hours_ahead: i64) -> String {
        self.cal.add_booking(
            uid,
            EVENT_TYPE_ID,
            hours_ahead,
            "pending",
            &self.host_email,
            &self.customer_email,
        );
        let response = self
            .app
            .post("/interviewers/ines-interviewer/book")
            .header("X-Forwarded-For", customer_address(uid))
            .form(&[("uid", uid)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "booking created");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        location
            .trim_start_matches("/bookings/")
            .trim_end_matches("/details")
            .to_owned()
    }

    pub fn details_form(&self, resume: Option<(&str, &str, Vec<u8>)>) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new()
            .text("name", "Ada Customer")
            .text("email", self.customer_email.clone())
            .text("background", "Backend engineer, six years of Python.")
            .text(
                "interview_focus",
                "A system design round for a senior backend role.",
            )
            .text("technologies", "Python")
            .text("subject", "Backend")
            .text("target_companies", "Startups")
            .text("extra_information", "I freeze on estimation questions.");
        if let Some((filename, content_type, bytes)) = resume {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(filename.to_owned())
                .mime_str(content_type)
                .unwrap();
            form = form.part("resume", part);
        }
        form
    }

    pub async fn submit_details(&self, public_id: &str, form: reqwest::multipart::Form) -> Page {
        let response = self
            .app
            .post(&format!("/bookings/{public_id}/details"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        TestApp::page(response).await
    }

    /// Books and submits valid details; returns (public id, Checkout Session id).
    pub async fn book_and_checkout(&self, uid: &str) -> (String, String) {
        self.book_and_checkout_hours_ahead(uid, 72).await
    }

    pub async fn book_and_checkout_hours_ahead(
        &self,
        uid: &str,
        hours_ahead: i64,
    ) -> (String, String) {
        let public_id = self.book_hours_ahead(uid, hours_ahead).await;
        let page = self
            .submit_details(
                &public_id,
                self.details_form(Some(("cv.pdf", "application/pdf", pdf()))),
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let session_id = page
            .header("location")
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        (public_id, session_id)
    }

    pub async fn post_stripe_event(&self, event: &Value) -> StatusCode {
        let body = event.to_string();
        let header = signatures::sign_stripe(
            body.as_bytes(),
            STRIPE_WEBHOOK_SECRET,
            time::OffsetDateTime::now_utc().unix_timestamp(),
        );
        self.post_stripe_raw(body, &header).await
    }

    pub async fn post_stripe_raw(&self, body: String, header: &str) -> StatusCode {
        self.app
            .client
            .post(self.app.url("/webhooks/stripe"))
            .header("Stripe-Signature", header)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    }

    pub async fn post_cal_event(&self, event: &Value) -> StatusCode {
        let body = event.to_string();
        let signature = signatures::sign_calcom(body.as_bytes(), CAL_WEBHOOK_SECRET);
        self.app
            .client
            .post(self.app.url("/webhooks/calcom"))
            .header("X-Cal-Signature-256", signature)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Pays the session at the fake and delivers `checkout.session.completed`.
    pub async fn pay(&self, session_id: &str) -> Value {
        let session = self.stripe.pay(session_id);
        let event = stripe_event(
            &format!("evt_paid_{session_id}"),
            "checkout.session.completed",
            session.clone(),
        );
        assert_eq!(self.post_stripe_event(&event).await, StatusCode::OK);
        event
    }

    /// Runs due jobs until none is left (each retry is made due at once).
    pub async fn drain_jobs(&self) {
        for _ in 0..50 {
            if !self.worker.run_one().await.unwrap() {
                return;
            }
        }
        panic!("the job queue did not drain");
    }

    /// Makes the retries of failed jobs due now (not reminders: those are due at their time;
    /// see [`Self::make_reminders_due`]).
    pub async fn make_jobs_due(&self) {
        sqlx::query("update job set run_at = now() where done_at is null and kind <> 'reminder'")
            .execute(&self.app.pool)
            .await
            .unwrap();
    }

    /// A booking booked and paid through the public flow (cal.com confirmed, emails sent),
    /// whose 90-minute session started `minutes_ago` minutes ago.
    pub async fn paid_session_started(&self, uid: &str, minutes_ago: i64) -> String {
        let (public_id, session_id) = self.book_and_checkout(uid).await;
        self.pay(&session_id).await;
        self.drain_jobs().await;
        sqlx::query(
            "update booking set starts_at = now() - make_interval(mins => $2),
                                ends_at = now() - make_interval(mins => $2) + interval '90 minutes'
             where public_id = $1",
        )
        .bind(&public_id)
        .bind(i32::try_from(minutes_ago).unwrap())
        .execute(&self.app.pool)
        .await
        .unwrap();
        public_id
    }

    /// Ines (the interviewer of every booking here) and a staff member, signed in.
    pub async fn admins(&self) -> Admins {
        let pool = &self.app.pool;
        add_user(pool, "ines@example.com", false, Some("ines-interviewer")).await;
        add_user(pool, "sam@example.com", true, None).await;
        Admins {
            ines: signed_in(&self.app, "ines@example.com").await,
            staff: signed_in(&self.app, "sam@example.com").await,
        }
    }

    /// Brings the booking's reminders forward to now, as if their time had come; returns how
    /// many there were.
    pub async fn make_reminders_due(&self) -> u64 {
        sqlx::query("update job set run_at = now() where done_at is null and kind = 'reminder'")
            .execute(&self.app.pool)
            .await
            .unwrap()
            .rows_affected()
    }

    pub async fn status(&self, public_id: &str) -> String {
        sqlx::query_scalar("select status::text from booking where public_id = $1")
            .bind(public_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    /// Emails the SMTP server received for `address`.
    pub async fn mail_to(&self, address: &str) -> Vec<Value> {
        mail_to(address).await
    }

    /// Waits until `count` emails for `address` have arrived, and returns them.
    pub async fn wait_for_mail(&self, address: &str, count: usize) -> Vec<Value> {
        mail_to_eventually(address, count).await
    }
}

/// Waits (up to 15 s) until `count` emails for `address` have arrived.
pub async fn mail_to_eventually(address: &str, count: usize) -> Vec<Value> {
    for _ in 0..150 {
        let mail = mail_to(address).await;
        if mail.len() >= count {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    mail_to(address).await
}

/// The text of a received email's attachment `filename` (maildev's REST API).
pub async fn attachment_text(mail: &Value, filename: &str) -> String {
    let id = mail["id"].as_str().expect("maildev gives each email an id");
    reqwest::get(format!(
        "{}/email/{id}/attachment/{filename}",
        env("TEST_MAILDEV_URL")
    ))
    .await
    .unwrap()
    .error_for_status()
    .unwrap()
    .text()
    .await
    .unwrap()
}

/// The calendar invite attached to `mail`, parsed back: (METHOD, the event).
pub async fn invite_of(mail: &Value) -> (String, icalendar::Event) {
    let attachments = mail["attachments"].as_array().expect("an attachment");
    let invite = attachments
        .iter()
        .find(|a| {
            a["contentType"]
                .as_str()
                .is_some_and(|t| t.starts_with("text/calendar"))
        })
        .expect("a calendar invite");
    let name = invite["generatedFileName"]
        .as_str()
        .or(invite["fileName"].as_str())
        .unwrap();
    let text = attachment_text(mail, name).await;
    let calendar: icalendar::Calendar = text.parse().expect("the invite parses");
    let method = calendar.property_value("METHOD").unwrap_or("").to_owned();
    let event = calendar
        .components
        .into_iter()
        .find_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .expect("an event");
    (method, event)
}

pub async fn mail_to(address: &str) -> Vec<Value> {
    let all: Vec<Value> = reqwest::get(format!("{}/email", env("TEST_MAILDEV_URL")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.into_iter()
        .filter(|m| {
            m["to"]
                .as_array()
                .is_some_and(|to| to.iter().any(|t| t["address"] == address))
        })
        .collect()
}

/// A made-up address for the customer who booked `uid` (documentation range 198.18.0.0/15).
pub fn customer_address(uid: &str) -> String {
    let hash = signatures::sha256_hex(uid.as_bytes());
    let n = u16::from_str_radix(&hash[..4], 16).unwrap_or(0);
    format!("198.18.{}.{}", n >> 8, n & 0xff)
}

pub fn stripe_event(id: &str, event_type: &str, object: Value) -> Value {
    json!({ "id": id, "object": "event", "type": event_type, "api_version": "2026-03-25.dahlia",
            "created": time::OffsetDateTime::now_utc().unix_timestamp(), "data": { "object": object } })
}

/// A small but well-formed PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The test bucket (s3rver), read directly.
fn test_bucket() -> impl ObjectStore {
    AmazonS3Builder::new()
        .with_endpoint(env("TEST_S3_ENDPOINT"))
        .with_allow_http(true)
        .with_bucket_name("interview-test")
        .with_region("us-east-1")
        .with_access_key_id("S3RVER")
        .with_secret_access_key("S3RVER")
        .with_virtual_hosted_style_request(false)
        .build()
        .unwrap()
}

pub async fn stored_objects(prefix: &str) -> Vec<String> {
    use futures_util::TryStreamExt;
    let store = test_bucket();
    let prefix = Path::from(prefix);
    let listed: Vec<_> = store.list(Some(&prefix)).try_collect().await.unwrap();
    listed.into_iter().map(|m| m.location.to_string()).collect()
}

pub async fn read_object(key: &str) -> Vec<u8> {
    let store = test_bucket();
    store
        .get(&Path::from(key))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}
