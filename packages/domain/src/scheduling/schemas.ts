import { z } from 'zod';
import { t } from '../i18n';
import { zColor, zDate, zId, zOptionalText, zRequiredText, zText } from '../validation';
import type { WorkingBlock } from './availability';

/** Request schemas of the scheduling API; the web forms use the same ones. */

const MINUTE = 60_000;
/** Longest range one open-slot search may cover. */
export const MAX_SLOT_RANGE_DAYS = 62;

/** Minutes after midnight of an `HH:MM` (or `24:00`) time. */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const zClockTime = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: () => t('validation.time') });
/** An end time may also be `24:00` (until midnight). */
const zClockEndTime = z
  .string()
  .trim()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: () => t('validation.time') });

/** An instant as ISO 8601 with seconds and an offset (`Z` or `-05:00`). */
export const zInstant = z.iso.datetime({ offset: true, error: () => t('validation.dateTime') });

export const zWorkingBlock = z
  .object({
    weekday: z.literal([1, 2, 3, 4, 5, 6, 7], { error: () => t('validation.weekday') }),
    start: zClockTime,
    end: zClockEndTime,
  })
  .superRefine((block, ctx) => {
    if (minutesOfDay(block.end) <= minutesOfDay(block.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: t('validation.timeOrder') });
    }
  });

/** Index pairs of blocks on the same weekday whose times overlap (touching is fine: 08–12 and 12–13). */
export function overlappingBlocks(blocks: readonly WorkingBlock[]): [number, number][] {
  const order = blocks
    .map((block, index) => ({
      index,
      weekday: block.weekday,
      start: minutesOfDay(block.start),
      end: minutesOfDay(block.end),
    }))
    .sort((a, b) => a.weekday - b.weekday || a.start - b.start);
  const pairs: [number, number][] = [];
  let latest: (typeof order)[number] | undefined;
  for (const block of order) {
    if (latest && latest.weekday === block.weekday && block.start < latest.end) pairs.push([latest.index, block.index]);
    if (!latest || latest.weekday !== block.weekday || block.end > latest.end) latest = block;
  }
  return pairs;
}

export const zWorkingHoursPut = z
  .object({
    locationId: zId,
    validFrom: zDate.optional(),
    validTo: zDate.nullish(),
    blocks: z.array(zWorkingBlock).max(100),
  })
  .superRefine((value, ctx) => {
    for (const [, later] of overlappingBlocks(value.blocks)) {
      ctx.addIssue({ code: 'custom', path: ['blocks', later, 'start'], message: t('validation.blocksOverlap') });
    }
    if (value.validFrom && value.validTo && value.validTo < value.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: t('validation.dateRange') });
    }
  });
export type WorkingHoursPut = z.output<typeof zWorkingHoursPut>;

/** Both ends parse (their own issues are reported by the fields) and the end is not after the start. */
function endNotAfterStart(start: string, end: string): boolean {
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  return !Number.isNaN(startMs) && !Number.isNaN(endMs) && endMs <= startMs;
}

export const zTimeOffCreate = z
  .object({
    start: zInstant,
    end: zInstant,
    reason: zText(200).default(''),
  })
  .superRefine((value, ctx) => {
    if (endNotAfterStart(value.start, value.end)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: t('validation.endAfterStart') });
    }
  });
export type TimeOffCreate = z.output<typeof zTimeOffCreate>;

/** Longest one-off block of extra hours. */
export const MAX_EXTRA_HOURS_MS = 24 * 60 * MINUTE;

/** One-off hours outside the weekly schedule (a Saturday clinic), at one of the clinic's locations. */
export const zExtraHoursCreate = z
  .object({
    locationId: zId,
    start: zInstant,
    end: zInstant,
  })
  .superRefine((value, ctx) => {
    if (endNotAfterStart(value.start, value.end)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: t('validation.endAfterStart') });
    } else if (Date.parse(value.end) - Date.parse(value.start) > MAX_EXTRA_HOURS_MS) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: t('validation.extraHoursTooLong') });
    }
  });
export type ExtraHoursCreate = z.output<typeof zExtraHoursCreate>;

const zMinutes = (min: number, max: number) =>
  z
    .number({ error: () => t('validation.minutes', { min, max }) })
    .int({ error: () => t('validation.minutes', { min, max }) })
    .min(min, { error: () => t('validation.minutes', { min, max }) })
    .max(max, { error: () => t('validation.minutes', { min, max }) });

export const zAppointmentTypeCreate = z.object({
  name: zRequiredText(100),
  durationMinutes: zMinutes(5, 480),
  color: zColor.default('#228be6'),
  providerIds: z.array(zId).max(500),
  bufferAfterMinutes: zMinutes(0, 120).default(0),
  roomType: zOptionalText(60),
  /** The clinic's reminder rules apply to this type (off e.g. for phone consultations). */
  reminders: z.boolean().default(true),
});
export type AppointmentTypeCreate = z.output<typeof zAppointmentTypeCreate>;

/** A room of a kind (exam, x-ray…) at a location; a type that needs that kind takes a free one. */
export const zRoomCreate = z.object({
  locationId: zId,
  name: zRequiredText(100),
  roomType: zRequiredText(60),
});
export type RoomCreate = z.output<typeof zRoomCreate>;

/** Book (or move) outside working hours anyway (managers and receptionists); the reason is audited. */
export const zOverride = z.object({ reason: zText(200).min(3, { error: () => t('validation.overrideReason') }) });

export const zAppointmentCreate = z.object({
  patientId: zId,
  providerId: zId,
  appointmentTypeId: zId,
  start: zInstant,
  roomId: zId.nullish(),
  notes: zOptionalText(2000),
  /** Book outside working hours anyway (managers and receptionists); the reason is audited. */
  override: zOverride.nullish(),
  /** Set after staff confirmed the patient may be booked twice at overlapping times. */
  allowPatientOverlap: z.boolean().default(false),
  /** Booked for this waitlist entry (the patient's): the entry is marked booked with it. */
  waitlistEntryId: zId.nullish(),
  /** Booked for this follow-up request (the patient's): it leaves the to-book list. */
  followUpId: zId.nullish(),
});
export type AppointmentCreate = z.output<typeof zAppointmentCreate>;

export const zSlotsQuery = z
  .object({
    appointmentTypeId: zId,
    from: zInstant,
    to: zInstant,
    providerId: zId.optional(),
    locationId: zId.optional(),
  })
  .superRefine((value, ctx) => {
    if (endNotAfterStart(value.from, value.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: t('validation.endAfterStart') });
    } else if (Date.parse(value.to) - Date.parse(value.from) > MAX_SLOT_RANGE_DAYS * 24 * 60 * MINUTE) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: t('validation.rangeTooLong', { days: MAX_SLOT_RANGE_DAYS }),
      });
    }
  });
export type SlotsQuery = z.output<typeof zSlotsQuery>;

export const zRescheduleBody = z.object({
  start: zInstant,
  providerId: zId.optional(),
  /** Move outside working hours anyway, with the same rules and audit as booking. */
  override: zOverride.nullish(),
  /** Set after staff confirmed the patient may be booked twice at overlapping times. */
  allowPatientOverlap: z.boolean().optional(),
});
export type RescheduleBody = z.output<typeof zRescheduleBody>;

export const zCancelBody = z.object({
  reason: zRequiredText(200),
});
export type CancelBody = z.output<typeof zCancelBody>;
