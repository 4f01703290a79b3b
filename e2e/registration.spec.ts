import { expect, test } from '@playwright/test';
import { expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';

test.use({ timezoneId: 'America/New_York' });

test('a receptionist registers a patient, finds them by a misspelt name, updates the phone and signs out', async ({
  page,
}) => {
  await signIn(page, RECEPTIONIST);
  await expectAccessible(page, 'the home page');

  await page.getByRole('link', { name: 'Register patient' }).first().click();
  await expect(page.getByRole('heading', { name: 'Register patient' })).toBeVisible();
  await expectAccessible(page, 'the registration form');

  // Impossible input is refused next to the field, and nothing is saved.
  await page.getByLabel('Given name').fill('Evangeline');
  await page.getByLabel('Family name').fill('Marchetti');
  await page.getByLabel('Birth date').fill('2999-01-01');
  await page.getByLabel('Sex').selectOption('female');
  await page.getByLabel('Mobile phone').fill('617 555 0142');
  await page.getByLabel('Email').fill('evangeline.marchetti@example.com');
  await page.getByRole('button', { name: 'Register patient' }).click();
  await expect(page.getByText('The birth date cannot be in the future.')).toBeVisible();

  await page.getByLabel('Birth date').fill('1979-11-23');
  await page.getByRole('button', { name: 'Register patient' }).click();
  await expect(page.getByRole('heading', { name: /Evangeline Marchetti/ })).toBeVisible();
  await expect(page.getByText(/MRN/).first()).toBeVisible();
  await expectAccessible(page, 'the patient chart');

  // Registering the same person again is stopped with the existing chart offered.
  await page.getByRole('link', { name: 'Register patient' }).first().click();
  await page.getByLabel('Given name').fill('Evangelina');
  await page.getByLabel('Family name').fill('Marchetti');
  await page.getByLabel('Birth date').fill('1979-11-23');
  await page.getByLabel('Sex').selectOption('female');
  await page.getByRole('button', { name: 'Register patient' }).click();
  const duplicate = page.getByRole('dialog', { name: 'This patient may already be registered' });
  await expect(duplicate).toBeVisible();
  await expect(duplicate.getByText('Evangeline Marchetti')).toBeVisible();
  await duplicate.getByRole('button', { name: /Open chart/ }).click();
  await expect(page.getByRole('heading', { name: /Evangeline Marchetti/ })).toBeVisible();

  // Ctrl+K from anywhere, a misspelt name, results while typing, Enter opens the chart.
  await openMenu(page, 'Home');
  await page.keyboard.press('Control+k');
  const search = page.getByRole('dialog', { name: 'Patient search' });
  await expect(search).toBeVisible();
  await search.getByLabel('Find a patient').fill('evangelin marketti');
  await expect(search.getByText('Evangeline Marchetti')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Evangeline Marchetti/ })).toBeVisible();

  // Quick edit of the phone number at check-in.
  await page.getByRole('button', { name: 'Edit phone number' }).click();
  await page.getByLabel('Phone number').fill('(617) 555-0177');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Phone number updated')).toBeVisible();
  await expect(page.getByText('+1 617 555 0177').first()).toBeVisible();

  // The new number finds the patient.
  await page.keyboard.press('Control+k');
  await page.getByRole('dialog', { name: 'Patient search' }).getByLabel('Find a patient').fill('5550177');
  await expect(page.getByRole('dialog', { name: 'Patient search' }).getByText('Evangeline Marchetti')).toBeVisible();
  await page.keyboard.press('Escape');

  // Sign out.
  await page.getByRole('button', { name: new RegExp(RECEPTIONIST.name) }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto('/patients');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
