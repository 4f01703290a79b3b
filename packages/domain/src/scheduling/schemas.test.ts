import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fieldErrorsFromZod } from '../validation';
import {
  overlappingBlocks,
  zAppointmentCreate,
  zAppointmentTypeCreate,
  zCancelBody,
  zExtraHoursCreate,
  zRescheduleBody,
  zSlotsQuery,
  zTimeOffCreate,
  zWorkingHoursPut,
} from './schemas';

const ID = '0196f8a2-6c1e-7d3a-9b2f-3c4d5e6f7a8b';
const ID2 = '0196f8a2-6c1e-7d3a-9b2f-3c4d5e6f7a8c';

function errors(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldErrorsFromZod(result.error);
}

describe('zWorkingHoursPut', () => {
  const hours = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({ locationId: ID, blocks, ...extra });

  it('accepts blocks with a break, touching blocks, and until midnight', () => {
    const parsed = zWorkingHoursPut.parse(
      hours([
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 1, start: '13:00', end: '17:00' },
        { weekday: 2, start: '08:00', end: '12:00' },
        { weekday: 2, start: '12:00', end: '13:00' },
        { weekday: 7, start: '18:00', end: '24:00' },
      ]),
    );
    expect(parsed.blocks).toHaveLength(5);
    expect(zWorkingHoursPut.parse(hours([], { validFrom: '2026-01-01', validTo: null })).validTo).toBeNull();
  });

  it('asks for HH:MM times', () => {
    for (const time of ['8:00', '08:0', '24:00', '12:60', '0800', '']) {
      expect(errors(zWorkingHoursPut, hours([{ weekday: 1, start: time, end: '23:00' }]))).toContainEqual({
        path: 'blocks.0.start',
        message: 'Enter a time as HH:MM, e.g. 08:00.',
      });
    }
    expect(errors(zWorkingHoursPut, hours([{ weekday: 1, start: '08:00', end: '24:01' }]))[0].path).toBe(
      'blocks.0.end',
    );
  });

  it('asks for the end after the start', () => {
    for (const end of ['08:00', '07:59']) {
      expect(errors(zWorkingHoursPut, hours([{ weekday: 3, start: '08:00', end }]))).toEqual([
        { path: 'blocks.0.end', message: 'The end time must be after the start time.' },
      ]);
    }
  });

  it('refuses overlapping blocks of one weekday, not of different weekdays', () => {
    const result = errors(
      zWorkingHoursPut,
      hours([
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 2, start: '11:00', end: '14:00' },
        { weekday: 1, start: '11:30', end: '13:00' },
      ]),
    );
    expect(result).toEqual([{ path: 'blocks.2.start', message: 'This block overlaps another block on the same day.' }]);
    // A block inside a long one overlaps it too, even after a short block in between.
    expect(
      overlappingBlocks([
        { weekday: 1, start: '08:00', end: '17:00' },
        { weekday: 1, start: '09:00', end: '10:00' },
        { weekday: 1, start: '12:00', end: '13:00' },
      ]),
    ).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it('asks for a weekday from 1 to 7, a location id and an ordered date range', () => {
    expect(errors(zWorkingHoursPut, hours([{ weekday: 0, start: '08:00', end: '12:00' }]))).toEqual([
      { path: 'blocks.0.weekday', message: 'Choose a weekday from 1 (Monday) to 7 (Sunday).' },
    ]);
    expect(errors(zWorkingHoursPut, { locationId: 'x', blocks: [] })[0]).toEqual({
      path: 'locationId',
      message: 'This is not a valid id.',
    });
    expect(errors(zWorkingHoursPut, hours([], { validFrom: '2026-02-01', validTo: '2026-01-31' }))).toEqual([
      { path: 'validTo', message: 'The end date must be on or after the start date.' },
    ]);
  });
});

describe('zTimeOffCreate', () => {
  it('accepts instants with an offset and an optional reason', () => {
    const parsed = zTimeOffCreate.parse({ start: '2026-03-09T13:00:00-04:00', end: '2026-03-09T17:00:00-04:00' });
    expect(parsed.reason).toBe('');
  });

  it('asks for the end after the start, and for offsets', () => {
    expect(
      errors(zTimeOffCreate, { start: '2026-03-09T13:00:00Z', end: '2026-03-09T09:00:00-04:00', reason: 'x' }),
    ).toEqual([{ path: 'end', message: 'The end must be after the start.' }]);
    expect(errors(zTimeOffCreate, { start: '2026-03-09T13:00:00', end: '2026-03-09T17:00:00Z' })).toEqual([
      { path: 'start', message: 'Enter a date and time with its offset, e.g. 2026-03-09T08:00:00-05:00.' },
    ]);
    expect(
      errors(zTimeOffCreate, { start: '2026-03-09T13:00:00Z', end: '2026-03-09T17:00:00Z', reason: 'x'.repeat(201) }),
    ).toEqual([{ path: 'reason', message: 'Use at most 200 characters.' }]);
  });
});

describe('zAppointmentTypeCreate', () => {
  it('fills in color, buffer, room type and reminders (on)', () => {
    expect(zAppointmentTypeCreate.parse({ name: 'Cleaning', durationMinutes: 30, providerIds: [ID] })).toEqual({
      name: 'Cleaning',
      durationMinutes: 30,
      color: '#228be6',
      providerIds: [ID],
      bufferAfterMinutes: 0,
      roomType: null,
      reminders: true,
    });
  });

  it('asks for whole minutes in range', () => {
    for (const durationMinutes of [4, 481, 30.5]) {
      expect(errors(zAppointmentTypeCreate, { name: 'X', durationMinutes, providerIds: [] })).toEqual([
        { path: 'durationMinutes', message: 'Enter a whole number of minutes from 5 to 480.' },
      ]);
    }
    expect(
      errors(zAppointmentTypeCreate, {
        name: 'X',
        durationMinutes: 30,
        providerIds: ['nope'],
        bufferAfterMinutes: 121,
        color: 'red',
      }),
    ).toEqual([
      { path: 'color', message: 'Use a color like #228be6.' },
      { path: 'providerIds.0', message: 'This is not a valid id.' },
      { path: 'bufferAfterMinutes', message: 'Enter a whole number of minutes from 0 to 120.' },
    ]);
  });
});

describe('zAppointmentCreate', () => {
  const booking = { patientId: ID, providerId: ID2, appointmentTypeId: ID, start: '2026-03-09T08:00:00-04:00' };

  it('accepts a booking with defaults', () => {
    expect(zAppointmentCreate.parse(booking)).toEqual({ ...booking, notes: null, allowPatientOverlap: false });
    expect(zAppointmentCreate.parse({ ...booking, override: { reason: 'Emergency' }, roomId: null }).override).toEqual({
      reason: 'Emergency',
    });
  });

  it('asks for an override reason of 3 characters and notes of at most 2000', () => {
    expect(errors(zAppointmentCreate, { ...booking, override: { reason: ' ok ' } })).toEqual([
      { path: 'override.reason', message: 'Give a reason of at least 3 characters for booking outside working hours.' },
    ]);
    expect(errors(zAppointmentCreate, { ...booking, notes: 'x'.repeat(2001) })).toEqual([
      { path: 'notes', message: 'Use at most 2000 characters.' },
    ]);
  });
});

describe('zSlotsQuery', () => {
  const query = { appointmentTypeId: ID, from: '2026-03-01T00:00:00-05:00', to: '2026-03-31T00:00:00-04:00' };

  it('accepts a month with optional filters', () => {
    expect(zSlotsQuery.parse({ ...query, providerId: ID2 })).toEqual({ ...query, providerId: ID2 });
  });

  it('asks for to after from', () => {
    expect(errors(zSlotsQuery, { ...query, to: query.from })).toEqual([
      { path: 'to', message: 'The end must be after the start.' },
    ]);
  });

  it('limits the range to 62 days', () => {
    expect(errors(zSlotsQuery, { ...query, to: '2026-05-02T00:00:00-05:00' })).toEqual([]); // exactly 62 days
    expect(errors(zSlotsQuery, { ...query, to: '2026-05-02T00:00:01-05:00' })).toEqual([
      { path: 'to', message: 'Choose a range of at most 62 days.' },
    ]);
  });

  it('reports a bad instant once, on its field', () => {
    expect(errors(zSlotsQuery, { ...query, from: 'tomorrow' })).toEqual([
      { path: 'from', message: 'Enter a date and time with its offset, e.g. 2026-03-09T08:00:00-05:00.' },
    ]);
  });
});

describe('zRescheduleBody and zCancelBody', () => {
  it('validate their fields', () => {
    expect(zRescheduleBody.parse({ start: '2026-03-09T12:00:00Z' })).toEqual({ start: '2026-03-09T12:00:00Z' });
    expect(errors(zRescheduleBody, { start: '2026-03-09T12:00:00Z', providerId: 'x' })[0].path).toBe('providerId');
    const moved = { start: '2026-03-09T12:00:00Z', allowPatientOverlap: true, override: { reason: ' Late shift ' } };
    expect(zRescheduleBody.parse(moved)).toEqual({ ...moved, override: { reason: 'Late shift' } });
    expect(errors(zRescheduleBody, { ...moved, override: { reason: 'x' } })).toEqual([
      { path: 'override.reason', message: 'Give a reason of at least 3 characters for booking outside working hours.' },
    ]);
    expect(errors(zRescheduleBody, { ...moved, allowPatientOverlap: 'yes' })[0].path).toBe('allowPatientOverlap');
    expect(zCancelBody.parse({ reason: ' Patient ill ' })).toEqual({ reason: 'Patient ill' });
    expect(errors(zCancelBody, { reason: '  ' })).toEqual([{ path: 'reason', message: 'This field is required.' }]);
    expect(errors(zCancelBody, { reason: 'x'.repeat(201) })).toEqual([
      { path: 'reason', message: 'Use at most 200 characters.' },
    ]);
  });
});

describe('zExtraHoursCreate', () => {
  const body = { locationId: ID, start: '2026-03-14T09:00:00-05:00', end: '2026-03-14T12:00:00-05:00' };

  it('accepts up to 24 hours at a location', () => {
    expect(zExtraHoursCreate.parse(body)).toEqual(body);
    expect(errors(zExtraHoursCreate, { ...body, end: '2026-03-15T09:00:00-05:00' })).toEqual([]);
  });

  it('refuses an end not after the start, more than 24 hours, or a bad instant', () => {
    expect(errors(zExtraHoursCreate, { ...body, end: body.start })).toEqual([
      { path: 'end', message: 'The end must be after the start.' },
    ]);
    expect(errors(zExtraHoursCreate, { ...body, end: '2026-03-15T09:00:01-05:00' })).toEqual([
      { path: 'end', message: 'Extra hours can last at most 24 hours.' },
    ]);
    expect(errors(zExtraHoursCreate, { ...body, start: 'Saturday' }).map((e) => e.path)).toEqual(['start']);
    expect(errors(zExtraHoursCreate, { ...body, locationId: 'x' }).map((e) => e.path)).toEqual(['locationId']);
  });
});
