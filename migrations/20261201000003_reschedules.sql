-- Attendee reschedules (issue 10): cal.com moves a booking by creating a new one with a new
-- uid; ours follows it. The sequence numbers the moves, for the calendar invites' SEQUENCE.
alter table booking add column calendar_sequence integer not null default 0;
