import { can, ROLES, type Role, type RouteAccess } from '@tend/domain';
import { expect } from 'vitest';
import type { ApiRoute } from '../http/auth';
import { type ApiClient, patientBody, type TestApp, unique } from '../test/harness';
import { visitScenario } from '../visits/scenario';

/**
 * The attack suite's world: two clinics, each with one record of every kind (two patients, so a
 * route binding one patient can be handed the other's records), staff in every role, and the
 * "canary" strings of each clinic — names, phones, emails no other record contains — to scan
 * every response for. Routes and their schemas come from the app itself (its route table and
 * its OpenAPI document), so a new route is attacked without touching the suite.
 */

export type Kind =
  | 'patient'
  | 'coverage'
  | 'payer'
  | 'provider'
  | 'location'
  | 'user'
  | 'token'
  | 'appointmentType'
  | 'room'
  | 'appointment'
  | 'waitlist'
  | 'timeOff'
  | 'extraHours'
  | 'service'
  | 'noteTemplate'
  | 'encounter'
  | 'serviceLine'
  | 'allergy'
  | 'medication'
  | 'problem'
  | 'recall'
  | 'charge'
  | 'payment'
  | 'adjustment'
  | 'invoice'
  | 'statement'
  | 'claim'
  | 'clinic';

/** The records of a clinic: `ids` belong to its first patient (or the clinic), `other` to its second patient. */
export interface ClinicWorld {
  clinicId: string;
  as: Record<Role, ApiClient>;
  ids: Record<Kind, string>;
  other: Partial<Record<Kind, string>>;
  /** Strings only this clinic's records contain, and its record ids. */
  canaries: string[];
  /** Strings only its second patient's records contain (for "another patient" attacks). */
  otherCanaries: string[];
  locationName: string;
  /** The administrator's sign-in, and a receptionist no client of the suite is signed in as. */
  admin: { email: string; password: string };
  victim: { email: string; password: string };
}

export interface World {
  a: ClinicWorld;
  b: ClinicWorld;
}

/** Today in the clinics' zone (the harness's clinics are in New York): payments and statements are dated by it. */
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());

async function created(res: Promise<{ status: number; body: { id?: string } & Record<string, unknown> }>) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body as { id: string } & Record<string, unknown>;
}

async function buildClinic(t: TestApp, tag: string): Promise<ClinicWorld> {
  const payerName = `Zq${tag}payer Mutual`;
  const s = await visitScenario(t, {
    payer: payerName,
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  const nurse = await t.signIn(await s.clinic.addUser('nurse'));
  const as: Record<Role, ApiClient> = {
    admin: s.admin,
    manager: s.manager,
    receptionist: s.reception,
    provider: s.doctor,
    nurse,
    billing: s.billing,
  };
  const canaries = [payerName];
  const patient = async (n: number) => {
    const givenName = `Zq${tag}given${'x'.repeat(n)}`;
    const familyName = `Zq${tag}family${'x'.repeat(n)}`;
    const email = `zq${tag}${n}@canary.test`;
    const phone = `617-555-01${tag === 'a' ? 2 : 9}${n}`;
    canaries.push(givenName, familyName, email, `555-01${tag === 'a' ? 2 : 9}${n}`);
    const p = await created(
      as.receptionist.post(
        '/api/patients',
        // Two birth dates apart: the names differ by one letter, so a shared (random) date would
        // make the second a "possible duplicate" of the first.
        patientBody({ givenName, familyName, email, phone, birthDate: n === 1 ? '1971-04-05' : '1983-09-17' }),
      ),
    );
    const coverage = await created(
      as.receptionist.post(`/api/patients/${p.id}/coverages`, {
        payerId: s.payerId,
        memberId: `M${tag}${n}000`,
        validFrom: '2020-01-01',
        copayCents: 0,
        coinsuranceBps: 2_000,
      }),
    );
    const visit = await created(as.provider.post('/api/encounters', { patientId: p.id, providerId: s.providerId }));
    const saved = await as.provider.patch(`/api/encounters/${visit.id}`, {
      version: visit.version,
      subjective: `Zq${tag}note${n} headache`,
      diagnoses: [{ code: 'J11.1', chronic: true }],
      services: [{ serviceId: s.serviceId, diagnosisPointers: [1] }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    canaries.push(`Zq${tag}note${n}`);
    const vitals = await as.nurse.post(`/api/encounters/${visit.id}/vitals`, { systolic: 120, diastolic: 80 });
    expect(vitals.status, JSON.stringify(vitals.body)).toBeLessThan(300);
    const allergy = await created(
      as.nurse.post(`/api/patients/${p.id}/allergies`, { substance: `Zq${tag}substance${n}`, severity: 'mild' }),
    );
    const medication = await created(
      as.nurse.post(`/api/patients/${p.id}/medications`, { name: `Zq${tag}med${n}`, dose: '1 mg' }),
    );
    expect((await as.provider.post(`/api/encounters/${visit.id}/sign`)).status).toBe(200);
    const encounter = (await as.provider.get(`/api/encounters/${visit.id}`)).body;
    const recall = await created(
      as.provider.post(`/api/encounters/${visit.id}/follow-ups`, { inWeeks: 2, reason: `Zq${tag}recall${n}` }),
    );
    const chart = (await as.provider.get(`/api/patients/${p.id}/chart`)).body;
    const [charge] = (await as.billing.get(`/api/charges?encounterId=${visit.id}`)).body.items;
    const payment = await created(
      as.receptionist.post('/api/payments', {
        source: 'patient',
        patientId: p.id,
        method: 'card',
        reference: `card-${tag}-${n}`,
        amountCents: 1_000,
        receivedOn: today,
        allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 1_000 }],
      }),
    );
    const adjustment = await created(
      as.billing.post('/api/adjustments', {
        chargeId: charge.id,
        responsibility: 'insurer',
        kind: 'contractual',
        amountCents: 500,
        reason: 'Contract',
      }),
    );
    const invoice = await created(as.billing.post('/api/invoices', { encounterId: visit.id }));
    const claim = await created(as.billing.post('/api/claims', { encounterId: visit.id }));
    return {
      patient: p.id,
      coverage: coverage.id,
      encounter: visit.id,
      serviceLine: encounter.services?.[0]?.id as string,
      allergy: allergy.id,
      medication: medication.id,
      problem: chart.problems?.[0]?.id as string,
      recall: recall.id,
      charge: charge.id as string,
      payment: payment.id,
      adjustment: adjustment.id,
      invoice: invoice.id,
      claim: claim.id,
    };
  };
  const first = await patient(1);
  const firstCanaries = canaries.length;
  const second = await patient(2);
  const otherCanaries = canaries.slice(firstCanaries);

  const typeId = (
    await created(
      s.manager.post('/api/appointment-types', {
        name: unique('Check'),
        durationMinutes: 30,
        providerIds: [],
      }),
    )
  ).id;
  const room = await created(
    s.manager.post('/api/rooms', { locationId: s.locationId, name: unique('Room'), roomType: 'exam' }),
  );
  const appointment = await created(
    s.book({
      patientId: first.patient,
      providerId: s.providerId,
      appointmentTypeId: typeId,
      start: '2031-03-04T15:00:00Z',
      notes: `Zq${tag}appt`,
    }),
  );
  canaries.push(`Zq${tag}appt`);
  const waitlist = await created(
    s.reception.post('/api/waitlist', { patientId: first.patient, appointmentTypeId: typeId }),
  );
  const timeOff = await created(
    s.manager.post(`/api/providers/${s.providerId}/time-off`, {
      start: '2031-05-05T13:00:00Z',
      end: '2031-05-05T15:00:00Z',
      reason: `Zq${tag}off`,
    }),
  );
  const extraHours = await created(
    s.manager.post(`/api/providers/${s.providerId}/extra-hours`, {
      locationId: s.locationId,
      start: '2031-05-10T13:00:00Z',
      end: '2031-05-10T15:00:00Z',
    }),
  );
  const noteTemplate = await created(s.manager.post('/api/note-templates', { name: `Zq${tag}template`, plan: 'Rest' }));
  const token = await created(
    s.admin.post('/api/tokens', {
      name: `Zq${tag}token`,
      scopes: ['patient.read', 'schedule.read'],
      expiresInDays: 30,
    }),
  );
  const statements = await s.billing.post('/api/statements', { month: today.slice(0, 7) });
  expect(statements.status, JSON.stringify(statements.body)).toBe(201);
  const location = (await s.admin.get('/api/locations')).body.items[0];
  const victim = await s.clinic.addUser('receptionist');
  canaries.push(`Zq${tag}off`, `Zq${tag}template`, `Zq${tag}token`);

  return {
    clinicId: s.clinic.clinicId,
    as,
    ids: {
      ...first,
      payer: s.payerId,
      provider: s.providerId,
      location: s.locationId,
      // A user no client of the suite signs in as: attacks may rename it or change its password.
      user: victim.userId,
      token: token.id,
      appointmentType: typeId,
      room: room.id,
      appointment: appointment.id,
      waitlist: waitlist.id,
      timeOff: timeOff.id,
      extraHours: extraHours.id,
      service: s.serviceId,
      noteTemplate: noteTemplate.id,
      statement: statements.body.items[0]?.id,
      clinic: s.clinic.clinicId,
    },
    other: second,
    canaries: [...canaries, ...Object.values(first), ...Object.values(second), s.payerId, s.providerId, s.locationId],
    otherCanaries: [...otherCanaries, ...Object.values(second)],
    locationName: location.name,
    admin: s.clinic.admin,
    victim,
  };
}

export async function buildWorld(t: TestApp): Promise<World> {
  const a = await buildClinic(t, 'a');
  const b = await buildClinic(t, 'b');
  return { a, b };
}

/** Which record kind a body or query field names, by its name. */
export const FIELD_KINDS: Record<string, Kind> = {
  patientId: 'patient',
  providerId: 'provider',
  providerIds: 'provider',
  appointmentTypeId: 'appointmentType',
  locationId: 'location',
  roomId: 'room',
  payerId: 'payer',
  userId: 'user',
  encounterId: 'encounter',
  chargeId: 'charge',
  serviceId: 'service',
  waitlistEntryId: 'waitlist',
  followUpId: 'recall',
  coverageId: 'coverage',
  extraHoursId: 'extraHours',
  appointmentId: 'appointment',
  removeServiceLineIds: 'serviceLine',
  serviceLineId: 'serviceLine',
  ids: 'claim',
  clinicId: 'clinic',
};

/** Which record kind a path's `:id` names, by the path before it. */
const PATH_KINDS: [RegExp, Kind][] = [
  [/^\/api\/users\//, 'user'],
  [/^\/api\/providers\//, 'provider'],
  [/^\/api\/locations\//, 'location'],
  [/^\/api\/tokens\//, 'token'],
  [/^\/api\/patients\//, 'patient'],
  [/^\/api\/payers\//, 'payer'],
  [/^\/api\/appointment-types\//, 'appointmentType'],
  [/^\/api\/rooms\//, 'room'],
  [/^\/api\/time-off\//, 'timeOff'],
  [/^\/api\/appointments\//, 'appointment'],
  [/^\/api\/waitlist\/:/, 'waitlist'],
  [/^\/api\/services\//, 'service'],
  [/^\/api\/note-templates\//, 'noteTemplate'],
  [/^\/api\/encounters\//, 'encounter'],
  [/^\/api\/allergies\//, 'allergy'],
  [/^\/api\/medications\//, 'medication'],
  [/^\/api\/problems\//, 'problem'],
  [/^\/api\/recalls\//, 'recall'],
  [/^\/api\/payments\//, 'payment'],
  [/^\/api\/adjustments\//, 'adjustment'],
  [/^\/api\/invoices\//, 'invoice'],
  [/^\/api\/statements\//, 'statement'],
  [/^\/api\/claims\//, 'claim'],
  [/^\/api\/webhooks\/sms\//, 'clinic'],
];

export function pathKind(url: string, param: string): Kind | undefined {
  if (FIELD_KINDS[param]) return FIELD_KINDS[param];
  if (param !== 'id') return undefined;
  return PATH_KINDS.find(([pattern]) => pattern.test(url))?.[1];
}

// ---- routes and their schemas, from the app ------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema from the OpenAPI document
export type JsonSchema = any;

export interface AttackRoute extends ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  params: string[];
  query: { name: string; schema: JsonSchema; required: boolean }[];
  body: JsonSchema | undefined;
}

/** The parts of an OpenAPI operation the suite reads. */
interface OpenApiOperation {
  parameters?: { in: string; name: string; schema: JsonSchema; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/**
 * Every API route the suite attacks: all of the route table but the event stream (a long-lived
 * response, covered in events/), the local command line (refused without the data folder's
 * secret, access.test.ts) and HEAD twins of GET routes.
 */
export function attackRoutes(t: TestApp): AttackRoute[] {
  const paths = t.app.swagger().paths ?? {};
  return t.app.apiRoutes
    .filter((route) => route.method !== 'HEAD' && route.url !== '/api/events' && route.access !== 'local-cli')
    .map((route) => {
      const openapiPath = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = (paths[openapiPath] as Record<string, OpenApiOperation> | undefined)?.[
        route.method.toLowerCase()
      ];
      const parameters = operation?.parameters ?? [];
      return {
        ...route,
        method: route.method as AttackRoute['method'],
        params: [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
        body: operation?.requestBody?.content?.['application/json']?.schema,
      };
    });
}

/** The staff member of a clinic allowed to call a route (the administrator for public routes). */
export function actorFor(clinic: ClinicWorld, access: RouteAccess): ApiClient {
  if (access === 'public' || access === 'authenticated' || access === 'local-cli') return clinic.as.admin;
  // The linked doctor before the administrator for clinical routes; any allowed role otherwise.
  const order: Role[] = ['admin', 'manager', 'billing', 'provider', 'nurse', 'receptionist'];
  const role = order.find((r) => can(r, access)) ?? ROLES[0];
  return clinic.as[role];
}

export const name = (route: ApiRoute) => `${route.method} ${route.url}`;
