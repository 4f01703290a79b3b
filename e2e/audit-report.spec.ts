import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';
import { created } from './scheduling';

/**
 * A patient asks for a copy of their record: the administrator exports it as PDF from the chart,
 * sees it in the patient's Disclosures, then sorts the audit log by action, filters it to record
 * exports and downloads that as CSV.
 */
test('export a record, see it as a disclosure, sort, filter and download the audit log', async ({ page }) => {
  await signIn(page, ADMIN);
  // Letters only (a name refuses digits), unique per run.
  const familyName = `Exportson${Date.now()
    .toString(36)
    .replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}`;
  const patientId = await created(
    await page.request.post('/api/patients', {
      data: { givenName: 'Petra', familyName, birthDate: '1979-03-14', sex: 'female' },
    }),
  );

  await page.goto(`/patients/${patientId}`);
  await page.getByRole('button', { name: 'Export record' }).click();
  const pdf = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Whole record as PDF' }).click();
  expect((await pdf).suggestedFilename()).toMatch(
    new RegExp(`^patient-record-${patientId}-\\d{4}-\\d{2}-\\d{2}\\.pdf$`),
  );

  await page.getByRole('tab', { name: 'Disclosures' }).click();
  const disclosures = page.getByRole('table', { name: 'Accounting of disclosures' });
  await expect(
    disclosures.getByRole('row', { name: /Exported the whole record.*patient.*Patient’s request/ }),
  ).toBeVisible();
  await expectAccessible(page, 'the Disclosures tab');

  await page.goto('/admin/audit');
  const log = page.getByRole('table', { name: 'Audit log' });
  await expect(log).toBeVisible();
  const actionHeader = log.getByRole('columnheader', { name: 'Action' });
  await actionHeader.getByRole('button').click();
  await expect(actionHeader).toHaveAttribute('aria-sort', 'ascending');
  await actionHeader.getByRole('button').click();
  await expect(actionHeader).toHaveAttribute('aria-sort', 'descending');

  await page.getByRole('textbox', { name: 'Record id' }).fill(patientId);
  await page.getByRole('combobox', { name: 'Action' }).fill('Exported the whole');
  await page.getByRole('option', { name: 'Exported the whole record' }).click();
  await expect(log.getByRole('row')).toHaveCount(2);
  await expect(log.getByRole('row').nth(1)).toContainText(`Petra ${familyName}`);
  await expectAccessible(page, 'the audit log with filters');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe(
    'Time (UTC),Who,Email,Role,Action,Action (described),Outcome,Patient id,Patient,Record type,Record id,IP address,Browser,Details (JSON)',
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`,patient.export,Exported the whole record,success,${patientId},Petra ${familyName},`);
});
