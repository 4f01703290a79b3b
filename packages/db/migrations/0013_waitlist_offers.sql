-- Waitlist offers: when time frees up (a cancellation, a no-show, a move), the first waiting
-- patient it suits is offered it by email or text with a link, and the time is held for them
-- for a while; then it goes to the next one.

-- Off until the clinic turns it on: it sends patients messages by itself and holds freed time
-- away from the front desk, so a clinic decides (and checks its wording) first.
ALTER TABLE clinics ADD COLUMN waitlist_offers_enabled boolean NOT NULL DEFAULT false;
-- How long a patient has to take an offered time.
ALTER TABLE clinics ADD COLUMN waitlist_hold_minutes integer NOT NULL DEFAULT 60
  CHECK (waitlist_hold_minutes BETWEEN 5 AND 1440);
-- Time starting sooner than this after it frees up is not offered (nobody comes at short notice).
ALTER TABLE clinics ADD COLUMN waitlist_offer_lead_minutes integer NOT NULL DEFAULT 120
  CHECK (waitlist_offer_lead_minutes BETWEEN 0 AND 10080);

CREATE TABLE waitlist_offers (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  entry_id uuid NOT NULL REFERENCES waitlist_entries(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  appointment_type_id uuid NOT NULL REFERENCES appointment_types(id),
  -- The offered visit, and the end of its buffer (the time the hold keeps free).
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  buffer_end_at timestamptz NOT NULL,
  -- The freed time the offer came from: when it is declined or runs out, the next patient is
  -- offered (a part of) the same time.
  freed_start_at timestamptz NOT NULL,
  freed_end_at timestamptz NOT NULL,
  hold_until timestamptz NOT NULL,
  -- offered: open, the time is held. accepted: the patient took it (appointment_id). declined:
  -- "no thanks". expired: the hold ran out. released: the front desk gave the time back (or the
  -- entry was removed). taken: the patient was booked another way meanwhile.
  status text NOT NULL DEFAULT 'offered'
    CHECK (status IN ('offered', 'accepted', 'declined', 'expired', 'released', 'taken')),
  appointment_id uuid REFERENCES appointments(id),
  message_id uuid REFERENCES messages(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolved_by uuid REFERENCES users(id),
  CHECK (end_at > start_at AND buffer_end_at >= end_at),
  CHECK ((status = 'accepted') = (appointment_id IS NOT NULL))
);
-- One open offer per waiting entry.
CREATE UNIQUE INDEX waitlist_offers_one_open_per_entry ON waitlist_offers (entry_id) WHERE status = 'offered';
-- Held time of a provider (bookings check it) and what the sweep finds due.
CREATE INDEX waitlist_offers_open_idx ON waitlist_offers (provider_id, start_at) WHERE status = 'offered';
CREATE INDEX waitlist_offers_hold_idx ON waitlist_offers (hold_until) WHERE status = 'offered';
CREATE INDEX waitlist_offers_entry_idx ON waitlist_offers (entry_id, created_at);
