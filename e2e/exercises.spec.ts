import { expect, test } from '@playwright/test';
import { expectAccessible, RECEPTIONIST, signIn } from './fixtures';

/**
 * Issue 9's browser proof, in one sitting: the receptionist switches to the training clinic from
 * the user menu, sees the banner, completes "Find your way around the dashboard" while its
 * checklist (in the corner of every screen) ticks, then the network goes and today's schedule of
 * the training clinic is still readable from the browser's offline copy.
 */

test('in the training clinic: a guided exercise ticks itself, and offline the schedule stays readable', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  await signIn(page, RECEPTIONIST);
  await page.getByRole('button', { name: new RegExp(`^${RECEPTIONIST.name}`) }).click();
  await page.getByRole('menuitem', { name: 'Practise in the training clinic' }).click();
  const banner = page.getByRole('region', { name: 'Training mode' });
  await expect(banner).toBeVisible({ timeout: 120_000 });

  // A patient of her own to look for (the mock patients' names are drawn at random).
  const patient = await page.request.post('/api/patients', {
    data: {
      givenName: 'Trainee',
      familyName: 'Exercisewood',
      birthDate: '1981-04-12',
      sex: 'female',
      phone: '617-555-0199',
    },
  });
  expect(patient.status()).toBe(201);

  await page.getByRole('navigation').getByRole('link', { name: 'Exercises', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Guided exercises', level: 1 })).toBeVisible();
  for (const title of [
    'Find your way around the dashboard',
    'Book an appointment',
    'Register a walk-in',
    'Check a patient in',
    'Post a copay',
  ]) {
    await expect(page.getByRole('heading', { name: title, level: 2 })).toBeVisible();
  }
  await expectAccessible(page, 'the exercises page');

  // Started again (a rerun on the same server) gives a fresh checklist either way.
  await page.getByRole('button', { name: /^Start( again)?: Find your way around the dashboard$/ }).click();
  const panel = page.getByRole('complementary', { name: 'Exercise checklist' });
  await expect(panel).toBeVisible();
  await expect(panel.getByText('0 of 4 steps done')).toBeVisible();
  const step = (text: string) => panel.getByRole('listitem').filter({ hasText: text });

  await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).click();
  await expect(step('Open Home')).toHaveAttribute('data-done', 'true');
  await expect(step('Open the schedule')).toHaveAttribute('data-done', 'false');

  await page.getByRole('navigation').getByRole('link', { name: 'Schedule', exact: true }).click();
  await expect(step('Open the schedule')).toHaveAttribute('data-done', 'true');
  await expect(panel.getByText('2 of 4 steps done')).toBeVisible();
  await expect(banner).toBeVisible();

  await page.keyboard.press('Control+k');
  const search = page.getByRole('dialog', { name: 'Patient search' });
  await search.getByLabel('Find a patient').fill('Exercisewood');
  await expect(search.getByText('Trainee Exercisewood')).toBeVisible();
  await expect(step('Search for a patient')).toHaveAttribute('data-done', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Trainee Exercisewood/ })).toBeVisible();
  await expect(step('Open a patient’s record')).toHaveAttribute('data-done', 'true');
  await expect(panel.getByText('Well done: every step is done.')).toBeVisible();
  await expectAccessible(page, 'a chart with the checklist panel');

  // The downtime drill: the app took its offline copy of the training clinic's schedule on the
  // switch; with the network gone, the copy is shown, marked offline.
  await page.getByRole('navigation').getByRole('link', { name: 'Schedule', exact: true }).click();
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
  await expect
    .poll(() => page.evaluate(`indexedDB.databases().then((all) => all.some((d) => d.name === 'tend-offline'))`))
    .toBe(true);
  // The mock clinic works Saturday mornings only, and its random calendar can leave one empty:
  // what the copy holds for today decides what the offline day shows.
  const visitsToday = await page.evaluate(async () => {
    const response = await fetch('/api/offline/copy');
    const copy = (await response.json()) as { days: string[]; appointments: Array<{ date: string }> };
    return copy.appointments.filter((visit) => visit.date === copy.days[0]).length;
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-banner')).toContainText('Offline — as of');
  await expect(page.getByRole('heading', { name: 'Offline schedule', level: 1 })).toBeVisible();
  if (visitsToday > 0) {
    // The training clinic's day has its mock visits, each with its patient's phone.
    await expect(
      page
        .getByRole('row')
        .filter({ hasText: /\+1 \d{3} \d{3} \d{4}/ })
        .first(),
    ).toBeVisible();
  } else {
    await expect(page.getByText('No appointments on this day.')).toBeVisible();
  }
  await context.setOffline(false);
  await expect(page.getByRole('navigation')).toBeVisible({ timeout: 60_000 });
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Leave training' }).click();
  await expect(banner).toHaveCount(0);
});
