-- A report's per-day rollups (0021) merged per calendar month (apps/server/src/reports/rollups.ts,
-- docs/performance.md): a year grouped by provider merged 365 days of ≈250 provider rows each —
-- ≈1.4 million histogram buckets on a clinic network, 0.8 s — where 12 months of the same rows
-- merged over the month are ≈6 times fewer. A month's row is the month's day rows with the same
-- fields but their numbers and histograms (provider, location, key, payer…) summed into one.
--
-- `version` is the sum of the month's day versions (report_day_versions) when it was merged, from
-- day rollups each stored at its day's current version. A day's version only ever grows, so the
-- stored month is current exactly while that sum is unchanged: a change to any of its days makes
-- it a different sum, and the sum reads that month's days instead until the month is merged again.
CREATE TABLE report_month_rollups (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  report text NOT NULL,
  -- The month's first day.
  month date NOT NULL,
  version bigint NOT NULL,
  fingerprint text NOT NULL,
  sums jsonb NOT NULL,
  PRIMARY KEY (clinic_id, report, month)
);
