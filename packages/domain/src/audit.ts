import { z } from 'zod';
import { zText } from './validation';

/** Audit events: who did what to which record, from where. Append-only. */

export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.sign_out_everywhere',
  'auth.session_expired',
  'clinic.setup',
  'clinic.update',
  'user.create',
  'user.update',
  'user.role_change',
  'user.deactivate',
  'token.create',
  'token.revoke',
  'provider.create',
  'provider.update',
  'location.create',
  'location.update',
  'payer.create',
  'payer.update',
  'patient.create',
  'patient.read',
  'patient.search',
  'patient.update',
  'patient.duplicate_warning',
  'coverage.create',
  'coverage.update',
  'coverage.read',
  'audit.read',
  'appointment_type.create',
  'appointment_type.update',
  'room.create',
  'schedule.update',
  'time_off.create',
  'appointment.book',
  'appointment.override',
  'appointment.reschedule',
  'appointment.cancel',
  'appointment.confirm',
  'appointment.check_in',
  'appointment.start',
  'appointment.complete',
  'appointment.no_show',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const zAuditEvent = z.object({
  id: z.string(),
  occurredAt: z.string(),
  actorUserId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorEmail: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['success', 'failure']),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEvent = z.infer<typeof zAuditEvent>;

export const zAuditQuery = z.object({
  patientId: z.uuid().optional(),
  userId: z.uuid().optional(),
  action: zText(60).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
