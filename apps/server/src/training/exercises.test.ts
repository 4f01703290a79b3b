import { schema } from '@tend/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, MONDAY, type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { type ApiClient, createTestApp, patientBody, type TestApp, unique } from '../test/harness';

/**
 * Guided exercises in a training clinic: each checklist ticks itself, step by step, from what the
 * signed-in person does through the API after starting the exercise — not from a colleague's
 * actions, not from their own before the start — and a real clinic has none.
 */

let t: TestApp;
let s: SchedulingScenario;
/** The stand-in receptionist who does the exercises, and a colleague in the same training clinic. */
let me: ApiClient;
let colleague: ApiClient;
let billing: ApiClient;
let providerId: string;
let typeId: string;
let payerId: string;
let slot = 0;

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  await t.database.db.update(schema.clinics).set({ isTraining: true }).where(eq(schema.clinics.id, s.clinic.clinicId));
  me = s.reception;
  colleague = await t.signIn(await s.clinic.addUser('receptionist'));
  billing = await t.signIn(await s.clinic.addUser('billing'));
  providerId = await s.addProvider();
  typeId = (await s.addType()).id;
  payerId = (await s.admin.post('/api/payers', { name: unique('Aetna') })).body.id;
});
afterAll(() => t.close());

type Step = { id: string; done: boolean; doneAt: string | null };
type Exercise = { id: string; steps: Step[]; startedAt: string | null; completedAt: string | null };

async function exercise(client: ApiClient, id: string): Promise<Exercise> {
  const res = await client.get('/api/training/exercises');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.find((e: Exercise) => e.id === id);
}

/** The ids of the steps done, in the checklist's order. */
async function ticked(id: string, client = me): Promise<string[]> {
  return (await exercise(client, id)).steps.filter((step) => step.done).map((step) => step.id);
}

async function start(id: string, client = me): Promise<void> {
  const res = await client.post(`/api/training/exercises/${id}/start`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.steps.every((step: Step) => !step.done)).toBe(true);
}

/** Books the next free half hour of the week (one appointment per slot). */
async function book(client: ApiClient, patientId: string): Promise<string> {
  const n = slot++;
  const day = `2030-01-${String(7 + Math.floor(n / 6)).padStart(2, '0')}`;
  const start = at(day, `${String(9 + Math.floor((n % 6) / 2)).padStart(2, '0')}:${n % 2 ? '30' : '00'}`);
  const res = await client.post('/api/appointments', { patientId, providerId, appointmentTypeId: typeId, start });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const search = (client: ApiClient) => client.get('/api/patients?q=a');
const schedule = (client: ApiClient) =>
  client.get(`/api/appointments?from=${at(MONDAY, '00:00')}&to=${at('2030-01-12', '00:00')}`);
const addCoverage = (client: ApiClient, patientId: string) =>
  client.post(`/api/patients/${patientId}/coverages`, {
    payerId,
    memberId: `M${Math.floor(Math.random() * 1e8)}`,
    validFrom: '2020-01-01',
    copayCents: 2_500,
  });

describe('the exercises of a training clinic', () => {
  it('lists the exercises of the role: the five beginner steps at the front desk, fewer for billing', async () => {
    const res = await me.get('/api/training/exercises');
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: Exercise) => e.id)).toEqual([
      'find-your-way',
      'book-appointment',
      'register-walk-in',
      'check-in',
      'post-copay',
    ]);
    expect(res.body.items[0]).toMatchObject({
      title: 'Find your way around the dashboard',
      startedAt: null,
      completedAt: null,
    });
    expect(res.body.activeId).toBeNull();
    const forBilling = await billing.get('/api/training/exercises');
    expect(forBilling.body.items.map((e: Exercise) => e.id)).toEqual(['find-your-way', 'post-copay']);
    const refused = await billing.post('/api/training/exercises/book-appointment/start');
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe('There is no exercise "book-appointment" for your role.');
  });

  it('find your way: home, the schedule, a search and a record tick as they are opened', async () => {
    const patientId = await s.addPatient();
    await search(me); // before the start: does not count
    await start('find-your-way');
    expect(await ticked('find-your-way')).toEqual([]);

    expect((await me.post('/api/training/page-visits', { page: 'home' })).status).toBe(204);
    expect(await ticked('find-your-way')).toEqual(['home']);
    // The dashboard names patients as reads too: that is not opening a record.
    expect((await me.get('/api/dashboard')).status).toBe(200);
    expect((await schedule(me)).status).toBe(200);
    expect(await ticked('find-your-way')).toEqual(['home', 'schedule']);
    await search(colleague);
    expect(await ticked('find-your-way')).toEqual(['home', 'schedule']);
    await search(me);
    expect(await ticked('find-your-way')).toEqual(['home', 'schedule', 'search']);
    expect((await me.get(`/api/patients/${patientId}`)).status).toBe(200);
    const done = await exercise(me, 'find-your-way');
    expect(done.steps.every((step) => step.done)).toBe(true);
    expect(done.completedAt).toBe(done.steps[3].doneAt);

    expect((await me.post('/api/training/page-visits', { page: 'nowhere' })).status).toBe(400);
  });

  it('book an appointment: finding the patient and booking tick; a booking before the start does not', async () => {
    const patientId = await s.addPatient();
    await book(me, patientId);
    await start('book-appointment');
    expect((await me.get('/api/training/exercises')).body.activeId).toBe('book-appointment');
    expect(await ticked('book-appointment')).toEqual([]);
    await book(colleague, await s.addPatient());
    expect(await ticked('book-appointment')).toEqual([]);
    await search(me);
    expect(await ticked('book-appointment')).toEqual(['find']);
    await book(me, patientId);
    expect(await ticked('book-appointment')).toEqual(['find', 'book']);
    const list = (await me.get('/api/training/exercises')).body;
    expect(list.activeId).toBeNull();
    expect(list.items.find((e: Exercise) => e.id === 'book-appointment').completedAt).not.toBeNull();

    // Starting again gives a fresh checklist.
    await start('book-appointment');
    expect(await ticked('book-appointment')).toEqual([]);
    expect((await exercise(me, 'book-appointment')).completedAt).toBeNull();
  });

  it('register a walk-in: the insurance and the booking must be of the patient just registered', async () => {
    const earlier = await s.addPatient();
    await start('register-walk-in');
    expect((await colleague.post('/api/patients', patientBody())).status).toBe(201);
    expect(await ticked('register-walk-in')).toEqual([]);

    const walkIn = await me.post('/api/patients', patientBody());
    expect(walkIn.status).toBe(201);
    expect(await ticked('register-walk-in')).toEqual(['register']);
    // Another patient's card or booking is not this walk-in's.
    expect((await addCoverage(me, earlier)).status).toBe(201);
    await book(me, earlier);
    expect(await ticked('register-walk-in')).toEqual(['register']);
    expect((await addCoverage(me, walkIn.body.id)).status).toBe(201);
    expect(await ticked('register-walk-in')).toEqual(['register', 'insurance']);
    await book(me, walkIn.body.id);
    expect(await ticked('register-walk-in')).toEqual(['register', 'insurance', 'book']);
  });

  it('check a patient in: the schedule, the patient’s details, then that same patient checked in', async () => {
    const arriving = await s.addPatient();
    const other = await s.addPatient();
    const arrivingVisit = await book(me, arriving);
    const otherVisit = await book(me, other);
    await start('check-in');
    await schedule(colleague);
    expect(await ticked('check-in')).toEqual([]);
    await schedule(me);
    expect(await ticked('check-in')).toEqual(['schedule']);
    expect((await me.patch(`/api/patients/${arriving}`, { phone: '617-555-0142' })).status).toBe(200);
    expect(await ticked('check-in')).toEqual(['schedule', 'details']);
    expect((await me.post(`/api/appointments/${otherVisit}/check-in`)).status).toBe(200);
    expect(await ticked('check-in')).toEqual(['schedule', 'details']);
    expect((await me.post(`/api/appointments/${arrivingVisit}/check-in`)).status).toBe(200);
    expect(await ticked('check-in')).toEqual(['schedule', 'details', 'checkIn']);
  });

  it('post a copay: the balance, the patient’s payment and its receipt, for one patient', async () => {
    const patientId = await s.addPatient();
    expect((await addCoverage(me, patientId)).status).toBe(201);
    const payment = {
      source: 'patient',
      patientId,
      method: 'card',
      amountCents: 2_500,
      receivedOn: '2030-01-07',
    };
    // Done before the start, and by a colleague after it: neither counts.
    expect((await me.post('/api/payments', { ...payment, reference: unique('early') })).status).toBe(201);
    await start('post-copay');
    expect((await colleague.get(`/api/patients/${patientId}/balance`)).status).toBe(200);
    expect(await ticked('post-copay')).toEqual([]);
    expect((await me.get(`/api/patients/${patientId}/balance`)).status).toBe(200);
    expect(await ticked('post-copay')).toEqual(['balance']);
    const posted = await me.post('/api/payments', { ...payment, reference: unique('card') });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(await ticked('post-copay')).toEqual(['balance', 'post']);
    expect((await me.get(`/api/payments/${posted.body.id}/receipt`)).status).toBe(200);
    expect(await ticked('post-copay')).toEqual(['balance', 'post', 'receipt']);
    // The same exercise of another person is theirs alone.
    await start('post-copay', billing);
    expect(await ticked('post-copay', billing)).toEqual([]);
  });

  it('starting is audited, as the person who started', async () => {
    const events = await s.admin.get('/api/audit-events?action=training.exercise_start');
    expect(events.status).toBe(200);
    expect(events.body.items.length).toBeGreaterThanOrEqual(5);
    expect(events.body.items[0]).toMatchObject({ entityType: 'training_exercise', actorRole: expect.any(String) });
  });
});

describe('in a real clinic', () => {
  it('answers 404 with a sentence saying exercises are for the training clinic, and records nothing', async () => {
    const real = await t.createClinic();
    const admin = await t.signIn(real.admin);
    for (const res of [
      await admin.get('/api/training/exercises'),
      await admin.post('/api/training/exercises/find-your-way/start'),
      await admin.post('/api/training/page-visits', { page: 'home' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        'Exercises are only available in a training clinic: switch to training from your user menu to practise.',
      );
    }
    const rows = await t.database.db
      .select()
      .from(schema.trainingExerciseRuns)
      .where(eq(schema.trainingExerciseRuns.clinicId, real.clinicId));
    expect(rows).toEqual([]);
  });
});
