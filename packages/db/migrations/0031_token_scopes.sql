-- API tokens get scopes and a required expiry (issue 8).
-- scopes: the permissions (packages/domain/src/permissions.ts) a token may use, a non-empty subset
-- of its owner's role's; checked on every request together with the owner's current role.
-- Tokens made before scopes existed get the permissions their owner's role had when this ran (a
-- snapshot of the matrix of the time, so nothing a script did stops working at the upgrade), and
-- a token that never expired now expires 90 days after the upgrade: the owner makes a scoped one
-- in the meantime. Revoked tokens keep their revocation time as expiry.
ALTER TABLE api_tokens ADD COLUMN scopes text[];

UPDATE api_tokens t SET scopes = CASE u.role
  WHEN 'admin' THEN ARRAY['patient.read', 'patient.write', 'coverage.read', 'coverage.write', 'payer.read', 'payer.manage', 'charge.read', 'payment.post', 'balance.read', 'billing.manage', 'service.read', 'service.manage', 'template.manage', 'recall.read', 'report.read', 'audit.read', 'user.read', 'user.manage', 'provider.read', 'provider.manage', 'location.read', 'location.manage', 'schedule.read', 'appointment.write', 'appointment.override', 'schedule.manage', 'clinic.manage', 'email.read', 'email.send', 'token.manage']
  WHEN 'manager' THEN ARRAY['patient.read', 'patient.write', 'coverage.read', 'coverage.write', 'payer.read', 'payer.manage', 'charge.read', 'payment.post', 'balance.read', 'billing.manage', 'service.read', 'service.manage', 'template.manage', 'recall.read', 'report.read', 'audit.read', 'user.read', 'provider.read', 'location.read', 'schedule.read', 'appointment.write', 'appointment.override', 'schedule.manage', 'email.read', 'email.send']
  WHEN 'receptionist' THEN ARRAY['patient.read', 'patient.write', 'coverage.read', 'coverage.write', 'payer.read', 'payment.post', 'balance.read', 'service.read', 'recall.read', 'provider.read', 'location.read', 'schedule.read', 'appointment.write', 'appointment.override']
  WHEN 'provider' THEN ARRAY['patient.read', 'patient.write', 'coverage.read', 'payer.read', 'clinical.read', 'clinical.write', 'note.write', 'encounter.sign', 'charge.read', 'service.read', 'template.manage', 'recall.read', 'provider.read', 'location.read', 'schedule.read', 'appointment.write']
  WHEN 'nurse' THEN ARRAY['patient.read', 'patient.write', 'coverage.read', 'payer.read', 'clinical.read', 'clinical.write', 'service.read', 'recall.read', 'provider.read', 'location.read', 'schedule.read', 'appointment.write']
  WHEN 'billing' THEN ARRAY['patient.read', 'coverage.read', 'coverage.write', 'payer.read', 'payer.manage', 'charge.read', 'payment.post', 'balance.read', 'billing.manage', 'service.read', 'service.manage', 'provider.read', 'location.read', 'schedule.read', 'email.read', 'email.send']
  ELSE ARRAY['patient.read'] END
FROM users u WHERE u.id = t.user_id;

UPDATE api_tokens SET expires_at = coalesce(revoked_at, now() + interval '90 days') WHERE expires_at IS NULL;

ALTER TABLE api_tokens
  ALTER COLUMN scopes SET NOT NULL,
  ALTER COLUMN expires_at SET NOT NULL,
  ADD CONSTRAINT api_tokens_scopes_not_empty CHECK (cardinality(scopes) > 0);
