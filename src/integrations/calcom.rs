//! cal.com API v2: read a booking, confirm or decline it. The key must belong to the account
//! that owns the booking (the interviewer's own, or a team key for all event types).

use serde::Deserialize;
use time::OffsetDateTime;

use super::{CallError, error_for_status};
use crate::config::{CalcomConfig, Secret};

const BOOKINGS_API_VERSION: &str = "2024-08-13";

#[derive(Clone)]
pub struct CalClient {
    http: reqwest::Client,
    base: String,
}

/// A cal.com booking as we use it. Statuses are lowercase (`pending`, `accepted`,
/// `cancelled`, `rejected`).
#[derive(Debug, Clone)]
pub struct CalBooking {
    pub uid: String,
    pub status: String,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub event_type_id: Option<i64>,
    pub host_email: Option<String>,
    pub attendee_name: Option<String>,
    pub attendee_email: Option<String>,
    pub attendee_time_zone: Option<String>,
    pub host_time_zone: Option<String>,
    /// The video call link once cal.com has one (`meetingUrl`, else a `location` that is a
    /// web address: cal.com puts the call's URL there for video integrations).
    pub meeting_url: Option<String>,
    /// For a booking made by rescheduling another: that booking's uid.
    pub rescheduled_from_uid: Option<String>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BookingOutput {
    uid: String,
    status: String,
    start: String,
    end: String,
    event_type_id: Option<i64>,
    event_type: Option<EventTypeRef>,
    #[serde(default)]
    hosts: Vec<Person>,
    #[serde(default)]
    attendees: Vec<Person>,
    location: Option<String>,
    meeting_url: Option<String>,
    rescheduled_from_uid: Option<String>,
}

#[derive(Deserialize)]
struct EventTypeRef {
    id: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    name: Option<String>,
    email: Option<String>,
    time_zone: Option<String>,
}

fn parse_time(value: &str) -> Result<OffsetDateTime, CallError> {
    OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).map_err(|_| {
        CallError::Rejected {
            status: 200,
            message: format!("unreadable time `{value}` from cal.com"),
        }
    })
}

impl TryFrom<BookingOutput> for CalBooking {
    type Error = CallError;
    fn try_from(b: BookingOutput) -> Result<Self, CallError> {
        let attendee = b.attendees.into_iter().next();
        let host = b.hosts.into_iter().next();
        let web_address = |v: &Option<String>| {
            v.clone()
                .filter(|v| v.starts_with("https://") || v.starts_with("http://"))
        };
        Ok(CalBooking {
            meeting_url: web_address(&b.meeting_url).or_else(|| web_address(&b.location)),
            rescheduled_from_uid: b.rescheduled_from_uid,
            host_time_zone: host.as_ref().and_then(|h| h.time_zone.clone()),
            start: parse_time(&b.start)?,
            end: parse_time(&b.end)?,
            event_type_id: b.event_type.and_then(|e| e.id).or(b.event_type_id),
            host_email: host.and_then(|h| h.email),
            attendee_name: attendee.as_ref().and_then(|a| a.name.clone()),
            attendee_email: attendee.as_ref().and_then(|a| a.email.clone()),
            attendee_time_zone: attendee.and_then(|a| a.time_zone),
            status: b.status.to_lowercase(),
            uid: b.uid,
        })
    }
}

impl CalClient {
    pub fn new(config: &CalcomConfig, http: reqwest::Client) -> Self {
        Self {
            http,
            base: format!("{}/v2", config.api_base),
        }
    }

    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        key: &Secret,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(key.expose())
            .header("cal-api-version", BOOKINGS_API_VERSION)
    }

    /// `None` when cal.com does not know the uid.
    pub async fn get_booking(
        &self,
        uid: &str,
        key: &Secret,
    ) -> Result<Option<CalBooking>, CallError> {
        let response = self
            .request(
                reqwest::Method::GET,
                &format!("/bookings/{}", encode(uid)),
                key,
            )
            .send()
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let envelope: Envelope<BookingOutput> = error_for_status(response).await?.json().await?;
        envelope.data.try_into().map(Some)
    }

    /// `POST /bookings/{uid}/{action}` with an optional JSON body.
    async fn act_on_booking(
        &self,
        uid: &str,
        action: &str,
        body: Option<serde_json::Value>,
        key: &Secret,
    ) -> Result<(), CallError> {
        let mut request = self.request(
            reqwest::Method::POST,
            &format!("/bookings/{}/{action}", encode(uid)),
            key,
        );
        if let Some(body) = body {
            request = request.json(&body);
        }
        error_for_status(request.send().await?).await.map(drop)
    }

    pub async fn confirm_booking(&self, uid: &str, key: &Secret) -> Result<(), CallError> {
        self.act_on_booking(uid, "confirm", None, key).await
    }

    pub async fn decline_booking(
        &self,
        uid: &str,
        reason: &str,
        key: &Secret,
    ) -> Result<(), CallError> {
        let body = serde_json::json!({ "reason": reason });
        self.act_on_booking(uid, "decline", Some(body), key).await
    }

    /// Records who did not come (`POST /bookings/{uid}/mark-absent`): the host, or these
    /// attendees.
    pub async fn mark_absent(
        &self,
        uid: &str,
        host: bool,
        absent_attendees: &[String],
        key: &Secret,
    ) -> Result<(), CallError> {
        let attendees: Vec<serde_json::Value> = absent_attendees
            .iter()
            .map(|email| serde_json::json!({ "email": email, "absent": true }))
            .collect();
        let body = if host {
            serde_json::json!({ "host": true })
        } else {
            serde_json::json!({ "attendees": attendees })
        };
        self.act_on_booking(uid, "mark-absent", Some(body), key)
            .await
    }

    /// Cancels a booking (one that was accepted: declining it would fail).
    pub async fn cancel_booking(
        &self,
        uid: &str,
        reason: &str,
        key: &Secret,
    ) -> Result<(), CallError> {
        let body = serde_json::json!({ "cancellationReason": reason });
        self.act_on_booking(uid, "cancel", Some(body), key).await
    }
}

fn encode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// The webhook envelope (`X-Cal-Signature-256` verified before parsing).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    pub trigger_event: String,
    pub payload: WebhookPayload,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    pub uid: Option<String>,
    /// On a reschedule: the uid of the booking it replaces.
    pub reschedule_uid: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub status: Option<String>,
    pub cancellation_reason: Option<String>,
    /// `BOOKING_REJECTED` carries its reason here, not in `cancellationReason`
    /// (cal.com's `confirm.handler.ts`, `BaseBookingPayloadBuilder.ts`).
    pub rejection_reason: Option<String>,
    /// Who cancelled, when cal.com says (an email address).
    pub cancelled_by: Option<String>,
    pub organizer: Option<WebhookPerson>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookPerson {
    pub email: Option<String>,
}

pub fn parse_webhook_time(value: &str) -> Option<OffsetDateTime> {
    parse_time(value).ok()
}

const EVENT_TYPES_API_VERSION: &str = "2024-06-14";

/// How an event type confirms bookings (`confirmationPolicy`, API version 2024-06-14:
/// `apps/api/v2/src/ee/event-types/event-types_2024_06_14/transformers` in cal.com).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmationPolicy {
    /// Bookings are accepted at once (`{disabled: true}`, or no policy at all).
    Disabled,
    /// Bookings beyond a notice threshold are accepted at once (`type: "time"`).
    BeyondNotice,
    /// Every booking waits for confirmation (`type: "always"`); `blocks_slot` is
    /// `blockUnconfirmedBookingsInBooker`: whether a waiting booking holds its slot.
    Always { blocks_slot: bool },
}

/// What we need to know about an interviewer's event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTypeInfo {
    pub id: i64,
    pub slug: String,
    /// The owner's username: `cal_link` is `username/slug` (cal.com has no link by id).
    pub username: Option<String>,
    pub confirmation: ConfirmationPolicy,
}

impl EventTypeInfo {
    /// Only an event type where every booking waits and holds its slot lets a customer pay
    /// before the slot is theirs, with nobody else taking it meanwhile.
    pub fn holds_slots_until_confirmed(&self) -> bool {
        self.confirmation == ConfirmationPolicy::Always { blocks_slot: true }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventTypeOutput {
    id: i64,
    slug: String,
    #[serde(default)]
    users: Vec<EventTypeUser>,
    confirmation_policy: Option<PolicyOutput>,
}

#[derive(Deserialize)]
struct EventTypeUser {
    username: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyOutput {
    #[serde(default)]
    disabled: bool,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    block_unconfirmed_bookings_in_booker: bool,
}

impl From<EventTypeOutput> for EventTypeInfo {
    fn from(e: EventTypeOutput) -> Self {
        let confirmation = match e.confirmation_policy {
            None => ConfirmationPolicy::Disabled,
            Some(p) if p.disabled => ConfirmationPolicy::Disabled,
            Some(p) => match p.kind.as_deref() {
                Some("always") => ConfirmationPolicy::Always {
                    blocks_slot: p.block_unconfirmed_bookings_in_booker,
                },
                Some("time") => ConfirmationPolicy::BeyondNotice,
                _ => ConfirmationPolicy::Disabled,
            },
        };
        EventTypeInfo {
            id: e.id,
            username: e.users.into_iter().find_map(|u| u.username),
            confirmation,
            slug: e.slug,
        }
    }
}

impl CalClient {
    /// `None` when the key cannot see an event type with this id.
    pub async fn get_event_type(
        &self,
        id: i64,
        key: &Secret,
    ) -> Result<Option<EventTypeInfo>, CallError> {
        let response = self
            .http
            .get(format!("{}/event-types/{id}", self.base))
            .bearer_auth(key.expose())
            .header("cal-api-version", EVENT_TYPES_API_VERSION)
            .send()
            .await?;
        if matches!(response.status().as_u16(), 403 | 404) {
            return Ok(None);
        }
        let envelope: Envelope<EventTypeOutput> = error_for_status(response).await?.json().await?;
        Ok(Some(envelope.data.into()))
    }
}
