import { describe, expect, it } from 'vitest';
import {
  ACTIVE_STATUSES,
  APPOINTMENT_ACTIONS,
  APPOINTMENT_STATUSES,
  type AppointmentAction,
  type AppointmentStatus,
  nextStatus,
  offeredBy,
} from './appointments';

/** The whole table, written out: every status × every action. */
const EXPECTED: Record<AppointmentStatus, Record<AppointmentAction, AppointmentStatus | null>> = {
  booked: {
    confirm: 'confirmed',
    'check-in': 'checked_in',
    start: null,
    complete: null,
    cancel: 'cancelled',
    'no-show': 'no_show',
  },
  confirmed: {
    confirm: null,
    'check-in': 'checked_in',
    start: null,
    complete: null,
    cancel: 'cancelled',
    'no-show': 'no_show',
  },
  checked_in: {
    confirm: null,
    'check-in': null,
    start: 'in_progress',
    complete: 'completed',
    cancel: 'cancelled',
    'no-show': null,
  },
  in_progress: { confirm: null, 'check-in': null, start: null, complete: 'completed', cancel: null, 'no-show': null },
  completed: { confirm: null, 'check-in': null, start: null, complete: null, cancel: null, 'no-show': null },
  cancelled: { confirm: null, 'check-in': null, start: null, complete: null, cancel: null, 'no-show': null },
  no_show: { confirm: null, 'check-in': null, start: null, complete: null, cancel: null, 'no-show': null },
};

describe('nextStatus', () => {
  for (const status of APPOINTMENT_STATUSES) {
    for (const action of APPOINTMENT_ACTIONS) {
      it(`${status} + ${action} → ${EXPECTED[status][action] ?? 'not allowed'}`, () => {
        expect(nextStatus(status, action)).toBe(EXPECTED[status][action]);
      });
    }
  }

  it('never leaves a final status', () => {
    for (const status of ['completed', 'cancelled', 'no_show'] as const) {
      expect(APPOINTMENT_ACTIONS.map((action) => nextStatus(status, action))).toEqual(
        APPOINTMENT_ACTIONS.map(() => null),
      );
    }
  });
});

describe('ACTIVE_STATUSES', () => {
  it('holds the time for every status except cancelled and no-show', () => {
    expect([...ACTIVE_STATUSES].sort()).toEqual(
      APPOINTMENT_STATUSES.filter((s) => s !== 'cancelled' && s !== 'no_show').sort(),
    );
  });
});

describe('offeredBy', () => {
  it('is true for every provider when the type names none, else only for those it names', () => {
    expect(offeredBy({ providerIds: [] }, 'anyone')).toBe(true);
    expect(offeredBy({ providerIds: ['a', 'b'] }, 'b')).toBe(true);
    expect(offeredBy({ providerIds: ['a', 'b'] }, 'c')).toBe(false);
  });
});
