import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';

const PAGES: Array<[string, string | RegExp]> = [
  // The home page: the dashboard (an administrator's shows the manager tiles; dashboard.spec.ts checks each role's).
  ['/', /^Good (morning|afternoon|evening), Alice Admin$/],
  ['/patients', 'Patients'],
  ['/patients/new', 'Register patient'],
  ['/admin/staff', 'Staff'],
  ['/admin/providers', 'Providers'],
  ['/admin/locations', 'Locations'],
  ['/admin/payers', 'Payers'],
  ['/admin/tokens', 'API tokens'],
  ['/admin/audit', 'Audit log'],
  ['/admin/emergency-access', 'Emergency access review'],
  ['/admin/clinic', 'Clinic settings'],
  ['/admin/health', 'System health'],
  ['/admin/text-messages', 'Text messages'],
  ['/admin/outbox', 'Outbox'],
  ['/billing/work-lists', 'Work lists'],
  ['/billing/invoices', 'Invoices'],
  ['/billing/payments/new', 'Post payment'],
  ['/billing/payments', 'Today’s postings'],
  ['/billing/statements', 'Statements'],
  ['/billing/aging', 'A/R aging'],
  ['/admin/reminders', 'Reminders'],
  ['/admin/message-templates', 'Message templates'],
  ['/recalls', 'Recalls'],
  ['/reports/appointments', 'Appointments report'],
  ['/reports/utilisation', 'Provider utilisation'],
  ['/reports/reminders', 'Reminder results'],
  ['/reports/patients', 'New and returning patients'],
  ['/reports/revenue', 'Revenue report'],
  ['/reports/reconciliation', 'Visits vs revenue'],
  ['/reports/day-sheet', 'Day sheet (daily close)'],
  ['/claims', 'Claims'],
  ['/claims?view=all', 'Claims'],
];

test('every page has no serious accessibility violation', async ({ page }) => {
  test.setTimeout(360_000); // twenty pages, each analysed by axe
  await page.goto('/');
  await expectAccessible(page, 'the sign-in page');
  await signIn(page, ADMIN);
  for (const [path, heading] of PAGES) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expectAccessible(page, path);
  }
});
