import { z } from 'zod';
import { APPOINTMENT_STATUSES } from './appointments';

/**
 * Response shapes of the scheduling API, shared by the server (which serialises with them and
 * documents them in OpenAPI) and the web app (which reads them). Instants are ISO 8601 in UTC.
 */

export const zAppointmentType = z.object({
  id: z.string(),
  name: z.string(),
  durationMinutes: z.number().int(),
  color: z.string(),
  bufferAfterMinutes: z.number().int(),
  roomType: z.string().nullable(),
  reminders: z.boolean(),
  providerIds: z.array(z.string()),
  active: z.boolean(),
});
export type AppointmentType = z.infer<typeof zAppointmentType>;

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

export const zSlot = z.object({
  providerId: z.string(),
  locationId: z.string(),
  start: z.string(),
  end: z.string(),
});
export type Slot = z.infer<typeof zSlot>;

/** A stretch of a provider's working time at a location, less time off (the schedule's open hours). */
export const zWorkingTime = z.object({
  providerId: z.string(),
  locationId: z.string(),
  start: z.string(),
  end: z.string(),
});
export type WorkingTime = z.infer<typeof zWorkingTime>;

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
