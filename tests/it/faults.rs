//! Faults and load: many bookings at once with a storm of duplicate webhooks, and the server
//! killed between payment and the webhook's arrival.

use futures_util::future::join_all;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::booking_support::{World, pdf, stripe_event};

/// 20 concurrent bookings on distinct slots, each paid, each payment event delivered three
/// times concurrently and interleaved with the others; two workers drain the outbox at once.
#[sqlx::test]
async fn a_burst_of_bookings_and_a_webhook_storm_stay_consistent(pool: PgPool) {
    let world = World::new(pool).await;
    const N: usize = 20;
    let emails: Vec<String> = (0..N)
        .map(|i| format!("burst-{i}-{}", world.customer_email))
        .collect();

    let public_ids = join_all((0..N).map(|i| world.book_with_uid(format!("uid-burst-{i}")))).await;
    let pages = join_all(public_ids.iter().zip(&emails).map(|(id, email)| {
        let form = world
            .details_form(Some(("cv.pdf", "application/pdf", pdf())))
            .text("email", email.clone());
        world.submit_details(id, form)
    }))
    .await;
    let sessions: Vec<String> = pages
        .iter()
        .map(|p| {
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
            p.header("location")
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(world.stripe.session_count(), N, "one session per booking");

    let mut events = Vec::new();
    for session in &sessions {
        let paid = world.stripe.pay(session);
        let event = stripe_event(
            &format!("evt_burst_{session}"),
            "checkout.session.completed",
            paid,
        );
        events.extend([event.clone(), event.clone(), event]);
    }
    // Interleave the copies so duplicates of one event arrive together with others.
    events.sort_by_key(|e| e["id"].as_str().unwrap().chars().rev().collect::<String>());
    let statuses = join_all(events.iter().map(|e| world.post_stripe_event(e))).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );

    let second = world.worker.clone();
    tokio::join!(world.drain_jobs(), async {
        while second.run_one().await.unwrap() {}
    });

    for id in &public_ids {
        assert_eq!(world.status(id).await, "paid", "{id}");
    }
    let (emails_queued, confirms_queued): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where kind = 'email'), count(*) filter (where kind = 'cal_confirm') from job",
    )
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(
        (emails_queued, confirms_queued),
        (2 * N as i64, N as i64),
        "one of each effect per booking"
    );
    let mut confirmed = world.cal.confirmed();
    confirmed.sort();
    confirmed.dedup();
    assert_eq!(confirmed.len(), N);
    assert_eq!(
        world.cal.confirmed().len(),
        N,
        "each cal.com booking confirmed once"
    );
    for email in &emails {
        assert_eq!(
            world.wait_for_mail(email, 1).await.len(),
            1,
            "{email}: one confirmation"
        );
    }
    assert_eq!(
        world.wait_for_mail(&world.host_email, N).await.len(),
        N,
        "one notification per booking"
    );
}

/// The real binary, as a process, configured for this test's database and fakes.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    async fn start(database_url: &str, stripe: &str, cal: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_interview-service"))
            .envs([
                ("PORT", port.to_string()),
                ("PUBLIC_BASE_URL", crate::helpers::BASE_URL.to_owned()),
                ("DATABASE_URL", database_url.to_owned()),
                ("SEED_DEMO", "false".into()),
                ("LIVE_RELOAD", "false".into()),
                ("RUST_LOG", "error".into()),
                (
                    "DATA_DIR",
                    std::env::temp_dir()
                        .join("interview-service-tests")
                        .display()
                        .to_string(),
                ),
                ("STRIPE_SECRET_KEY", crate::fakes::STRIPE_KEY.into()),
                (
                    "STRIPE_WEBHOOK_SECRET",
                    crate::fakes::STRIPE_WEBHOOK_SECRET.into(),
                ),
                ("STRIPE_API_BASE", stripe.to_owned()),
                ("CALCOM_API_KEY", crate::fakes::CAL_KEY.into()),
                ("CALCOM_API_BASE", cal.to_owned()),
                ("SMTP_URL", crate::booking_support::env("TEST_SMTP_URL")),
                (
                    "S3_ENDPOINT",
                    crate::booking_support::env("TEST_S3_ENDPOINT"),
                ),
                ("S3_BUCKET", "interview-test".into()),
                ("S3_ACCESS_KEY_ID", "S3RVER".into()),
                ("S3_SECRET_ACCESS_KEY", "S3RVER".into()),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Server { child, base };
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real server process with one interviewer (event type `event_type`) and one pending cal.com
/// booking `uid`, already made into our booking: what the SIGKILL tests start from.
struct KillWorld {
    stripe: crate::fakes::FakeStripe,
    cal: crate::fakes::FakeCal,
    database_url: String,
    server: Server,
    client: reqwest::Client,
    /// The booking's details page, as a path.
    details: String,
    customer: String,
}

impl KillWorld {
    async fn new(pool: &PgPool, interviewer: &str, event_type: i64, uid: &str) -> Self {
        let stripe = crate::fakes::FakeStripe::start().await;
        let cal = crate::fakes::FakeCal::start().await;
        let database_url = crate::helpers::database_url_of(pool).await;
        // The server migrates the database itself; then the catalogue.
        let server = Server::start(&database_url, &stripe.base, &cal.base).await;
        crate::helpers::tag(pool, "technology", "go", "Go").await;
        let slug = interviewer.to_lowercase().replace(' ', "-");
        let id = crate::helpers::interviewer(interviewer)
            .cal_link(&format!("{slug}/practice"))
            .insert(pool)
            .await;
        sqlx::query("update interviewer set cal_event_type_id = $1 where interviewer_id = $2")
            .bind(event_type)
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
        let unique = interview_service::auth::tokens::new_public_id();
        let customer = format!("{slug}-{unique}@example.com");
        let host = format!("{slug}-host-{unique}@example.com");
        cal.add_booking(uid, event_type, 72, "pending", &host, &customer);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let created = client
            .post(format!("{}/interviewers/{slug}/book", server.base))
            .header("Origin", crate::helpers::BASE_URL)
            .form(&[("uid", uid)])
            .send()
            .await
            .unwrap();
        let details = created.headers()["location"].to_str().unwrap().to_owned();
        Self {
            stripe,
            cal,
            database_url,
            server,
            client,
            details,
            customer,
        }
    }
}

/// Valid details with a resume, for `email`.
fn details_form(email: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("name", "Kai Customer")
        .text("email", email.to_owned())
        .text("background", "Go backend engineer.")
        .text("interview_focus", "System design.")
        .part(
            "resume",
            reqwest::multipart::Part::bytes(pdf())
                .file_name("cv.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
}

/// SIGKILL after the customer paid and before Stripe's webhook got through; after a restart
/// the redelivered webhook completes the booking, and the confirmation goes out once.
#[sqlx::test]
async fn a_server_killed_between_payment_and_webhook_recovers_with_one_email(pool: PgPool) {
    use crate::fakes::STRIPE_WEBHOOK_SECRET;
    let KillWorld {
        stripe,
        cal,
        database_url,
        server: first,
        client,
        details,
        customer,
    } = KillWorld::new(&pool, "Kim Killtest", 99, "uid-killed").await;
    let checkout = client
        .post(format!("{}{details}", first.base))
        .header("Origin", crate::helpers::BASE_URL)
        .multipart(details_form(&customer))
        .send()
        .await
        .unwrap();
    assert_eq!(checkout.status(), StatusCode::SEE_OTHER);
    let session_id = checkout.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    // The customer pays; the server dies before the webhook arrives.
    let paid = stripe.pay(&session_id);
    drop(first); // SIGKILL
    let event = stripe_event("evt_killed", "checkout.session.completed", paid).to_string();
    let sign = || {
        interview_service::integrations::signatures::sign_stripe(
            event.as_bytes(),
            STRIPE_WEBHOOK_SECRET,
            time::OffsetDateTime::now_utc().unix_timestamp(),
        )
    };
    let down = client
        .post(format!("{}/webhooks/stripe", "http://127.0.0.1:1"))
        .body(event.clone())
        .send()
        .await;
    assert!(down.is_err(), "nothing answers while the server is down");

    // Restarted; Stripe redelivers (twice, as it may).
    let second = Server::start(&database_url, &stripe.base, &cal.base).await;
    for _ in 0..2 {
        let delivered = client
            .post(format!("{}/webhooks/stripe", second.base))
            .header("Stripe-Signature", sign())
            .body(event.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(delivered.status(), StatusCode::OK);
    }
    let status: String = sqlx::query_scalar("select status::text from booking")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "paid");
    assert_eq!(
        crate::booking_support::mail_to_eventually(&customer, 1)
            .await
            .len(),
        1,
        "one confirmation"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        crate::booking_support::mail_to(&customer).await.len(),
        1,
        "and only one"
    );
    drop(second);
}

/// Connections cut under the server (a database restart, a failover): requests answer a clear
/// 503 or succeed on a fresh connection, never a 500, and the site recovers by itself.
#[sqlx::test]
async fn lost_database_connections_recover_without_a_500(pool: PgPool) {
    crate::helpers::small_catalogue(&pool).await;
    let app = crate::helpers::spawn_app(pool.clone()).await;
    assert_eq!(app.get("/interviewers").await.status, StatusCode::OK);
    let database: String = sqlx::query_scalar("select current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    for round in 0..3 {
        // Cut every connection to this database but the one asking.
        let cut: i64 = sqlx::query_scalar(
            "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
             where datname = $1 and pid <> pg_backend_pid()) t",
        )
        .bind(&database)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(round > 0 || cut > 0, "the app's connections were cut");
        let during = app.get("/interviewers").await;
        assert!(
            during.status == StatusCode::OK || during.status == StatusCode::SERVICE_UNAVAILABLE,
            "round {round}: {}",
            during.status
        );
        if during.status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(during.body.contains("briefly unavailable"));
        }
        assert_eq!(
            app.get("/interviewers").await.status,
            StatusCode::OK,
            "round {round}: recovered"
        );
    }
}

/// Two app instances (processes) on one database, each running the outbox worker: payments
/// arrive at either, duplicates at both, and every email still goes out exactly once.
#[sqlx::test]
async fn two_app_instances_send_each_email_once(pool: PgPool) {
    use crate::fakes::{FakeCal, FakeStripe, STRIPE_WEBHOOK_SECRET};
    let stripe = FakeStripe::start().await;
    let cal = FakeCal::start().await;
    let database_url = crate::helpers::database_url_of(&pool).await;
    let a = Server::start(&database_url, &stripe.base, &cal.base).await;
    let b = Server::start(&database_url, &stripe.base, &cal.base).await;
    let id = crate::helpers::interviewer("Twin Test")
        .cal_link("twin/practice")
        .insert(&pool)
        .await;
    sqlx::query("update interviewer set cal_event_type_id = 77 where interviewer_id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let origin = crate::helpers::BASE_URL;
    let run = interview_service::auth::tokens::new_public_id();
    let host = format!("twins-host-{run}@example.com");
    const N: usize = 6;
    let mut customers = Vec::new();
    for i in 0..N {
        let customer = format!("twins-{i}-{run}@example.com");
        let uid = format!("uid-twins-{i}-{run}");
        cal.add_booking(&uid, 77, 72, "pending", &host, &customer);
        // Alternate instances for every step.
        let server = if i % 2 == 0 { &a } else { &b };
        let created = client
            .post(format!("{}/interviewers/twin-test/book", server.base))
            .header("Origin", origin)
            .form(&[("uid", uid.as_str())])
            .send()
            .await
            .unwrap();
        let details = created.headers()["location"].to_str().unwrap().to_owned();
        let form = details_form(&customer);
        let checkout = client
            .post(format!("{}{details}", server.base))
            .header("Origin", origin)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let session_id = checkout.headers()["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let event = stripe_event(
            &format!("evt_twins_{i}_{run}"),
            "checkout.session.completed",
            stripe.pay(&session_id),
        )
        .to_string();
        // The same event to both instances at once.
        let deliveries = join_all([&a, &b].map(|s| {
            let signature = interview_service::integrations::signatures::sign_stripe(
                event.as_bytes(),
                STRIPE_WEBHOOK_SECRET,
                time::OffsetDateTime::now_utc().unix_timestamp(),
            );
            client
                .post(format!("{}/webhooks/stripe", s.base))
                .header("Stripe-Signature", signature)
                .body(event.clone())
                .send()
        }))
        .await;
        assert!(
            deliveries
                .iter()
                .all(|d| d.as_ref().is_ok_and(|r| r.status() == StatusCode::OK))
        );
        customers.push(customer);
    }
    for customer in &customers {
        assert_eq!(
            crate::booking_support::mail_to_eventually(customer, 1)
                .await
                .len(),
            1,
            "{customer}"
        );
    }
    assert_eq!(
        crate::booking_support::mail_to_eventually(&host, N)
            .await
            .len(),
        N
    );
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await; // both workers poll every 2 s
    for customer in &customers {
        assert_eq!(
            crate::booking_support::mail_to(customer).await.len(),
            1,
            "{customer}: still one"
        );
    }
    assert_eq!(
        crate::booking_support::mail_to(&host).await.len(),
        N,
        "one notification per booking"
    );
    let done: i64 = sqlx::query_scalar(
        "select count(*) from job where done_at is not null and kind in ('cal_confirm', 'email')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        done,
        3 * N as i64,
        "confirm + two emails per booking, each done once"
    );
    drop((a, b));
}

/// SIGKILL while a resubmission of the details is replacing the Checkout Session: the old
/// session is already expired at Stripe and the new one is not recorded yet. Stripe's
/// `checkout.session.expired` for the old session then reaches the restarted server, which
/// must not end the booking: it keeps holding its slot until its hold runs out, and pressing
/// Pay again (once the dead request's lease has run out) opens a fresh session.
#[sqlx::test]
async fn a_server_killed_mid_resubmission_leaves_the_booking_holding_its_slot(pool: PgPool) {
    use crate::fakes::STRIPE_WEBHOOK_SECRET;
    let KillWorld {
        stripe,
        cal,
        database_url,
        server: first,
        client,
        details,
        customer,
    } = KillWorld::new(&pool, "Rhea Resubmit", 98, "uid-resubmit").await;
    let origin = crate::helpers::BASE_URL;
    let submit = |base: String, email: String| {
        let client = client.clone();
        let details = details.clone();
        async move {
            client
                .post(format!("{base}{details}"))
                .header("Origin", origin)
                .multipart(details_form(&email))
                .send()
                .await
        }
    };
    let checkout = submit(first.base.clone(), customer.clone()).await.unwrap();
    assert_eq!(checkout.status(), StatusCode::SEE_OTHER);
    let old_session = checkout.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    // The customer corrects their email and presses Pay again; Stripe is slow to create the
    // new session, and the server dies while it waits.
    stripe.hang_creates(true);
    let in_flight = tokio::spawn(submit(first.base.clone(), format!("fixed-{customer}")));
    for _ in 0..500 {
        if stripe.creates_hanging() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        stripe.creates_hanging(),
        1,
        "the resubmission reached Stripe"
    );
    assert_eq!(
        stripe.session(&old_session)["status"],
        "expired",
        "the old session was closed first"
    );
    drop(first); // SIGKILL
    assert!(
        in_flight.await.unwrap().is_err(),
        "the request died with the server"
    );
    stripe.hang_creates(false);

    // Stripe tells the restarted server that the old session expired.
    let second = Server::start(&database_url, &stripe.base, &cal.base).await;
    let expired = stripe_event(
        "evt_old_expired",
        "checkout.session.expired",
        stripe.session(&old_session),
    )
    .to_string();
    let delivered = client
        .post(format!("{}/webhooks/stripe", second.base))
        .header(
            "Stripe-Signature",
            interview_service::integrations::signatures::sign_stripe(
                expired.as_bytes(),
                STRIPE_WEBHOOK_SECRET,
                time::OffsetDateTime::now_utc().unix_timestamp(),
            ),
        )
        .body(expired)
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), StatusCode::OK);
    let (status, hold_left): (String, bool) = sqlx::query_as(
        "select status::text, hold_expires_at > now() + interval '10 minutes' from booking",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        status, "awaiting_payment",
        "the booking still holds its slot"
    );
    assert!(hold_left, "with its hold's time left");
    assert!(cal.declined().is_empty(), "and the slot was not released");

    // Once the dead request's lease has run out, Pay opens a fresh session.
    sqlx::query("update booking set checkout_lease_until = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let again = submit(second.base.clone(), format!("fixed-{customer}"))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let public_id = details
        .trim_start_matches("/bookings/")
        .trim_end_matches("/details");
    let open = stripe.open_sessions_of(public_id);
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with(&open[0])
    );
    drop(second);
}
