import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';
import { addDays, clinicIso, created, mondayInTwoWeeks } from './scheduling';

/**
 * Rooms end to end: an administrator adds two X-ray rooms and makes an appointment type need
 * one; two overlapping visits with two providers get different rooms (the appointment dialog
 * names them), and a third at the same time is refused because no X-ray room is left.
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

test('two X-ray rooms take two overlapping X-ray visits and refuse a third', async ({ page }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const location: { id: string; name: string } = (await (await api.get('/api/locations')).json()).items[0];
  const providers = ['Ines Duarte', 'Kofi Mensah', 'Lena Vogel'];
  const providerIds: string[] = [];
  for (const name of providers) {
    const id = await created(await api.post('/api/providers', { data: { name, title: 'Dr.' } }));
    const blocks = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
    const hours = await api.put(`/api/providers/${id}/working-hours`, { data: { locationId: location.id, blocks } });
    expect(hours.ok()).toBe(true);
    providerIds.push(id);
  }
  // Offered by these three only (other browser tests count on their providers' single type).
  const typeId = await created(
    await api.post('/api/appointment-types', {
      data: { name: 'Chest X-ray', durationMinutes: 20, color: '#1c7ed6', providerIds },
    }),
  );

  // Admin → Rooms: add two X-ray rooms (the second picks the type the first one introduced).
  await openMenu(page, 'Rooms');
  await expect(page.getByRole('heading', { name: 'Rooms', level: 1 })).toBeVisible();
  await expect(page.getByText('No rooms yet')).toBeVisible();
  for (const name of ['X-ray 1', 'X-ray 2']) {
    await page.getByRole('button', { name: 'Add room' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a room' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('combobox', { name: 'Location' }).click();
    await page.getByRole('option', { name: location.name, exact: true }).click();
    if (name === 'X-ray 1') {
      // Nothing typed in: the form says what is missing before asking the server.
      await dialog.getByRole('button', { name: 'Add room' }).click();
      await expect(dialog.getByText('This field is required.')).toBeVisible();
      await dialog.getByLabel('Room type').fill('X-ray');
      await dialog.getByLabel('Room type').press('Tab');
      await expectAccessible(page, 'the add room dialog');
    } else {
      await dialog.getByLabel('Room type').fill('X');
      await page.getByRole('option', { name: 'X-ray', exact: true }).click();
      await expect(dialog.getByLabel('Room type')).toHaveValue('X-ray');
    }
    await dialog.getByRole('button', { name: 'Add room' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(`${name} ${location.name} X-ray Active`) })).toBeVisible();
  }
  // A duplicate name at the location is refused with the server's sentence on the field.
  await page.getByRole('button', { name: 'Add room' }).click();
  const duplicate = page.getByRole('dialog', { name: 'Add a room' });
  await duplicate.getByLabel('Name').fill('x-ray 2');
  await duplicate.getByRole('combobox', { name: 'Location' }).click();
  await page.getByRole('option', { name: location.name, exact: true }).click();
  await duplicate.getByLabel('Room type').fill('X-ray');
  await duplicate.getByLabel('Room type').press('Tab'); // closes the suggestions
  await duplicate.getByRole('button', { name: 'Add room' }).click();
  await expect(duplicate.getByText('This location already has a room with this name.')).toBeVisible();
  await duplicate.getByRole('button', { name: 'Cancel' }).click();
  await expect(duplicate).toBeHidden();
  // Axe on the settled page (a closing dialog's fading title would count as low contrast).
  await page.reload();
  await expect(page.getByRole('row', { name: /X-ray 2/ })).toBeVisible();
  await expectAccessible(page, 'the rooms page');

  // Admin → Appointment types: Chest X-ray needs an X-ray room (a typo warns that no room has it).
  await openMenu(page, 'Appointment types');
  await page.getByRole('button', { name: 'Edit Chest X-ray' }).click();
  const typeDialog = page.getByRole('dialog', { name: 'Edit appointment type' });
  await typeDialog.getByLabel('Needs a room of type').fill('Xray');
  await expect(typeDialog.getByText('No room of this type is in use yet')).toBeVisible();
  await typeDialog.getByLabel('Needs a room of type').fill('X-');
  await page.getByRole('option', { name: 'X-ray', exact: true }).click();
  await expect(typeDialog.getByText('No room of this type is in use yet')).toBeHidden();
  await expectAccessible(page, 'the appointment type form');
  await typeDialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(typeDialog).toBeHidden();
  await expect(page.getByRole('row', { name: /Chest X-ray .* X-ray Active/ })).toBeVisible();

  // Two overlapping X-ray visits with two providers: each gets a room of its own.
  const tuesday = addDays(mondayInTwoWeeks(), 1);
  const patients = [
    ['Aiko', 'Mori'],
    ['Bruno', 'Silva'],
    ['Chloe', 'Martin'],
  ];
  const patientIds: string[] = [];
  for (const [givenName, familyName] of patients) {
    patientIds.push(
      await created(
        await api.post('/api/patients', { data: { givenName, familyName, birthDate: '1980-04-02', sex: 'female' } }),
      ),
    );
  }
  const bookAt = (index: number, time: string) =>
    api.post('/api/appointments', {
      data: {
        patientId: patientIds[index],
        providerId: providerIds[index],
        appointmentTypeId: typeId,
        start: clinicIso(tuesday, time),
      },
    });
  const first = await bookAt(0, '10:00');
  const second = await bookAt(1, '10:10');
  expect(first.status()).toBe(201);
  expect(second.status()).toBe(201);
  const rooms = [(await first.json()).roomId, (await second.json()).roomId];
  expect(rooms[0]).not.toBeNull();
  expect(rooms[1]).not.toBeNull();
  expect(rooms[0]).not.toBe(rooms[1]);

  // A third at the same time: both X-ray rooms are held, so the server refuses and says why.
  const third = await bookAt(2, '10:05');
  expect(third.status()).toBe(409);
  expect((await third.json()).error.message).toBe('No X-ray room is free at this time. Choose another time.');

  // The appointment dialog names each visit's room.
  await page.goto('/schedule');
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
  await page.getByRole('textbox', { name: 'Date' }).fill(tuesday);
  const shown: string[] = [];
  for (const [time, patient, provider] of [
    ['10:00', 'Aiko Mori', providers[0]],
    ['10:10', 'Bruno Silva', providers[1]],
  ]) {
    await page.getByRole('button', { name: `${time} ${patient} with Dr. ${provider}` }).click();
    const details = page.getByRole('dialog', { name: 'Appointment' });
    const room = details.getByRole('row', { name: /^Room / });
    await expect(room).toBeVisible();
    shown.push(((await room.getByRole('cell').textContent()) ?? '').trim());
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
  }
  expect(shown.sort()).toEqual(['X-ray 1', 'X-ray 2']);
  await expect(page.getByRole('button', { name: /Chloe Martin/ })).toHaveCount(0);
});
