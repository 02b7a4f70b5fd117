-- The customer's booking page (issue 10): what it shows that cal.com and Stripe know.

-- The video call link, from cal.com's booking (`meetingUrl`, else a URL `location`) once it
-- is confirmed; null until then or when the event type has no video link.
alter table booking add column meeting_url text
    constraint booking_meeting_url_format check (meeting_url ~ '^https?://');
-- The interviewer's IANA zone as cal.com reports it (the booking's host), for the page's
-- "their time".
alter table booking add column host_time_zone text;
-- Stripe's receipt of the charge (`charge.receipt_url`), recorded by a job after payment.
alter table booking add column receipt_url text
    constraint booking_receipt_url_format check (receipt_url ~ '^https://');

