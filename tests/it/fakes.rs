//! Small HTTP fakes of the two SaaS APIs we cannot reach offline: Stripe (Checkout Sessions,
//! refunds) and cal.com (bookings). They keep state like the real services for the calls we
//! make, record every request so tests can check what we sent, and can be told to fail.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    address
}

fn parse_form(body: &str) -> HashMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

// ---- Stripe ------------------------------------------------------------------------------

pub const STRIPE_KEY: &str = "sk_test_fake";
pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_test_secret";

#[derive(Default)]
pub struct StripeState {
    pub sessions: HashMap<String, Value>,
    /// Idempotency key -> session id, as Stripe replays the first answer for a key.
    by_key: HashMap<String, String>,
    /// Every session-creation request that reached the fake: (idempotency key, form).
    pub create_requests: Vec<(String, HashMap<String, String>)>,
    pub refunds: Vec<HashMap<String, String>>,
    /// The status new refunds get (Stripe: `succeeded` for cards, `pending` for some methods).
    pub refund_status: Option<String>,
    pub expired: Vec<String>,
    pub fail_creates: u32,
    /// While set, session creation hangs (as a slow Stripe would) until it is cleared.
    pub hang_creates: bool,
    /// Creation requests hanging right now.
    pub creates_hanging: u32,
    next: u32,
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base: String,
    pub state: Arc<Mutex<StripeState>>,
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {STRIPE_KEY}"))
}

async fn stripe_create(
    State(state): State<Arc<Mutex<StripeState>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !authorised(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"message": "bad key"}})),
        )
            .into_response();
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let form = parse_form(&body);
    if state.lock().unwrap().hang_creates {
        state.lock().unwrap().creates_hanging += 1;
        while state.lock().unwrap().hang_creates {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        state.lock().unwrap().creates_hanging -= 1;
    }
    let mut s = state.lock().unwrap();
    s.create_requests.push((key.clone(), form.clone()));
    if s.fail_creates > 0 {
        s.fail_creates -= 1;
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": {"message": "boom"}})),
        )
            .into_response();
    }
    if let Some(id) = s.by_key.get(&key) {
        return Json(s.sessions[id].clone()).into_response();
    }
    s.next += 1;
    let id = format!("cs_test_{}", s.next);
    let session = json!({
        "id": id,
        "object": "checkout.session",
        "url": format!("https://checkout.stripe.test/c/pay/{id}"),
        "status": "open",
        "payment_status": "unpaid",
        "payment_intent": null,
        "client_reference_id": form.get("client_reference_id"),
        "amount_subtotal": form.get("line_items[0][price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok()),
        "amount_total": form.get("line_items[0][price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok()),
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "allow_promotion_codes": form.get("allow_promotion_codes").map(|v| v == "true"),
        "invoice_creation": {"enabled": form.get("invoice_creation[enabled]").is_some_and(|v| v == "true")},
        "invoice": null,
        "currency": form.get("line_items[0][price_data][currency]"),
        "customer_email": form.get("customer_email"),
        "metadata": { "booking_id": form.get("metadata[booking_id]") },
    });
    s.by_key.insert(key, id.clone());
    s.sessions.insert(id, session.clone());
    Json(session).into_response()
}

/// `GET /v1/checkout/sessions/{id}`; with `expand[]=invoice`, the invoice Checkout made
/// (sessions created with `invoice_creation[enabled]`, once paid) as an object, as Stripe
/// expands it; its id otherwise.
async fn stripe_get(
    State(state): State<Arc<Mutex<StripeState>>>,
    Path(id): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let expand_invoice = query
        .unwrap_or_default()
        .replace("%5B%5D", "[]")
        .split('&')
        .any(|p| p == "expand[]=invoice");
    match state.lock().unwrap().sessions.get(&id) {
        Some(session) => {
            let mut session = session.clone();
            if expand_invoice && session["invoice"].is_string() {
                let invoice = session["invoice"].as_str().unwrap_or_default().to_owned();
                session["invoice"] = json!({"id": invoice, "object": "invoice", "status": "paid",
                    "hosted_invoice_url": format!("https://invoice.stripe.com/i/acct_test/{invoice}")});
            }
            Json(session).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"message": "no such session"}})),
        )
            .into_response(),
    }
}

async fn stripe_expire(
    State(state): State<Arc<Mutex<StripeState>>>,
    Path(id): Path<String>,
) -> Response {
    let mut s = state.lock().unwrap();
    s.expired.push(id.clone());
    let Some(session) = s.sessions.get_mut(&id) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"message": "no such session"}})),
        )
            .into_response();
    };
    if session["status"] != "open" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "session is not open"}})),
        )
            .into_response();
    }
    session["status"] = json!("expired");
    Json(session.clone()).into_response()
}

async fn stripe_refund(
    State(state): State<Arc<Mutex<StripeState>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut form = parse_form(&body);
    form.insert(
        "idempotency_key".into(),
        headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .into(),
    );
    let mut s = state.lock().unwrap();
    if let Some(status) = s.refund_status.clone() {
        form.insert("status".into(), status);
    }
    // As Stripe: a request repeated with the same Idempotency-Key gets the first answer and
    // makes no second refund.
    let key = form["idempotency_key"].clone();
    if let Some(i) = s
        .refunds
        .iter()
        .position(|r| !key.is_empty() && r["idempotency_key"] == key)
    {
        let first = s.refunds[i].clone();
        return Json(refund_object(i + 1, &first, &s)).into_response();
    }
    s.refunds.push(form.clone());
    Json(refund_object(s.refunds.len(), &form, &s)).into_response()
}

/// `GET /v1/refunds?payment_intent=…`: the payment's refunds, newest first, in a list.
async fn stripe_list_refunds(
    State(state): State<Arc<Mutex<StripeState>>>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    if !authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let query = parse_form(&query.unwrap_or_default());
    let s = state.lock().unwrap();
    let mut data: Vec<Value> = s
        .refunds
        .iter()
        .enumerate()
        .filter(|(_, r)| r.get("payment_intent") == query.get("payment_intent"))
        .map(|(i, r)| refund_object(i + 1, r, &s))
        .collect();
    data.reverse();
    Json(json!({"object": "list", "url": "/v1/refunds", "has_more": false, "data": data}))
        .into_response()
}

/// A Refund as Stripe answers it: the amount asked for, in the currency of the session whose
/// payment it refunds.
fn refund_object(number: usize, form: &HashMap<String, String>, s: &StripeState) -> Value {
    let payment_intent = form.get("payment_intent").map(String::as_str);
    let currency = s
        .sessions
        .values()
        .find(|session| session["payment_intent"].as_str() == payment_intent)
        .and_then(|session| session["currency"].as_str())
        .unwrap_or("usd")
        .to_owned();
    let amount: i64 = form.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    let status = form.get("status").map_or("succeeded", String::as_str);
    json!({"id": format!("re_{number}"), "object": "refund", "status": status,
           "amount": amount, "currency": currency,
           "payment_intent": form.get("payment_intent"), "balance_transaction": format!("txn_re_{number}")})
}

/// Stripe's fee on a card charge in the fake: 2.9% + 30 minor units, rounded.
pub fn fake_stripe_fee(amount_minor: i64) -> i64 {
    (amount_minor * 29 + 500) / 1000 + 30
}

/// `GET /v1/payment_intents/{id}`: the payment intent of a paid session (`pi_for_<session>`),
/// its latest charge expanded (with its receipt, amount and currency) when
/// `expand[]=latest_charge` is asked, a bare charge id otherwise, as Stripe answers; with
/// `expand[]=latest_charge.balance_transaction` the charge's balance transaction too (amount,
/// fee, net, currency: the account settles in the charge's currency).
async fn stripe_payment_intent(
    State(state): State<Arc<Mutex<StripeState>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    if !authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let s = state.lock().unwrap();
    let paid = s
        .sessions
        .values()
        .find(|session| session["payment_intent"] == id.as_str());
    let Some(session) = paid else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"message": "no such payment_intent"}})),
        )
            .into_response();
    };
    let charge_id = format!("ch_for_{id}");
    let query = query
        .unwrap_or_default()
        .replace("%5B%5D", "[]")
        .replace("%2E", ".");
    let expands: Vec<&str> = query
        .split('&')
        .filter_map(|p| p.strip_prefix("expand[]="))
        .collect();
    let expanded = expands.iter().any(|e| e.starts_with("latest_charge"));
    let latest_charge = if expanded {
        let amount = session["amount_total"].as_i64().unwrap_or(0);
        let currency = session["currency"].as_str().unwrap_or("usd");
        let balance_transaction = if expands.contains(&"latest_charge.balance_transaction") {
            let fee = fake_stripe_fee(amount);
            json!({"id": format!("txn_for_{id}"), "object": "balance_transaction",
                   "amount": amount, "fee": fee, "net": amount - fee, "currency": currency})
        } else {
            json!(format!("txn_for_{id}"))
        };
        json!({"id": charge_id, "object": "charge", "paid": true, "amount": amount, "currency": currency,
               "balance_transaction": balance_transaction,
               "receipt_url": format!("https://pay.stripe.com/receipts/payment/{charge_id}")})
    } else {
        json!(charge_id)
    };
    Json(json!({"id": id, "object": "payment_intent", "status": "succeeded", "latest_charge": latest_charge}))
        .into_response()
}

impl FakeStripe {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(StripeState::default()));
        let router = Router::new()
            .route("/v1/checkout/sessions", post(stripe_create))
            .route("/v1/checkout/sessions/{id}", get(stripe_get))
            .route("/v1/checkout/sessions/{id}/expire", post(stripe_expire))
            .route("/v1/refunds", post(stripe_refund).get(stripe_list_refunds))
            .route("/v1/payment_intents/{id}", get(stripe_payment_intent))
            .with_state(state.clone());
        Self {
            base: serve(router).await,
            state,
        }
    }

    /// The customer pays on the hosted page.
    pub fn pay(&self, session_id: &str) -> Value {
        let mut s = self.state.lock().unwrap();
        let session = s.sessions.get_mut(session_id).expect("known session");
        session["status"] = json!("complete");
        session["payment_status"] = json!("paid");
        session["payment_intent"] = json!(format!("pi_for_{session_id}"));
        if session["invoice_creation"]["enabled"] == json!(true) {
            session["invoice"] = json!(format!("in_for_{session_id}"));
        }
        session.clone()
    }

    /// The customer pays with a promotion code taking `percent_off` off. As Stripe: only on a
    /// session that allows codes; the discount comes off the total; with nothing left to pay
    /// the session completes as `no_payment_required` with no PaymentIntent.
    pub fn pay_with_code(&self, session_id: &str, percent_off: i64) -> Value {
        let mut s = self.state.lock().unwrap();
        let session = s.sessions.get_mut(session_id).expect("known session");
        assert_eq!(
            session["allow_promotion_codes"],
            json!(true),
            "Checkout shows no promotion code field on this session"
        );
        let subtotal = session["amount_subtotal"].as_i64().unwrap();
        let discount = subtotal * percent_off / 100;
        session["amount_total"] = json!(subtotal - discount);
        session["total_details"]["amount_discount"] = json!(discount);
        session["status"] = json!("complete");
        if subtotal == discount {
            session["payment_status"] = json!("no_payment_required");
            session["payment_intent"] = json!(null);
        } else {
            session["payment_status"] = json!("paid");
            session["payment_intent"] = json!(format!("pi_for_{session_id}"));
            if session["invoice_creation"]["enabled"] == json!(true) {
                session["invoice"] = json!(format!("in_for_{session_id}"));
            }
        }
        session.clone()
    }

    /// A refund made in Stripe's dashboard (not by the app): the Charge that Stripe's
    /// `charge.refunded` event then carries.
    pub fn dashboard_refund(&self, payment_intent: &str, amount_minor: i64) -> Value {
        let mut s = self.state.lock().unwrap();
        let form: HashMap<String, String> = [
            ("payment_intent", payment_intent.to_owned()),
            ("amount", amount_minor.to_string()),
            ("idempotency_key", String::new()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        s.refunds.push(form);
        let session = s
            .sessions
            .values()
            .find(|session| session["payment_intent"] == payment_intent)
            .expect("a paid session");
        let amount = session["amount_total"].as_i64().unwrap_or(0);
        let refunded: i64 = s
            .refunds
            .iter()
            .filter(|r| r["payment_intent"] == payment_intent)
            .filter_map(|r| r["amount"].parse::<i64>().ok())
            .sum();
        json!({"id": format!("ch_for_{payment_intent}"), "object": "charge",
               "payment_intent": payment_intent, "amount": amount,
               "amount_refunded": refunded, "refunded": refunded >= amount})
    }

    pub fn session(&self, id: &str) -> Value {
        self.state.lock().unwrap().sessions[id].clone()
    }

    pub fn session_count(&self) -> usize {
        self.state.lock().unwrap().sessions.len()
    }

    /// Makes session creation hang (`true`) until released (`false`).
    pub fn hang_creates(&self, on: bool) {
        self.state.lock().unwrap().hang_creates = on;
    }

    pub fn creates_hanging(&self) -> u32 {
        self.state.lock().unwrap().creates_hanging
    }

    /// The sessions of one booking that can still be paid.
    pub fn open_sessions_of(&self, public_id: &str) -> Vec<String> {
        let mut open: Vec<String> = self
            .state
            .lock()
            .unwrap()
            .sessions
            .values()
            .filter(|s| s["client_reference_id"] == public_id && s["status"] == "open")
            .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        open.sort();
        open
    }

    pub fn fail_next_creates(&self, n: u32) {
        self.state.lock().unwrap().fail_creates = n;
    }

    pub fn last_create(&self) -> (String, HashMap<String, String>) {
        self.state
            .lock()
            .unwrap()
            .create_requests
            .last()
            .cloned()
            .expect("a session was requested")
    }

    /// New refunds are `pending` until [`Self::settle_refunds`].
    pub fn make_refunds_pending(&self) {
        self.state.lock().unwrap().refund_status = Some("pending".to_owned());
    }

    /// Every refund reaches its final `status` (`succeeded`, `failed`).
    pub fn settle_refunds(&self, status: &str) {
        let mut s = self.state.lock().unwrap();
        s.refund_status = None;
        for refund in &mut s.refunds {
            refund.insert("status".to_owned(), status.to_owned());
        }
    }

    pub fn refunds(&self) -> Vec<HashMap<String, String>> {
        self.state.lock().unwrap().refunds.clone()
    }
}

// ---- cal.com -----------------------------------------------------------------------------

pub const CAL_KEY: &str = "cal_test_fake";
pub const CAL_WEBHOOK_SECRET: &str = "cal_whsec_test";

#[derive(Default)]
pub struct CalState {
    pub bookings: HashMap<String, Value>,
    pub event_types: HashMap<i64, Value>,
    /// Keys accepted besides CAL_KEY (an interviewer's own).
    pub extra_keys: Vec<String>,
    /// Keys that belong to a team or organisation: they may confirm and decline bookings but
    /// own no event type.
    pub team_keys: Vec<String>,
    pub confirmed: Vec<String>,
    pub declined: Vec<String>,
    pub cancelled: Vec<String>,
    /// `POST /v2/bookings/{uid}/mark-absent` calls: (uid, body).
    pub absent: Vec<(String, Value)>,
    pub fail_confirms: u32,
    pub down: bool,
    /// Booking lookups (`GET /v2/bookings/{uid}`) that reached the fake.
    pub lookups: u32,
}

#[derive(Clone)]
pub struct FakeCal {
    pub base: String,
    pub state: Arc<Mutex<CalState>>,
}

fn cal_authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {CAL_KEY}"))
        && headers.get("cal-api-version").is_some()
}

async fn cal_get(
    State(state): State<Arc<Mutex<CalState>>>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    let mut s = state.lock().unwrap();
    s.lookups += 1;
    if s.down {
        return StatusCode::BAD_GATEWAY.into_response();
    }
    if !cal_authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match s.bookings.get(&uid) {
        Some(b) => Json(json!({"status": "success", "data": b})).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"status": "error"}))).into_response(),
    }
}

async fn cal_event_type(
    State(state): State<Arc<Mutex<CalState>>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let s = state.lock().unwrap();
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let known = auth == format!("Bearer {CAL_KEY}")
        || s.extra_keys.iter().any(|k| auth == format!("Bearer {k}"));
    let team = s.team_keys.iter().any(|k| auth == format!("Bearer {k}"));
    if !known && !team {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if headers.get("cal-api-version").and_then(|v| v.to_str().ok()) != Some("2024-06-14") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    // cal.com answers only the key owner's own event types
    // (apps/api/v2/src/ee/event-types/event-types_2024_06_14/controllers/event-types.controller.ts:
    // getUserEventType(user.id, id)); a team or organisation key owns none of them.
    match s.event_types.get(&id).filter(|_| !team) {
        Some(e) => Json(json!({"status": "success", "data": e})).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn cal_confirm(
    State(state): State<Arc<Mutex<CalState>>>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    let mut s = state.lock().unwrap();
    if !cal_authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if s.fail_confirms > 0 {
        s.fail_confirms -= 1;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    // cal.com checks ACCEPTED first and answers a generic 400 (packages/trpc/server/routers/
    // viewer/bookings/confirm.handler.ts; apps/api/v2/src/filters/trpc-exception.filter.ts
    // maps BAD_REQUEST to 400). Anything else, REJECTED included, is (re-)accepted:
    // handleConfirmation.ts updates by id with no status check.
    if s.bookings
        .get(&uid)
        .is_some_and(|b| b["status"] == "accepted")
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"status": "error", "error": {"message": "Bad request"}})),
        )
            .into_response();
    }
    s.confirmed.push(uid.clone());
    if let Some(b) = s.bookings.get_mut(&uid) {
        b["status"] = json!("accepted");
        // Confirming creates the video meeting (handleConfirmation.ts runs EventManager's
        // create, which makes the Cal Video room); the booking output then carries its link
        // in `meetingUrl` and `location` (BookingOutput_2024_08_13).
        let url = format!("https://app.cal.com/video/{uid}");
        b["meetingUrl"] = json!(url);
        b["location"] = json!(url);
    }
    Json(json!({"status": "success"})).into_response()
}

async fn cal_cancel(
    State(state): State<Arc<Mutex<CalState>>>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    let mut s = state.lock().unwrap();
    if !cal_authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    s.cancelled.push(uid.clone());
    if let Some(b) = s.bookings.get_mut(&uid) {
        b["status"] = json!("cancelled");
    }
    Json(json!({"status": "success"})).into_response()
}

async fn cal_decline(
    State(state): State<Arc<Mutex<CalState>>>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    let mut s = state.lock().unwrap();
    if !cal_authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    // Declining an ACCEPTED booking fails like confirming one (confirm.handler.ts).
    if s.bookings
        .get(&uid)
        .is_some_and(|b| b["status"] == "accepted")
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"status": "error", "error": {"message": "Bad request"}})),
        )
            .into_response();
    }
    s.declined.push(uid.clone());
    if let Some(b) = s.bookings.get_mut(&uid) {
        b["status"] = json!("rejected");
    }
    Json(json!({"status": "success"})).into_response()
}

/// `POST /v2/bookings/{uid}/mark-absent` (`{host: true}` or `{attendees: [{email, absent}]}`,
/// MarkAbsentBookingInput_2024_08_13): only for a booking that has started.
async fn cal_mark_absent(
    State(state): State<Arc<Mutex<CalState>>>,
    headers: HeaderMap,
    Path(uid): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut s = state.lock().unwrap();
    if !cal_authorised(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if !s.bookings.contains_key(&uid) {
        return StatusCode::NOT_FOUND.into_response();
    }
    s.absent.push((uid, body));
    Json(json!({"status": "success"})).into_response()
}

impl FakeCal {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(CalState::default()));
        let router = Router::new()
            .route("/v2/bookings/{uid}", get(cal_get))
            .route("/v2/bookings/{uid}/confirm", post(cal_confirm))
            .route("/v2/bookings/{uid}/decline", post(cal_decline))
            .route("/v2/bookings/{uid}/cancel", post(cal_cancel))
            .route("/v2/bookings/{uid}/mark-absent", post(cal_mark_absent))
            .route("/v2/event-types/{id}", get(cal_event_type))
            .with_state(state.clone());
        Self {
            base: serve(router).await,
            state,
        }
    }

    /// A pending booking in cal.com, `hours_ahead` from now, as `GET /v2/bookings/{uid}` returns.
    pub fn add_booking(
        &self,
        uid: &str,
        event_type_id: i64,
        hours_ahead: i64,
        status: &str,
        host: &str,
        attendee: &str,
    ) {
        let start = time::OffsetDateTime::now_utc() + time::Duration::hours(hours_ahead);
        let start = start.replace_nanosecond(0).unwrap();
        let fmt = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        let booking = json!({
            "id": 1, "uid": uid, "title": "Practice interview", "status": status,
            "start": fmt(start), "end": fmt(start + time::Duration::minutes(90)),
            "duration": 90, "eventTypeId": event_type_id, "eventType": {"id": event_type_id, "slug": "practice"},
            "hosts": [{"id": 7, "name": "Host", "email": host, "username": "host", "timeZone": "Europe/Berlin"}],
            "attendees": [{"name": "Ada Customer", "email": attendee, "timeZone": "America/New_York", "absent": false}],
            // Before confirmation the video room does not exist yet: the location is the
            // integration's name, not a link.
            "location": "integrations:daily",
        });
        self.state
            .lock()
            .unwrap()
            .bookings
            .insert(uid.to_owned(), booking);
    }

    /// The attendee picked a new time in cal.com's reschedule flow: a new pending booking
    /// naming the one it replaces in `rescheduledFromUid` (RegularBookingService.ts; the
    /// old one stays until the new one is confirmed).
    pub fn add_reschedule(&self, new_uid: &str, from_uid: &str, hours_ahead: i64) {
        let (event_type, host, attendee) = {
            let s = self.state.lock().unwrap();
            let old = &s.bookings[from_uid];
            (
                old["eventTypeId"].as_i64().unwrap_or_default(),
                old["hosts"][0]["email"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                old["attendees"][0]["email"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        self.add_booking(
            new_uid,
            event_type,
            hours_ahead,
            "pending",
            &host,
            &attendee,
        );
        if let Some(b) = self.state.lock().unwrap().bookings.get_mut(new_uid) {
            b["rescheduledFromUid"] = json!(from_uid);
        }
    }

    /// An event type as `GET /v2/event-types/{id}` (2024-06-14) returns it.
    pub fn add_event_type(
        &self,
        id: i64,
        username: &str,
        slug: &str,
        requires_confirmation: bool,
        blocks: bool,
    ) {
        let policy = if requires_confirmation {
            json!({"type": "always", "blockUnconfirmedBookingsInBooker": blocks, "disabled": false})
        } else {
            json!({"disabled": true})
        };
        self.add_event_type_with_policy(id, username, slug, policy);
    }

    /// An event type with this `confirmationPolicy`, in the shape of API version 2024-06-14
    /// (`{disabled: true}` or `{type: "always" | "time", noticeThreshold?,
    /// blockUnconfirmedBookingsInBooker}`, from cal.com's
    /// apps/api/v2/src/ee/event-types/event-types_2024_06_14/transformers).
    pub fn add_event_type_with_policy(&self, id: i64, username: &str, slug: &str, policy: Value) {
        let event_type = json!({"id": id, "slug": slug, "title": "Practice", "lengthInMinutes": 90,
                                "users": [{"username": username}], "confirmationPolicy": policy});
        self.state
            .lock()
            .unwrap()
            .event_types
            .insert(id, event_type);
    }

    /// The interviewer acts in cal.com itself (its request email, its dashboard).
    pub fn set_status(&self, uid: &str, status: &str) {
        if let Some(b) = self.state.lock().unwrap().bookings.get_mut(uid) {
            b["status"] = json!(status);
        }
    }

    pub fn cancelled(&self) -> Vec<String> {
        self.state.lock().unwrap().cancelled.clone()
    }

    pub fn lookups(&self) -> u32 {
        self.state.lock().unwrap().lookups
    }

    pub fn confirmed(&self) -> Vec<String> {
        self.state.lock().unwrap().confirmed.clone()
    }

    pub fn declined(&self) -> Vec<String> {
        self.state.lock().unwrap().declined.clone()
    }
}
