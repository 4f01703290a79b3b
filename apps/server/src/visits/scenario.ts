import { expect } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import type { ApiClient, TestApp } from '../test/harness';

/**
 * Billing-side test scenario: a clinic with a provider (linked to a doctor's account, working at
 * any hour), a billing user, an insurer and one catalogue service, and a helper that signs a
 * visit with that service for a new patient (with a coverage, or self-pay).
 */
export interface VisitScenario extends SchedulingScenario {
  doctor: ApiClient;
  billing: ApiClient;
  providerId: string;
  payerId: string;
  serviceId: string;
  signedVisit(
    coverage?: {
      copayCents?: number;
      coinsuranceBps?: number;
    },
    /** Runs after the patient (and coverage) exist and before the visit is signed: a copay at check-in. */
    beforeSign?: (patientId: string) => Promise<void>,
  ): Promise<{ patientId: string; encounterId: string; charge: { id: string } & Record<string, unknown> }>;
}

export async function visitScenario(
  t: TestApp,
  options: { payer: string; service: { code: string; description: string; feeCents: number } },
): Promise<VisitScenario> {
  const s = await schedulingScenario(t);
  const doctorUser = await s.clinic.addUser('provider');
  const doctor = await t.signIn(doctorUser);
  const billing = await t.signIn(await s.clinic.addUser('billing'));
  const providerId = await s.addProvider({
    validFrom: '2020-01-01',
    blocks: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  });
  expect((await s.admin.patch(`/api/providers/${providerId}`, { userId: doctorUser.userId })).status).toBe(200);
  const payerId = (await s.admin.post('/api/payers', { name: options.payer })).body.id;
  const service = await billing.post('/api/services', { codeSystem: 'CPT', ...options.service });
  expect(service.status, JSON.stringify(service.body)).toBe(201);
  const serviceId: string = service.body.id;

  return {
    ...s,
    doctor,
    billing,
    providerId,
    payerId,
    serviceId,
    async signedVisit(coverage, beforeSign) {
      const patientId = await s.addPatient();
      if (coverage) {
        const added = await s.reception.post(`/api/patients/${patientId}/coverages`, {
          payerId,
          memberId: `M${Math.floor(Math.random() * 1e8)}`,
          validFrom: '2020-01-01',
          ...coverage,
        });
        expect(added.status, JSON.stringify(added.body)).toBe(201);
      }
      const visit = (await doctor.post('/api/encounters', { patientId, providerId })).body;
      const saved = await doctor.patch(`/api/encounters/${visit.id}`, {
        version: visit.version,
        diagnoses: [{ code: 'J11.1' }],
        services: [{ serviceId, diagnosisPointers: [1] }],
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      await beforeSign?.(patientId);
      expect((await doctor.post(`/api/encounters/${visit.id}/sign`)).status).toBe(200);
      const [charge] = (await billing.get(`/api/charges?encounterId=${visit.id}`)).body.items;
      return { patientId, encounterId: visit.id, charge };
    },
  };
}
