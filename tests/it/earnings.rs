//! The earnings ledger and page: a payment records the charge, Stripe's fee (from the charge's
//! balance transaction) and the shares, which add up to what Stripe reported; refunds, partial
//! and full, are recorded once and the shares follow; an interviewer's share is payable only
//! once the session was held, its report delivered and the guarantee window closed; the page
//! and its CSV show the same lines; staff record payouts, which move payable lines to paid
//! out, and a refund after a payout is deducted from the next one. (Who sees which lines and
//! who may record payouts: `authz.rs`.)

use interview_service::{
    app::earnings::{self, Recorded},
    domain::{Currency, Money, earnings::shares},
    integrations::stripe::Refund,
};
use reqwest::{Client, StatusCode};
use serde_json::json;
use sqlx::PgPool;

use crate::{
    booking_support::{Admins, World},
    fakes::fake_stripe_fee,
    helpers::{Page, TestApp},
    reports::COMPLETE,
};

/// The price of Ines's session in the booking world (minor units, USD).
const PRICE: i64 = 15_000;
const COOP_PERCENT: u32 = 20;

/// `kind` -> sum of the booking's entries of that kind.
pub async fn sums(world: &World, public_id: &str) -> serde_json::Value {
    sqlx::query_scalar(
        "select coalesce(json_object_agg(kind, total), '{}')
         from (select e.kind::text as kind, sum(e.amount_minor)::bigint as total
               from ledger_entry e join booking b using (booking_id)
               where b.public_id = $1 group by e.kind) s",
    )
    .bind(public_id)
    .fetch_one(&world.app.pool)
    .await
    .unwrap()
}

/// A CSV download's rows, split into fields (our test data has no quoted commas).
fn csv_rows(csv: &str) -> Vec<Vec<&str>> {
    csv.split("\r\n")
        .filter(|r| !r.is_empty())
        .map(|r| r.split(',').collect())
        .collect()
}

async fn entry_count(world: &World) -> i64 {
    sqlx::query_scalar("select count(*) from ledger_entry")
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn booking_id_of(world: &World, public_id: &str) -> i64 {
    sqlx::query_scalar("select booking_id from booking where public_id = $1")
        .bind(public_id)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn payment_intent_of(world: &World, public_id: &str) -> String {
    sqlx::query_scalar("select payment_intent_id from booking where public_id = $1")
        .bind(public_id)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

/// As the pages show an amount in dollars ("$150", "-$5.20").
fn usd(minor: i64) -> String {
    Money::new(minor, Currency::USD).to_string()
}

async fn get(app: &TestApp, who: &Client, path: &str) -> Page {
    TestApp::page(who.get(app.url(path)).send().await.unwrap()).await
}

#[sqlx::test]
async fn a_payment_records_the_charge_the_fee_and_shares_that_add_up_to_what_stripe_reported(
    pool: PgPool,
) {
    let world = World::new(pool).await;
    let public_id = world.paid_session_started("uid-ledger-pay", 180).await;
    let fee = fake_stripe_fee(PRICE);
    let net = PRICE - fee;
    let split = shares(net, COOP_PERCENT);
    assert_eq!(
        sums(&world, &public_id).await,
        json!({
            "charge": PRICE,
            "stripe_fee": -fee,
            "coop_share": split.coop_minor,
            "interviewer_share": split.interviewer_minor,
        })
    );
    // What Stripe reported: the charge's balance transaction, as the fake answers it.
    let charge = world
        .app
        .state
        .services
        .stripe
        .retrieve_charge_of(&payment_intent_of(&world, &public_id).await)
        .await
        .unwrap()
        .unwrap();
    let balance = charge.balance_transaction.clone().unwrap();
    assert_eq!(balance.net, net, "charge + fee = Stripe's net");
    assert_eq!(split.coop_minor + split.interviewer_minor, balance.net);

    // The job retried (or run on a second instance) records nothing twice.
    let before = entry_count(&world).await;
    let booking_id = booking_id_of(&world, &public_id).await;
    let again = earnings::record_charge(&world.app.state.services, booking_id, &charge)
        .await
        .unwrap();
    assert_eq!(again, Recorded::AlreadyRecorded);
    assert_eq!(entry_count(&world).await, before);

    // The ledger is append-only.
    let changed = sqlx::query("update ledger_entry set amount_minor = 0")
        .execute(&world.app.pool)
        .await;
    assert!(changed.is_err(), "entries are never changed");
    let deleted = sqlx::query("delete from ledger_entry")
        .execute(&world.app.pool)
        .await;
    assert!(deleted.is_err(), "entries are never deleted");
}

#[sqlx::test]
async fn partial_and_full_refunds_are_recorded_once_and_the_shares_follow(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, .. } = world.admins().await;
    let public_id = world.paid_session_started("uid-ledger-refund", 180).await;
    let booking_id = booking_id_of(&world, &public_id).await;
    let fee = fake_stripe_fee(PRICE);

    // A partial refund Stripe reports (say, made from its dashboard): 50.00 back.
    let partial = Refund {
        id: "re_partial_1".to_owned(),
        status: Some("succeeded".to_owned()),
        amount: 5_000,
        currency: Some("usd".to_owned()),
    };
    for expected in [Recorded::Appended, Recorded::AlreadyRecorded] {
        let recorded = earnings::record_refund(&world.app.state.services, booking_id, &partial)
            .await
            .unwrap();
        assert_eq!(recorded, expected);
    }
    let net = PRICE - fee - 5_000;
    let split = shares(net, COOP_PERCENT);
    assert_eq!(
        sums(&world, &public_id).await,
        json!({"charge": PRICE, "stripe_fee": -fee, "refund": -5_000,
               "coop_share": split.coop_minor, "interviewer_share": split.interviewer_minor})
    );

    // The rest, in a second refund: everything is given back, Stripe keeps its fee, and the
    // co-op bears it alone.
    let rest = Refund {
        id: "re_partial_2".to_owned(),
        amount: PRICE - 5_000,
        ..partial
    };
    let recorded = earnings::record_refund(&world.app.state.services, booking_id, &rest)
        .await
        .unwrap();
    assert_eq!(recorded, Recorded::Appended);
    assert_eq!(
        sums(&world, &public_id).await,
        json!({"charge": PRICE, "stripe_fee": -fee, "refund": -PRICE,
               "coop_share": -fee, "interviewer_share": 0})
    );

    // The interviewer's page shows the refunds on the line.
    let page = get(&world.app, &ines, "/admin/earnings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("[data-testid=earnings-line]"), 1);
    assert_eq!(page.texts("td[data-label=Refunds]"), [usd(-PRICE)]);
    assert_eq!(page.texts("[data-testid=earnings-share]"), [usd(0)]);
}

#[sqlx::test]
async fn a_refund_the_app_makes_is_recorded_by_its_job(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let public_id = world.paid_session_started("uid-ledger-claim", 180).await;
    let marked = Admins::post(
        &world.app,
        &ines,
        &format!("/admin/bookings/{public_id}/outcome"),
        &[("outcome", "held")],
    )
    .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    let claimed = world
        .app
        .post(&format!("/bookings/{public_id}/claim"))
        .form(&[("reason", "Not what I needed.")])
        .send()
        .await
        .unwrap();
    assert_eq!(claimed.status(), StatusCode::SEE_OTHER);
    let refunded = Admins::post(
        &world.app,
        &staff,
        &format!("/admin/claims/{public_id}/refund"),
        &[],
    )
    .await;
    assert_eq!(refunded.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;
    let fee = fake_stripe_fee(PRICE);
    assert_eq!(
        sums(&world, &public_id).await,
        json!({"charge": PRICE, "stripe_fee": -fee, "refund": -PRICE,
               "coop_share": -fee, "interviewer_share": 0})
    );
}

#[sqlx::test]
async fn a_share_is_payable_once_held_reported_and_past_the_guarantee_window(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, .. } = world.admins().await;
    let public_id = world.paid_session_started("uid-ledger-payable", 180).await;
    let state = || async {
        get(&world.app, &ines, "/admin/earnings")
            .await
            .texts("[data-testid=earnings-state]")
    };
    assert_eq!(state().await, ["Pending"], "not held yet");

    let marked = Admins::post(
        &world.app,
        &ines,
        &format!("/admin/bookings/{public_id}/outcome"),
        &[("outcome", "held")],
    )
    .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    // Past the window but without a report: still pending.
    sqlx::query(
        "update booking set starts_at = starts_at - interval '15 days', ends_at = ends_at - interval '15 days'
         where public_id = $1",
    )
    .bind(&public_id)
    .execute(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(state().await, ["Pending"], "no report delivered yet");

    let sent = Admins::post(
        &world.app,
        &ines,
        &format!("/admin/bookings/{public_id}/report"),
        COMPLETE,
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(state().await, ["Payable"]);

    // Moved back inside the guarantee window: pending again.
    sqlx::query(
        "update booking set starts_at = now() - interval '3 days', ends_at = now() - interval '3 days' + interval '90 minutes'
         where public_id = $1",
    )
    .bind(&public_id)
    .execute(&world.app.pool)
    .await
    .unwrap();
    assert_eq!(state().await, ["Pending"], "the customer may still claim");

    // The totals count the share once, under its state.
    let page = get(&world.app, &ines, "/admin/earnings").await;
    let split = shares(PRICE - fake_stripe_fee(PRICE), COOP_PERCENT);
    let share = usd(split.interviewer_minor);
    assert_eq!(
        page.texts("[data-testid=total-pending]"),
        std::slice::from_ref(&share)
    );
    assert_eq!(page.texts("[data-testid=total-payable]"), [usd(0)]);
    assert_eq!(page.texts("[data-testid=earnings-share]"), [share]);
}

#[sqlx::test]
async fn the_csv_has_the_documented_columns_and_the_page_s_numbers(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, .. } = world.admins().await;
    let empty = get(&world.app, &ines, "/admin/earnings").await;
    assert_eq!(empty.count("[data-testid=no-earnings]"), 1);

    let public_id = world.paid_session_started("uid-ledger-csv", 180).await;
    let response = ines
        .get(world.app.url("/admin/earnings.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    let rows = csv_rows(&csv);
    assert_eq!(
        rows[0],
        interview_service::web::admin::earnings::CSV_COLUMNS
    );
    assert_eq!(rows.len(), 2, "{csv}");
    let fee = fake_stripe_fee(PRICE);
    let split = shares(PRICE - fee, COOP_PERCENT);
    let decimal = |minor: i64| {
        format!(
            "{}{}.{:02}",
            if minor < 0 { "-" } else { "" },
            minor.abs() / 100,
            minor.abs() % 100
        )
    };
    let booking_id = booking_id_of(&world, &public_id).await;
    assert_eq!(
        rows[1],
        [
            rows[1][0],
            interview_service::domain::reference::of(booking_id).as_str(),
            "Ines Interviewer",
            rows[1][3],
            "USD",
            decimal(PRICE).as_str(),
            decimal(-fee).as_str(),
            "0.00",
            decimal(split.coop_minor).as_str(),
            decimal(split.interviewer_minor).as_str(),
            "0.00",
            "pending",
        ]
    );
    // The customer appears by first name only.
    assert!(!rows[1][3].contains(' '));
    // Totals: the column of shares is the page's pending total.
    let page = get(&world.app, &ines, "/admin/earnings").await;
    assert_eq!(
        page.texts("[data-testid=total-pending]"),
        [usd(split.interviewer_minor)]
    );
}

/// Held, reported and past the guarantee window: the booking's share is payable.
async fn make_payable(world: &World, ines: &Client, public_id: &str) {
    let marked = Admins::post(
        &world.app,
        ines,
        &format!("/admin/bookings/{public_id}/outcome"),
        &[("outcome", "held")],
    )
    .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    let sent = Admins::post(
        &world.app,
        ines,
        &format!("/admin/bookings/{public_id}/report"),
        COMPLETE,
    )
    .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    sqlx::query(
        "update booking set starts_at = starts_at - interval '15 days', ends_at = ends_at - interval '15 days'
         where public_id = $1",
    )
    .bind(public_id)
    .execute(&world.app.pool)
    .await
    .unwrap();
}

async fn count(world: &World, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

/// Staff's payout form for the (only) payable balance: its fields as the page fills them.
async fn payout_form(world: &World, staff: &Client) -> Vec<(String, String)> {
    let page = get(&world.app, staff, "/admin/payouts").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("[data-testid=payout-form]"), 1, "{}", page.body);
    [
        "interviewer_id",
        "currency",
        "request_key",
        "paid_on",
        "amount",
    ]
    .iter()
    .map(|name| {
        let value = page.attrs(&format!("[data-testid=payout-form] [name={name}]"), "value");
        (name.to_string(), value[0].clone())
    })
    .collect()
}

async fn post_payout(
    world: &World,
    staff: &Client,
    form: &[(String, String)],
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields: Vec<(String, String)> = form.to_vec();
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    Admins::post(&world.app, staff, "/admin/payouts", &fields).await
}

#[sqlx::test]
async fn a_payout_moves_payable_lines_to_paid_out_and_a_later_refund_is_taken_from_the_next(
    pool: PgPool,
) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let first = world.paid_session_started("uid-payout-1", 180).await;
    let second = world.paid_session_started("uid-payout-2", 200).await;
    let share = shares(PRICE - fake_stripe_fee(PRICE), COOP_PERCENT).interviewer_minor;
    let empty = get(&world.app, &staff, "/admin/payouts").await;
    assert_eq!(
        empty.count("[data-testid=payout-form]"),
        0,
        "nothing payable yet"
    );
    assert_eq!(empty.count("[data-testid=no-payouts]"), 1);

    make_payable(&world, &ines, &first).await;
    let form = payout_form(&world, &staff).await;
    let amount = Money::new(share, Currency::USD).decimal_amount();
    assert_eq!(form[4], ("amount".to_owned(), amount.clone()));

    // Bad input: a message next to each field, and nothing recorded.
    let refused = post_payout(
        &world,
        &staff,
        &form,
        &[
            ("amount", "12"),
            ("paid_on", "2999-01-01"),
            ("reference", " "),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = TestApp::page(refused).await;
    assert_eq!(page.count(".field__error"), 3, "{}", page.body);
    assert!(page.texts(".field__error")[1].contains(&amount));
    assert_eq!(
        page.attrs("[data-testid=payout-form] [name=reference]", "aria-invalid"),
        ["true"]
    );
    assert_eq!(count(&world, "payout").await, 0);

    // Recorded: the line is paid out, on Ines's page too.
    let recorded = post_payout(&world, &staff, &form, &[("reference", "SEPA 2026-12 Ines")]).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    // Sent twice (a double click): one payout.
    let again = post_payout(&world, &staff, &form, &[("reference", "SEPA 2026-12 Ines")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&world, "payout").await, 1);
    assert_eq!(count(&world, "payout_line").await, 1);
    let mine = get(&world.app, &ines, "/admin/earnings").await;
    assert_eq!(
        mine.texts("[data-testid=earnings-state]"),
        ["Pending", "Paid out"]
    );
    assert_eq!(mine.texts("[data-testid=total-paid-out]"), [usd(share)]);
    assert_eq!(
        mine.texts("[data-testid=total-paid-out-month]"),
        [usd(share)]
    );
    assert_eq!(mine.texts("[data-testid=total-payable]"), [usd(0)]);
    assert_eq!(mine.count("[data-testid=earnings-payouts] tbody tr"), 1);

    // Nothing left to pay: a new form is refused and records nothing.
    let nothing = post_payout(&world, &staff, &form, &[("request_key", "another-key")]).await;
    assert_eq!(nothing.status(), StatusCode::CONFLICT);
    assert_eq!(count(&world, "payout").await, 1);

    // A refund after the payout (50.00 back): the difference is owed back at once.
    let refund = Refund {
        id: "re_after_payout".to_owned(),
        status: Some("succeeded".to_owned()),
        amount: 5_000,
        currency: Some("usd".to_owned()),
    };
    let booking_id = booking_id_of(&world, &first).await;
    earnings::record_refund(&world.app.state.services, booking_id, &refund)
        .await
        .unwrap();
    let reduced = shares(PRICE - fake_stripe_fee(PRICE) - 5_000, COOP_PERCENT).interviewer_minor;
    let owed = reduced - share;
    let mine = get(&world.app, &ines, "/admin/earnings").await;
    assert_eq!(
        mine.texts("[data-testid=earnings-state]"),
        ["Pending", "Refunded after payout"]
    );
    assert_eq!(mine.texts("[data-testid=total-payable]"), [usd(owed)]);
    let balances = get(&world.app, &staff, "/admin/payouts").await;
    assert_eq!(
        balances.count("[data-testid=payout-form]"),
        0,
        "a negative balance is not paid"
    );
    assert!(balances.texts("[data-testid=balance-payable]")[0].starts_with(&usd(owed)));

    // The next payable booking pays the rest of the balance, less what is owed.
    make_payable(&world, &ines, &second).await;
    let form = payout_form(&world, &staff).await;
    let next = share + owed;
    assert_eq!(form[4].1, Money::new(next, Currency::USD).decimal_amount());
    let recorded = post_payout(&world, &staff, &form, &[("reference", "SEPA 2027-01 Ines")]).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let mine = get(&world.app, &ines, "/admin/earnings").await;
    assert_eq!(
        mine.texts("[data-testid=earnings-state]"),
        ["Paid out", "Paid out"]
    );
    assert_eq!(
        mine.texts("[data-testid=total-paid-out]"),
        [usd(share + next)]
    );
    // Paid out = the shares as they stand now.
    assert_eq!(share + next, share + reduced);

    // Payouts are append-only.
    assert!(
        sqlx::query("update payout set amount_minor = 1")
            .execute(&world.app.pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("delete from payout_line")
            .execute(&world.app.pool)
            .await
            .is_err()
    );

    // The bookkeeping CSV: one row per payout, latest first, with the bookings covered.
    let response = staff
        .get(world.app.url("/admin/payouts.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csv = response.text().await.unwrap();
    let rows = csv_rows(&csv);
    assert_eq!(
        rows[0],
        interview_service::web::admin::payouts::PAYOUTS_CSV_COLUMNS
    );
    assert_eq!(rows.len(), 3, "{csv}");
    let second_id = booking_id_of(&world, &second).await;
    let both = format!(
        "{} {}",
        interview_service::domain::reference::of(booking_id),
        interview_service::domain::reference::of(second_id)
    );
    assert_eq!(rows[1][2], "Ines Interviewer");
    assert_eq!(rows[1][4], Money::new(next, Currency::USD).decimal_amount());
    assert_eq!(rows[1][5], "SEPA 2027-01 Ines");
    assert_eq!(rows[1][7], both, "the owed-back booking and the new one");
    assert_eq!(rows[2][4], amount);

    // The monthly chart: this month's gross, refunds and members' earnings.
    let page = get(&world.app, &staff, "/admin/payouts").await;
    assert_eq!(page.count("[data-testid=monthly-chart]"), 1);
    let last_month = page.texts("[data-testid=monthly-table] tbody tr");
    assert_eq!(last_month.len(), 12);
    let this_month = last_month.last().unwrap();
    for amount in [usd(2 * PRICE), usd(5_000), usd(share + reduced)] {
        assert!(this_month.contains(&amount), "{this_month} lacks {amount}");
    }
}

#[sqlx::test]
async fn two_staff_recording_the_same_balance_at_once_record_one_payout(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { ines, staff } = world.admins().await;
    let public_id = world.paid_session_started("uid-payout-race", 180).await;
    make_payable(&world, &ines, &public_id).await;
    // Two forms (two staff, two tabs), each with its own key, sent at once.
    let (a, b) = (
        payout_form(&world, &staff).await,
        payout_form(&world, &staff).await,
    );
    assert_ne!(a[2], b[2], "each form has its own key");
    let (ra, rb) = tokio::join!(
        post_payout(&world, &staff, &a, &[("reference", "transfer A")]),
        post_payout(&world, &staff, &b, &[("reference", "transfer B")]),
    );
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(count(&world, "payout").await, 1);
}

/// Over several bookings with different histories (paid; refunded in part from Stripe's
/// dashboard; refunded in full by the app; paid with a promotion code), each booking's money
/// entries add up to what Stripe holds for it (its charge's balance transaction's net, less
/// the refunds Stripe lists for the payment), and its shares add up to that money.
#[sqlx::test]
async fn every_booking_s_entries_sum_to_what_stripe_reported(pool: PgPool) {
    let world = World::new(pool).await;
    let Admins { staff, .. } = world.admins().await;
    let mut bookings = Vec::new();
    for (n, percent_off) in [0, 0, 0, 40].into_iter().enumerate() {
        let (public_id, session_id) = world.book_and_checkout(&format!("uid-every-{n}")).await;
        let session = if percent_off == 0 {
            world.stripe.pay(&session_id)
        } else {
            world.stripe.pay_with_code(&session_id, percent_off)
        };
        let event = crate::booking_support::stripe_event(
            &format!("evt_every_{n}"),
            "checkout.session.completed",
            session,
        );
        assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
        bookings.push(public_id);
    }
    world.drain_jobs().await;
    // The second: 30.00 back from Stripe's dashboard. The third: refunded in full by staff.
    let charge = world
        .stripe
        .dashboard_refund(&payment_intent_of(&world, &bookings[1]).await, 3_000);
    let event = crate::booking_support::stripe_event("evt_every_refund", "charge.refunded", charge);
    assert_eq!(world.post_stripe_event(&event).await, StatusCode::OK);
    let refunded = Admins::post(
        &world.app,
        &staff,
        &format!("/admin/bookings/{}/refund", bookings[2]),
        &[("reason", "Goodwill")],
    )
    .await;
    assert_eq!(refunded.status(), StatusCode::SEE_OTHER);
    world.drain_jobs().await;

    let stripe = &world.app.state.services.stripe;
    for public_id in &bookings {
        let payment_intent = payment_intent_of(&world, public_id).await;
        let charge = stripe
            .retrieve_charge_of(&payment_intent)
            .await
            .unwrap()
            .unwrap();
        let refunds: i64 = stripe
            .list_refunds(&payment_intent)
            .await
            .unwrap()
            .iter()
            .map(|r| r.amount)
            .sum();
        let held_at_stripe = charge.balance_transaction.unwrap().net - refunds;
        let entries = sums(&world, public_id).await;
        let of = |kind: &str| entries[kind].as_i64().unwrap_or(0);
        assert_eq!(
            of("charge") + of("stripe_fee") + of("refund"),
            held_at_stripe,
            "{public_id}: {entries}"
        );
        assert_eq!(
            of("coop_share") + of("interviewer_share"),
            held_at_stripe,
            "{public_id}: {entries}"
        );
    }
    assert_eq!(sums(&world, &bookings[1]).await["refund"], -3_000);
    assert_eq!(sums(&world, &bookings[2]).await["refund"], -PRICE);
}
