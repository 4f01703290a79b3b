import { z } from 'zod';
import { t } from '../i18n';
import { zId, zOptionalText } from '../validation';
import { zInstant, zOverride } from './schemas';
import { DAY_MS, instantToZoned, wallClockMs, wallDate, zonedTimeToInstant } from './zoned-time';

/** Recurring appointments (weekly physiotherapy × 8): the dates, and the API's request shapes. */

export const MAX_SERIES_COUNT = 52;
export const MAX_SERIES_EVERY_WEEKS = 4;

/**
 * The starts of `count` visits every `everyWeeks` weeks from `start`, at the same wall-clock time
 * in `timezone` (a 09:00 visit stays at 09:00 across a daylight-saving change).
 */
export function weeklyOccurrences(start: number, timezone: string, everyWeeks: number, count: number): number[] {
  const local = instantToZoned(start, timezone);
  const firstDay = wallClockMs(local.date, '00:00');
  return Array.from({ length: count }, (_, index) =>
    zonedTimeToInstant(wallDate(firstDay + index * everyWeeks * 7 * DAY_MS), local.time, timezone),
  );
}

const zEveryWeeks = z
  .number({ error: () => t('validation.seriesEvery', { max: MAX_SERIES_EVERY_WEEKS }) })
  .int({ error: () => t('validation.seriesEvery', { max: MAX_SERIES_EVERY_WEEKS }) })
  .min(1, { error: () => t('validation.seriesEvery', { max: MAX_SERIES_EVERY_WEEKS }) })
  .max(MAX_SERIES_EVERY_WEEKS, { error: () => t('validation.seriesEvery', { max: MAX_SERIES_EVERY_WEEKS }) });

const zCount = z
  .number({ error: () => t('validation.seriesCount', { max: MAX_SERIES_COUNT }) })
  .int({ error: () => t('validation.seriesCount', { max: MAX_SERIES_COUNT }) })
  .min(2, { error: () => t('validation.seriesCount', { max: MAX_SERIES_COUNT }) })
  .max(MAX_SERIES_COUNT, { error: () => t('validation.seriesCount', { max: MAX_SERIES_COUNT }) });

/** Which of a planned series' visits are free, and alternatives for those that are not. */
export const zSeriesPlanBody = z.object({
  patientId: zId,
  providerId: zId,
  appointmentTypeId: zId,
  start: zInstant,
  everyWeeks: zEveryWeeks.default(1),
  count: zCount,
});
export type SeriesPlanBody = z.output<typeof zSeriesPlanBody>;

/** Book every visit of a series at once (each at its own time and provider), or none. */
export const zSeriesBookBody = z
  .object({
    patientId: zId,
    appointmentTypeId: zId,
    occurrences: z
      .array(z.object({ start: zInstant, providerId: zId }))
      .min(1, { error: () => t('validation.seriesCount', { max: MAX_SERIES_COUNT }) })
      .max(MAX_SERIES_COUNT, { error: () => t('validation.seriesCount', { max: MAX_SERIES_COUNT }) }),
    notes: zOptionalText(2000),
    override: zOverride.nullish(),
    allowPatientOverlap: z.boolean().default(false),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<number>();
    value.occurrences.forEach((occurrence, index) => {
      const at = Date.parse(occurrence.start);
      if (seen.has(at)) {
        ctx.addIssue({ code: 'custom', path: ['occurrences', index, 'start'], message: t('validation.seriesRepeat') });
      }
      seen.add(at);
    });
  });
export type SeriesBookBody = z.output<typeof zSeriesBookBody>;
