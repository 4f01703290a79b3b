import { z } from 'zod';
import { APPOINTMENT_STATUSES } from './appointments';

/**
 * What the server tells every open screen of a clinic when its schedule changes (server-sent
 * events). Events name records, never patients: a screen that cares fetches what it may see.
 */

/** A provider's time that became free (a cancellation, a no-show, a move): waitlist patients may want it. */
export const zFreedTime = z.object({
  providerId: z.string(),
  start: z.string(),
  end: z.string(),
});
export type FreedTime = z.infer<typeof zFreedTime>;

export const zScheduleEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('appointment'),
    action: z.enum(['book', 'reschedule', 'confirm', 'check-in', 'start', 'complete', 'cancel', 'no-show']),
    appointmentId: z.string(),
    providerId: z.string(),
    start: z.string(),
    end: z.string(),
    status: z.enum(APPOINTMENT_STATUSES),
    /** Set when the change left time free that an active appointment held before. */
    freed: zFreedTime.optional(),
  }),
  /** Working hours, extra hours or time off changed (null: clinic-wide). */
  z.object({ kind: z.literal('availability'), providerId: z.string().nullable() }),
  z.object({ kind: z.literal('waitlist'), entryId: z.string() }),
  /** Events may have been missed (the server lost its database connection): reload everything. */
  z.object({ kind: z.literal('resync') }),
]);
export type ScheduleEvent = z.infer<typeof zScheduleEvent>;
