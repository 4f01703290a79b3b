import {
  APPOINTMENT_STATUSES,
  MAX_SLOT_RANGE_DAYS,
  zAppointmentTypeCreate,
  zColor,
  zId,
  zInstant,
  zRequiredText,
} from '@tend/domain';
import { z } from 'zod';

/**
 * Response shapes of the scheduling API, and the few request shapes the shared contract does not
 * define (rooms, type changes, list queries). Instants are ISO 8601 in UTC.
 */

const DAY_MS = 86_400_000;

export const zAppointmentType = z.object({
  id: z.string(),
  name: z.string(),
  durationMinutes: z.number().int(),
  color: z.string(),
  bufferAfterMinutes: z.number().int(),
  roomType: z.string().nullable(),
  providerIds: z.array(z.string()),
  active: z.boolean(),
});
export type AppointmentType = z.infer<typeof zAppointmentType>;

// No defaults in a patch: a change that does not mention the colour or buffer must not reset it.
export const zAppointmentTypePatch = z.object({
  name: zAppointmentTypeCreate.shape.name.optional(),
  durationMinutes: zAppointmentTypeCreate.shape.durationMinutes.optional(),
  color: zColor.optional(),
  providerIds: zAppointmentTypeCreate.shape.providerIds.optional(),
  bufferAfterMinutes: z.number().int().min(0).max(120).optional(),
  roomType: zAppointmentTypeCreate.shape.roomType.optional(),
  active: z.boolean().optional(),
});
export type AppointmentTypePatch = z.output<typeof zAppointmentTypePatch>;

export const zRoomCreate = z.object({
  locationId: zId,
  name: zRequiredText(100),
  roomType: zRequiredText(60),
});
export type RoomCreate = z.output<typeof zRoomCreate>;

export const zRoom = z.object({
  id: z.string(),
  locationId: z.string(),
  name: z.string(),
  roomType: z.string(),
  active: z.boolean(),
});
export type Room = z.infer<typeof zRoom>;

export const zWorkingBlockOut = z.object({
  weekday: z.number().int(),
  start: z.string(),
  end: z.string(),
});

export const zScheduleVersionOut = z.object({
  id: z.string(),
  locationId: z.string(),
  timezone: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  blocks: z.array(zWorkingBlockOut),
});
export type ScheduleVersionOut = z.infer<typeof zScheduleVersionOut>;

export const zTimeOff = z.object({
  id: z.string(),
  providerId: z.string().nullable(),
  start: z.string(),
  end: z.string(),
  reason: z.string(),
});
export type TimeOff = z.infer<typeof zTimeOff>;

export const zExtraHours = z.object({
  id: z.string(),
  providerId: z.string(),
  locationId: z.string(),
  start: z.string(),
  end: z.string(),
});
export type ExtraHours = z.infer<typeof zExtraHours>;

export const zAppointment = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  providerId: z.string(),
  locationId: z.string(),
  appointmentTypeId: z.string(),
  roomId: z.string().nullable(),
  start: z.string(),
  end: z.string(),
  bufferEnd: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  notes: z.string().nullable(),
  overrideReason: z.string().nullable(),
  bookedAt: z.string(),
  confirmedAt: z.string().nullable(),
  checkedInAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  noShowAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  seriesId: z.string().nullable(),
});
export type Appointment = z.infer<typeof zAppointment>;

function rangeWithin(days: number) {
  return (value: { from: string; to: string }, ctx: z.RefinementCtx) => {
    const from = Date.parse(value.from);
    const to = Date.parse(value.to);
    if (Number.isNaN(from) || Number.isNaN(to)) return;
    if (to <= from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end must be after the start.' });
    else if (to - from > days * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `Choose a range of at most ${days} days.` });
    }
  };
}

export const zAppointmentsQuery = z
  .object({
    from: zInstant,
    to: zInstant,
    providerId: zId.optional(),
    patientId: zId.optional(),
  })
  .superRefine(rangeWithin(MAX_SLOT_RANGE_DAYS));
export type AppointmentsQuery = z.output<typeof zAppointmentsQuery>;

export const zTimeOffQuery = z.object({ from: zInstant.optional(), to: zInstant.optional() });

export const zNextSlotQuery = z.object({
  appointmentTypeId: zId,
  from: zInstant.optional(),
  locationId: zId.optional(),
});

export const zSlot = z.object({
  providerId: z.string(),
  locationId: z.string(),
  start: z.string(),
  end: z.string(),
});
export type Slot = z.infer<typeof zSlot>;

export const zPlannedVisit = z.object({
  start: z.string(),
  end: z.string(),
  providerId: z.string(),
  /** free: bookable as planned; the others need a choice (an alternative, an override, or leaving it out). */
  status: z.enum(['free', 'slot_taken', 'outside_availability', 'patient_overlap', 'past']),
  message: z.string().nullable(),
  alternatives: z.array(zSlot),
});
export type PlannedVisit = z.infer<typeof zPlannedVisit>;
