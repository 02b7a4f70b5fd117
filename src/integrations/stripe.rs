//! A thin typed client for the few Stripe calls we make (Checkout Sessions and refunds), and
//! the webhook event shapes we read. Form-encoded requests, pinned API version, idempotency
//! keys on every write. `STRIPE_API_BASE` points it at a fake in tests.

use serde::Deserialize;

use super::{CallError, error_for_status};
use crate::{
    config::{Secret, StripeConfig},
    domain::Money,
};

/// The API version our parameters and parsing were written against.
pub const API_VERSION: &str = "2026-03-25.dahlia";

#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    base: String,
    secret_key: Option<Secret>,
    options: CheckoutOptions,
}

/// What every Checkout Session offers, from the settings (`STRIPE_PROMOTION_CODES`,
/// `STRIPE_INVOICES`, `STRIPE_TAX_ID_COLLECTION`).
#[derive(Debug, Clone, Copy)]
struct CheckoutOptions {
    promotion_codes: bool,
    invoices: bool,
    tax_id_collection: bool,
}

/// What we ask Checkout for. Amounts in minor units.
#[derive(Debug, Clone)]
pub struct NewCheckoutSession {
    pub booking_public_id: String,
    pub amount: Money,
    pub product_name: String,
    pub product_description: String,
    pub customer_email: String,
    pub success_url: String,
    pub cancel_url: String,
    /// Unix seconds; Stripe accepts 30 minutes to 24 hours ahead.
    pub expires_at: i64,
    pub submit_message: String,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    /// The hosted page; present while the session is open.
    pub url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    pub payment_status: Option<String>,
    pub payment_intent: Option<String>,
    pub client_reference_id: Option<String>,
    /// What the customer pays: the subtotal less any promotion code's discount.
    pub amount_total: Option<i64>,
    /// The line items' price, before discounts.
    #[serde(default)]
    pub amount_subtotal: Option<i64>,
    pub currency: Option<String>,
    #[serde(default)]
    pub total_details: Option<TotalDetails>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TotalDetails {
    #[serde(default)]
    pub amount_discount: i64,
}

impl CheckoutSession {
    /// Paid, or nothing to pay (a 100%-off promotion code: no payment is made, and the
    /// session has no PaymentIntent).
    pub fn is_paid(&self) -> bool {
        matches!(
            self.payment_status.as_deref(),
            Some("paid" | "no_payment_required")
        )
    }

    /// The discount a promotion code gave, in minor units.
    pub fn discount(&self) -> i64 {
        self.total_details.as_ref().map_or(0, |t| t.amount_discount)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: String,
    pub status: Option<String>,
    /// In the charge's currency.
    #[serde(default)]
    pub amount: i64,
    #[serde(default)]
    pub currency: Option<String>,
}

impl StripeClient {
    pub fn new(config: &StripeConfig, http: reqwest::Client) -> Self {
        Self {
            http,
            base: config.api_base.clone(),
            secret_key: config.secret_key.clone(),
            options: CheckoutOptions {
                promotion_codes: config.promotion_codes,
                invoices: config.invoices,
                tax_id_collection: config.tax_id_collection,
            },
        }
    }

    /// Whether Checkout makes invoices (so the charge's job looks for one).
    pub fn makes_invoices(&self) -> bool {
        self.options.invoices
    }

    pub fn is_configured(&self) -> bool {
        self.secret_key.is_some()
    }

    fn key(&self) -> Result<&str, CallError> {
        self.secret_key
            .as_ref()
            .map(Secret::expose)
            .ok_or(CallError::NotConfigured)
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        form: &[(String, String)],
        idempotency_key: Option<&str>,
    ) -> Result<T, CallError> {
        let mut request = self
            .http
            .post(format!("{}{}", self.base, path))
            .bearer_auth(self.key()?)
            .header("Stripe-Version", API_VERSION)
            .form(form);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = error_for_status(request.send().await?).await?;
        Ok(response.json().await?)
    }

    /// `GET {path}` (with its query), read as `T`.
    async fn get<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T, CallError> {
        let request = self
            .http
            .get(format!("{}{}", self.base, path))
            .bearer_auth(self.key()?)
            .header("Stripe-Version", API_VERSION);
        Ok(error_for_status(request.send().await?)
            .await?
            .json()
            .await?)
    }

    pub async fn create_checkout_session(
        &self,
        new: &NewCheckoutSession,
    ) -> Result<CheckoutSession, CallError> {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let mut form = vec![
            pair("mode", "payment"),
            pair("line_items[0][quantity]", "1"),
            pair(
                "line_items[0][price_data][currency]",
                &new.amount.currency.code().to_lowercase(),
            ),
            pair(
                "line_items[0][price_data][unit_amount]",
                &new.amount.minor.to_string(),
            ),
            pair(
                "line_items[0][price_data][product_data][name]",
                &new.product_name,
            ),
            pair(
                "line_items[0][price_data][product_data][description]",
                &new.product_description,
            ),
            pair("customer_email", &new.customer_email),
            pair("client_reference_id", &new.booking_public_id),
            pair("metadata[booking_id]", &new.booking_public_id),
            pair(
                "payment_intent_data[metadata][booking_id]",
                &new.booking_public_id,
            ),
            pair("success_url", &new.success_url),
            pair("cancel_url", &new.cancel_url),
            pair("expires_at", &new.expires_at.to_string()),
            pair("custom_text[submit][message]", &new.submit_message),
        ];
        if self.options.promotion_codes {
            form.push(pair("allow_promotion_codes", "true"));
        }
        if self.options.invoices {
            form.push(pair("invoice_creation[enabled]", "true"));
            form.push(pair(
                "invoice_creation[invoice_data][metadata][booking_id]",
                &new.booking_public_id,
            ));
        }
        if self.options.tax_id_collection {
            form.push(pair("tax_id_collection[enabled]", "true"));
        }
        self.post("/v1/checkout/sessions", &form, Some(&new.idempotency_key))
            .await
    }

    pub async fn retrieve_checkout_session(&self, id: &str) -> Result<CheckoutSession, CallError> {
        self.get(&format!("/v1/checkout/sessions/{}", encode_path(id)))
            .await
    }

    /// The payment's latest charge (`GET /v1/payment_intents/{id}` with the charge and its
    /// balance transaction expanded): its receipt, for the booking page, and what reached our
    /// balance and Stripe's fee, for the ledger. `None` while there is no charge.
    pub async fn retrieve_charge_of(
        &self,
        payment_intent: &str,
    ) -> Result<Option<ChargeSummary>, CallError> {
        let intent: PaymentIntent = self
            .get(&format!(
                "/v1/payment_intents/{}?expand%5B%5D=latest_charge.balance_transaction",
                encode_path(payment_intent)
            ))
            .await?;
        Ok(intent.latest_charge)
    }

    /// The hosted page of the invoice Checkout made for the session (`invoice_creation`), if
    /// it made one (`GET /v1/checkout/sessions/{id}` with the invoice expanded).
    pub async fn retrieve_invoice_url(
        &self,
        session_id: &str,
    ) -> Result<Option<String>, CallError> {
        let session: SessionWithInvoice = self
            .get(&format!(
                "/v1/checkout/sessions/{}?expand%5B%5D=invoice",
                encode_path(session_id)
            ))
            .await?;
        Ok(session.invoice.and_then(|i| i.hosted_invoice_url))
    }

    /// Closes an open session so it can no longer be paid (a newer attempt replaces it).
    pub async fn expire_checkout_session(&self, id: &str) -> Result<CheckoutSession, CallError> {
        self.post(
            &format!("/v1/checkout/sessions/{}/expire", encode_path(id)),
            &[],
            None,
        )
        .await
    }

    /// Every refund of a payment (`GET /v1/refunds?payment_intent=…`), newest first: ours
    /// and those made in Stripe's dashboard. A payment has at most a handful, far fewer than
    /// the page of 100 asked for.
    pub async fn list_refunds(&self, payment_intent: &str) -> Result<Vec<Refund>, CallError> {
        let list: List<Refund> = self
            .get(&format!(
                "/v1/refunds?payment_intent={}&limit=100",
                encode_path(payment_intent)
            ))
            .await?;
        Ok(list.data)
    }

    pub async fn create_refund(
        &self,
        payment_intent: &str,
        amount_minor: i64,
        booking_public_id: &str,
        idempotency_key: &str,
    ) -> Result<Refund, CallError> {
        let form = vec![
            ("payment_intent".to_owned(), payment_intent.to_owned()),
            ("amount".to_owned(), amount_minor.to_string()),
            ("reason".to_owned(), "requested_by_customer".to_owned()),
            (
                "metadata[booking_id]".to_owned(),
                booking_public_id.to_owned(),
            ),
        ];
        self.post("/v1/refunds", &form, Some(idempotency_key)).await
    }
}

/// A page of a Stripe list.
#[derive(Debug, Deserialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct SessionWithInvoice {
    /// Expanded on request.
    invoice: Option<Invoice>,
}

#[derive(Debug, Deserialize)]
struct Invoice {
    hosted_invoice_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PaymentIntent {
    /// Expanded on request; a bare id otherwise, which we never ask for.
    latest_charge: Option<ChargeSummary>,
}

/// What we keep of a charge.
#[derive(Debug, Clone, Deserialize)]
pub struct ChargeSummary {
    pub id: String,
    /// Stripe's hosted receipt page.
    pub receipt_url: Option<String>,
    /// What was charged, in the charge's currency (after any promotion code).
    #[serde(default)]
    pub amount: i64,
    #[serde(default)]
    pub currency: Option<String>,
    /// Expanded on request; Stripe may create it a moment after the charge.
    #[serde(default)]
    pub balance_transaction: Option<BalanceTransaction>,
}

/// A movement of our Stripe balance, in the currency Stripe settles in: `amount` is what
/// moved, `fee` what Stripe kept, `net` the difference; `exchange_rate` when the charge was in
/// another currency (settlement amount = charge amount x rate).
#[derive(Debug, Clone, Deserialize)]
pub struct BalanceTransaction {
    pub id: String,
    pub amount: i64,
    pub fee: i64,
    pub net: i64,
    pub currency: String,
    #[serde(default)]
    pub exchange_rate: Option<f64>,
}

fn encode_path(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// The parts of a webhook event we read. Unknown types are acknowledged and ignored.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub data: EventData,
}

#[derive(Debug, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

/// `charge.refunded` carries a Charge (sent for each refund, partial or full).
#[derive(Debug, Deserialize)]
pub struct Charge {
    pub payment_intent: Option<String>,
    pub amount_refunded: Option<i64>,
    pub refunded: Option<bool>,
}
