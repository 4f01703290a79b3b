-- Issue 9, health: the admin health screen counts the messages that failed in the last 24 hours.
-- Failed rows are few; this partial index keeps that count cheap however large `messages` grows.
CREATE INDEX messages_failed_idx ON messages (last_attempt_at) WHERE status = 'failed';
