import { describe, expect, it } from 'vitest';
import { weeklyOccurrences, zSeriesBookBody, zSeriesPlanBody } from './recurrence';

const iso = (instants: number[]) => instants.map((ms) => new Date(ms).toISOString());

describe('weeklyOccurrences', () => {
  it('keeps the wall-clock time across the spring-forward change (New York, 8 Mar 2026)', () => {
    // Monday 2 March 2026, 09:00 EST (UTC−5); from 8 March it is EDT (UTC−4).
    const start = Date.parse('2026-03-02T09:00:00-05:00');
    expect(iso(weeklyOccurrences(start, 'America/New_York', 1, 3))).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-16T13:00:00.000Z',
    ]);
  });

  it('keeps it across fall-back too, every two weeks (Berlin, 25 Oct 2026)', () => {
    const start = Date.parse('2026-10-20T16:30:00+02:00');
    expect(iso(weeklyOccurrences(start, 'Europe/Berlin', 2, 2))).toEqual([
      '2026-10-20T14:30:00.000Z',
      '2026-11-03T15:30:00.000Z',
    ]);
  });

  it('uses the local date, not the UTC one, for a late-evening visit west of UTC', () => {
    // 20:00 in Los Angeles on a Tuesday is already Wednesday in UTC.
    const start = Date.parse('2026-01-06T20:00:00-08:00');
    const [, second] = weeklyOccurrences(start, 'America/Los_Angeles', 1, 2);
    expect(new Date(second).toISOString()).toBe('2026-01-14T04:00:00.000Z');
  });
});

describe('series request shapes', () => {
  const ids = {
    patientId: '0190a0a0-0000-7000-8000-000000000001',
    providerId: '0190a0a0-0000-7000-8000-000000000002',
    appointmentTypeId: '0190a0a0-0000-7000-8000-000000000003',
  };

  it('plans 2 to 52 visits every 1 to 4 weeks, weekly by default', () => {
    const plan = zSeriesPlanBody.parse({ ...ids, start: '2030-01-07T09:00:00-05:00', count: 8 });
    expect(plan.everyWeeks).toBe(1);
    const tooMany = zSeriesPlanBody.safeParse({ ...ids, start: '2030-01-07T09:00:00-05:00', count: 53 });
    expect(tooMany.error?.issues[0]).toMatchObject({ path: ['count'], message: 'Choose between 2 and 52 visits.' });
    const every = zSeriesPlanBody.safeParse({ ...ids, start: '2030-01-07T09:00:00-05:00', count: 4, everyWeeks: 5 });
    expect(every.error?.issues[0].message).toBe('Choose how often: every 1 to 4 weeks.');
  });

  it('refuses a booking with two visits at the same instant', () => {
    const result = zSeriesBookBody.safeParse({
      patientId: ids.patientId,
      appointmentTypeId: ids.appointmentTypeId,
      occurrences: [
        { start: '2030-01-07T09:00:00-05:00', providerId: ids.providerId },
        { start: '2030-01-07T14:00:00Z', providerId: ids.providerId },
      ],
    });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['occurrences', 1, 'start'],
      message: 'Two visits of the series are at the same time.',
    });
  });
});
