-- Balance reminders: a clinic's choice to email patients a friendly reminder, with the invoice
-- attached, while an invoice stays unpaid. Off until a manager or billing turns it on. The days
-- count from the invoice date (invoices are due 30 days after it): the first reminder goes when the
-- invoice is more than after_days old, then every repeat_days (0: once), at most max_reminders.
-- The reminders themselves are messages (kind 'balance', related to the invoice).

CREATE TABLE balance_reminder_settings (
  clinic_id uuid PRIMARY KEY REFERENCES clinics(id),
  enabled boolean NOT NULL DEFAULT false,
  after_days integer NOT NULL DEFAULT 30 CHECK (after_days BETWEEN 0 AND 365),
  repeat_days integer NOT NULL DEFAULT 30 CHECK (repeat_days BETWEEN 0 AND 365),
  max_reminders integer NOT NULL DEFAULT 3 CHECK (max_reminders BETWEEN 1 AND 12),
  -- The clinic day whose invoices were last looked through: the worker's sweep claims a day by
  -- setting it (one server process does, the others find it set), so it looks once a day.
  swept_on date,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id)
);
