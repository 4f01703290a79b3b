import { MAX_SLOT_RANGE_DAYS, zAppointmentTypeCreate, zColor, zId, zInstant, zRoomCreate } from '@tend/domain';
import { z } from 'zod';

export {
  type Appointment,
  type AppointmentType,
  type ExtraHours,
  type PlannedVisit,
  type Room,
  type RoomCreate,
  type ScheduleVersionOut,
  type Slot,
  type TimeOff,
  type WorkingTime,
  zAppointment,
  zAppointmentType,
  zExtraHours,
  zPlannedVisit,
  zRoom,
  zRoomCreate,
  zScheduleVersionOut,
  zSlot,
  zTimeOff,
  zWorkingTime,
} from '@tend/domain';

/**
 * The few request shapes of the scheduling API the shared contract does not define (room and type
 * changes, list queries); the response shapes live in @tend/domain (scheduling/responses.ts).
 */

const DAY_MS = 86_400_000;

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

// A room stays at its location (its appointments were booked there); name, type and state change.
export const zRoomPatch = z.object({
  name: zRoomCreate.shape.name.optional(),
  roomType: zRoomCreate.shape.roomType.optional(),
  active: z.boolean().optional(),
});
export type RoomPatch = z.output<typeof zRoomPatch>;

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
    locationId: zId.optional(),
  })
  .superRefine(rangeWithin(MAX_SLOT_RANGE_DAYS));
export type AppointmentsQuery = z.output<typeof zAppointmentsQuery>;

export const zWorkingTimeQuery = z
  .object({ from: zInstant, to: zInstant, locationId: zId.optional(), providerId: zId.optional() })
  .superRefine(rangeWithin(MAX_SLOT_RANGE_DAYS));
export type WorkingTimeQuery = z.output<typeof zWorkingTimeQuery>;

export const zTimeOffQuery = z.object({ from: zInstant.optional(), to: zInstant.optional() });

export const zNextSlotQuery = z.object({
  appointmentTypeId: zId,
  from: zInstant.optional(),
  locationId: zId.optional(),
});
