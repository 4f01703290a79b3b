import { describe, expect, it } from 'vitest';
import { balanceReminderDue, DEFAULT_BALANCE_REMINDER_SETTINGS, zBalanceReminderSettings } from './balance-reminders';

const settings = { afterDays: 30, repeatDays: 30, maxReminders: 3 };
const issued = '2026-01-10';

describe('when a balance reminder is due', () => {
  it('first when the invoice is more than 30 days old (the day after it was due)', () => {
    const first = { issuedOn: issued, reminders: 0, lastOn: null };
    expect(balanceReminderDue(settings, first, '2026-02-08')).toBe(false); // 29 days
    expect(balanceReminderDue(settings, first, '2026-02-09')).toBe(false); // 30 days: the due date
    expect(balanceReminderDue(settings, first, '2026-02-10')).toBe(true); // 31 days
    expect(balanceReminderDue({ ...settings, afterDays: 0 }, first, issued)).toBe(false);
    expect(balanceReminderDue({ ...settings, afterDays: 0 }, first, '2026-01-11')).toBe(true);
  });

  it('then every 30 days after the last one, at most 3 times; 0 days means once', () => {
    const second = { issuedOn: issued, reminders: 1, lastOn: '2026-02-10' };
    expect(balanceReminderDue(settings, second, '2026-03-11')).toBe(false);
    expect(balanceReminderDue(settings, second, '2026-03-12')).toBe(true);
    expect(balanceReminderDue({ ...settings, repeatDays: 0 }, second, '2027-01-01')).toBe(false);
    expect(balanceReminderDue(settings, { ...second, reminders: 3 }, '2027-01-01')).toBe(false);
    expect(balanceReminderDue({ ...settings, maxReminders: 4 }, { ...second, reminders: 3 }, '2027-01-01')).toBe(true);
  });

  it('counts calendar days across a daylight-saving change', () => {
    const first = { issuedOn: '2026-02-28', reminders: 0, lastOn: null };
    expect(balanceReminderDue(settings, first, '2026-03-30')).toBe(false);
    expect(balanceReminderDue(settings, first, '2026-03-31')).toBe(true);
  });

  it('are off by default, and settings out of range say what to fix', () => {
    expect(DEFAULT_BALANCE_REMINDER_SETTINGS).toEqual({
      enabled: false,
      afterDays: 30,
      repeatDays: 30,
      maxReminders: 3,
    });
    const bad = zBalanceReminderSettings.safeParse({ enabled: true, afterDays: -1, repeatDays: 1.5, maxReminders: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['afterDays', 'Enter 0 days or more.'],
      ['repeatDays', 'Enter a whole number of days.'],
      ['maxReminders', 'Allow at least 1 reminder (or turn reminders off).'],
    ]);
  });
});
