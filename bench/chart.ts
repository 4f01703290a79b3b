import { type Database, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../apps/server/src/admin/service';
import { contextForUser } from '../apps/server/src/auth/service';
import { type ApiResponse, withCsrf } from '../apps/server/src/test/harness';

/**
 * A patient with many signed visits, made through the API as a clinic makes them: a doctor (a
 * provider with a sign-in) opens a walk-in visit, codes two diagnoses and three services, and
 * signs it (each service line becomes a charge). Found again by name on a kept database.
 */
export interface ChartPatient {
  patientId: string;
  visits: number;
  doctorCookie: string;
}

const DOCTOR = { email: 'chart-bench-doctor@clinic.test', password: 'vitals-and-visits-2030' };
const SERVICES = [
  { code: '99213', description: 'Office visit, established patient', feeCents: 12_500 },
  { code: '85025', description: 'Complete blood count', feeCents: 2_100 },
  { code: '36415', description: 'Venipuncture', feeCents: 1_000 },
];
const DIAGNOSES = [
  ['I10', 'E11.9'],
  ['J11.1', 'R05.9'],
  ['M54.50', 'Z00.00'],
];

export async function inject(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  cookie: string,
  payload?: object,
) {
  const response = await app.inject({
    method,
    url,
    headers: withCsrf(method, { cookie }),
    ...(payload ? { payload } : {}),
  });
  const body: ApiResponse['body'] = response.body ? JSON.parse(response.body) : null;
  if (response.statusCode >= 300) throw new Error(`${method} ${url} → ${response.statusCode} ${response.body}`);
  return body;
}

async function signIn(app: FastifyInstance, credentials: { email: string; password: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: credentials });
  const session = response.cookies.find((c) => c.name === 'tend_session');
  if (response.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${response.statusCode}`);
  return `tend_session=${session.value}`;
}

export async function chartPatient(
  app: FastifyInstance,
  database: Database,
  admin: { email: string; password: string; cookie: string },
  visits: number,
  onProgress?: (done: number) => void,
): Promise<ChartPatient> {
  const [existing] = await queryRows<{ id: string; visits: number }>(
    database.db,
    sql`SELECT p.id, (SELECT count(*)::int FROM encounters e WHERE e.patient_id = p.id) AS visits
        FROM patients p WHERE p.given_name = 'Chart' AND p.family_name = 'Benchmark'`,
  );
  if (existing) return { patientId: existing.id, visits: existing.visits, doctorCookie: await signIn(app, DOCTOR) };

  const ctx = await contextForUser(database.db, admin.email);
  const doctor = await createUser(database.db, ctx, { ...DOCTOR, name: 'Dr Chart Bench', role: 'provider' });
  const provider = await inject(app, 'POST', '/api/providers', admin.cookie, {
    name: 'Dr Chart Bench',
    userId: doctor.id,
  });
  const services: string[] = [];
  for (const service of SERVICES) {
    services.push((await inject(app, 'POST', '/api/services', admin.cookie, { codeSystem: 'CPT', ...service })).id);
  }
  const patient = await inject(app, 'POST', '/api/patients', admin.cookie, {
    givenName: 'Chart',
    familyName: 'Benchmark',
    birthDate: '1950-06-15',
    sex: 'female',
    phone: '+16175550123',
    allowDuplicate: true,
  });
  const doctorCookie = await signIn(app, DOCTOR);
  for (let i = 0; i < visits; i++) {
    const visit = await inject(app, 'POST', '/api/encounters', doctorCookie, {
      patientId: patient.id,
      providerId: provider.id,
    });
    const saved = await inject(app, 'PATCH', `/api/encounters/${visit.id}`, doctorCookie, {
      version: visit.version,
      chiefComplaint: `Visit ${i + 1}`,
      diagnoses: DIAGNOSES[i % DIAGNOSES.length].map((code) => ({ code })),
      services: services.map((serviceId) => ({ serviceId, diagnosisPointers: [1, 2] })),
    });
    await inject(app, 'POST', `/api/encounters/${saved.id}/sign`, doctorCookie);
    if ((i + 1) % 50 === 0) onProgress?.(i + 1);
  }
  return { patientId: patient.id, visits, doctorCookie };
}

/** What the web app's chart asks for when the clinical (visits) tab opens, in order. */
export function chartRequests(patientId: string): { name: string; url: string }[] {
  return [
    { name: 'patient', url: `/api/patients/${patientId}` },
    { name: 'clinical access', url: `/api/patients/${patientId}/clinical-access` },
    { name: 'visits', url: `/api/encounters?patientId=${patientId}` },
    { name: 'providers', url: '/api/providers' },
    { name: 'chart (allergies, problems, medications)', url: `/api/patients/${patientId}/chart` },
    { name: 'vitals', url: `/api/patients/${patientId}/vitals` },
  ];
}
