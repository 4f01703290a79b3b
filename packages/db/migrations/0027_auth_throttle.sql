-- Failed sign-ins per client address, shared by every server process on the database: after too
-- many failures in the window, sign-ins from that address are refused (429) before any password
-- hashing. One row per address (`key` = 'ip:<address>'), a fixed window started by the first
-- failure; rows whose window ended are deleted when a failure is recorded.
CREATE TABLE auth_throttle (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL
);
