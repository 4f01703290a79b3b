import { newId, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { expect } from 'vitest';
import { localDateIn, plusDays, seeded } from '../test/generated';
import type { ApiClient, TestApp } from '../test/harness';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * A generated, deterministic ledger for the ledger reports' tests (A/R aging, day sheet,
 * reconciliation): visits with appointments and signed encounters, their charges (some voided),
 * desk payments, insurer payments (some through claims), refunds (reversals), adjustments
 * (write-offs, transfers, a reversed one), invoices and claims — inserted with chosen timestamps,
 * and returned as plain rows for the tests to compute their expected figures from, in plain
 * TypeScript. Times are in America/New_York; the range holds the end of daylight saving time
 * (Sunday 2026-11-01) and entries at 23:30 local, one a payment on the range's last day.
 */

export const TZ = 'America/New_York';
export const localDateOf = localDateIn(TZ);
export const FROM = '2026-10-19';
export const TO = '2026-11-15';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface RawCharge {
  id: string;
  encounterId: string;
  patientId: string;
  providerId: string;
  locationId: string;
  payerId: string | null;
  serviceDate: string;
  code: string;
  amountCents: number;
  insurerCents: number;
  patientCents: number;
  createdAt: Date;
  voidedAt: Date | null;
}
export interface RawPayment {
  id: string;
  source: 'patient' | 'insurer';
  patientId: string | null;
  payerId: string | null;
  amountCents: number;
  reversesId: string | null;
  postedAt: Date;
  claimId: string | null;
}
export interface RawAllocation {
  id: string;
  paymentId: string;
  chargeId: string;
  responsibility: 'insurer' | 'patient';
  amountCents: number;
  createdAt: Date;
}
export interface RawAdjustment {
  id: string;
  chargeId: string;
  responsibility: 'insurer' | 'patient';
  amountCents: number;
  postedAt: Date;
}
export interface RawVisit {
  appointmentId: string | null;
  appointmentStatus: 'completed' | 'no_show' | null;
  encounterId: string | null;
  signed: boolean;
  patientId: string;
  providerId: string;
  locationId: string;
  start: Date;
  serviceDate: string;
}
export interface RawInvoice {
  id: string;
  number: number;
  patientId: string;
  encounterId: string;
  issuedOn: string;
  chargeIds: string[];
}
export interface RawClaim {
  id: string;
  number: number;
  encounterId: string;
  patientId: string;
  payerId: string;
  providerId: string;
  locationId: string;
  serviceDate: string;
  status: 'draft' | 'submitted' | 'accepted' | 'paid' | 'denied' | 'rejected';
  submittedAt: Date | null;
  totalCents: number;
  chargeIds: string[];
}

export interface LedgerFixture {
  s: VisitScenario;
  manager: ApiClient;
  clinicId: string;
  payerIds: string[];
  providerIds: string[];
  locationIds: string[];
  visits: RawVisit[];
  charges: RawCharge[];
  payments: RawPayment[];
  allocations: RawAllocation[];
  adjustments: RawAdjustment[];
  invoices: RawInvoice[];
  claims: RawClaim[];
  /** A patient payment posted at 23:30 local on TO, and one at 00:30 the day after. */
  lastDayPaymentId: string;
  nextDayPaymentId: string;
}

export { plusDays };
export const at = (date: string, time: string) => new Date(zonedTimeToInstant(date, time, TZ));

export async function ledgerFixture(t: TestApp, seed: number): Promise<LedgerFixture> {
  const s = await visitScenario(t, {
    payer: 'Reconcile Health',
    service: { code: '99213', description: 'Office visit', feeCents: 10_000 },
  });
  const db = t.database.db;
  const clinicId = s.clinic.clinicId;
  const secondPayer = await s.admin.post('/api/payers', { name: 'Second Mutual' });
  expect(secondPayer.status).toBe(201);
  const payerIds = [s.payerId, secondPayer.body.id as string];
  const otherProvider = await s.addProvider({
    validFrom: '2020-01-01',
    blocks: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  });
  const providerIds = [s.providerId, otherProvider];
  const other = await s.admin.post('/api/locations', { name: 'North', timezone: TZ });
  expect(other.status).toBe(201);
  const locationIds = [s.locationId, other.body.id as string];
  const type = await s.addType({ name: 'Ledger visit', durationMinutes: 30 });
  const patientIds = await Promise.all(Array.from({ length: 6 }, () => s.addPatient()));
  const coverage = await s.reception.post(`/api/patients/${patientIds[0]}/coverages`, {
    payerId: s.payerId,
    memberId: 'M1234567',
    validFrom: '2020-01-01',
  });
  expect(coverage.status, JSON.stringify(coverage.body)).toBe(201);
  const coverageId: string = coverage.body.id;

  const random = seeded(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const cents = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const visits: RawVisit[] = [];
  const charges: RawCharge[] = [];
  const payments: RawPayment[] = [];
  const allocations: RawAllocation[] = [];
  const adjustments: RawAdjustment[] = [];
  const invoices: RawInvoice[] = [];
  const claims: RawClaim[] = [];
  const appointmentRows: (typeof schema.appointments.$inferInsert)[] = [];
  const encounterRows: (typeof schema.encounters.$inferInsert)[] = [];
  const serviceRows: (typeof schema.encounterServices.$inferInsert)[] = [];

  const pay = (
    payment: Omit<RawPayment, 'id' | 'reversesId'> & { reversesId?: string | null },
    lines: Array<{ charge: RawCharge; responsibility: 'insurer' | 'patient'; amountCents: number }>,
    allocatedAt = payment.postedAt,
  ) => {
    const id = newId();
    payments.push({ ...payment, id, reversesId: payment.reversesId ?? null });
    for (const line of lines) {
      if (line.amountCents === 0) continue;
      allocations.push({
        id: newId(),
        paymentId: id,
        chargeId: line.charge.id,
        responsibility: line.responsibility,
        amountCents: line.amountCents,
        createdAt: allocatedAt,
      });
    }
    return id;
  };
  const refund = (paymentId: string, when: Date) => {
    const original = payments.find((p) => p.id === paymentId) as RawPayment;
    const id = newId();
    payments.push({ ...original, id, amountCents: -original.amountCents, reversesId: paymentId, postedAt: when });
    for (const a of allocations.filter((row) => row.paymentId === paymentId)) {
      allocations.push({ ...a, id: newId(), paymentId: id, amountCents: -a.amountCents, createdAt: when });
    }
  };

  let claimNumber = 5001;
  let invoiceNumber = 7001;
  const slots = ['08:00', '09:30', '11:00', '14:00', '16:30', '23:30'];
  for (let date = plusDays(FROM, -40); date <= plusDays(TO, 3); date = plusDays(date, 1)) {
    for (const time of slots) {
      if (random() < 0.45) continue;
      const start = at(date, time);
      const patientId = pick(patientIds);
      const providerId = pick(providerIds);
      const locationId = pick(locationIds);
      const roll = random();
      // Most visits: a completed appointment and its signed encounter. Some: an appointment
      // completed without a note, a walk-in (signed, no appointment), a no-show.
      const kind =
        roll < 0.72 ? 'full' : roll < 0.8 ? 'no_note' : roll < 0.9 ? 'walk_in' : roll < 0.95 ? 'no_show' : 'unsigned';
      const appointmentId = kind === 'walk_in' ? null : newId();
      if (appointmentId) {
        appointmentRows.push({
          id: appointmentId,
          clinicId,
          patientId,
          providerId,
          locationId,
          appointmentTypeId: type.id,
          startAt: start,
          endAt: new Date(start.getTime() + 30 * MINUTE),
          bufferEndAt: new Date(start.getTime() + 30 * MINUTE),
          status: kind === 'no_show' ? 'no_show' : kind === 'unsigned' ? 'in_progress' : 'completed',
          bookedAt: new Date(start.getTime() - 5 * DAY),
          completedAt: kind === 'no_show' || kind === 'unsigned' ? null : new Date(start.getTime() + 30 * MINUTE),
          noShowAt: kind === 'no_show' ? new Date(start.getTime() + 15 * MINUTE) : null,
        });
      }
      const hasEncounter = kind === 'full' || kind === 'walk_in' || kind === 'unsigned';
      const signed = kind === 'full' || kind === 'walk_in';
      const encounterId = hasEncounter ? newId() : null;
      visits.push({
        appointmentId,
        appointmentStatus:
          kind === 'no_show' ? 'no_show' : kind === 'unsigned' ? null : appointmentId ? 'completed' : null,
        encounterId,
        signed,
        patientId,
        providerId,
        locationId,
        start,
        serviceDate: date,
      });
      if (!encounterId) continue;
      // Signed 10 minutes after the start: a 23:30 visit's charges are entered after midnight.
      const signedAt = signed ? new Date(start.getTime() + (time === '23:30' ? 45 : 10) * MINUTE) : null;
      encounterRows.push({
        id: encounterId,
        clinicId,
        patientId,
        providerId,
        locationId,
        appointmentId,
        serviceDate: date,
        status: signed ? 'signed' : 'in_progress',
        signedAt,
      });
      if (!signed || !signedAt || random() < 0.08) continue; // a signed visit with no charge
      const payerId = random() < 0.7 ? pick(payerIds) : null;
      const visitCharges: RawCharge[] = [];
      const lineCount = 1 + Math.floor(random() * 3);
      for (let line = 0; line < lineCount; line++) {
        const serviceLineId = newId();
        const amountCents = cents(1_200, 19_000);
        const patientCents = payerId
          ? Math.min(amountCents, pick([0, 2_000, 2_500, Math.round(amountCents * 0.2)]))
          : amountCents;
        serviceRows.push({
          id: serviceLineId,
          clinicId,
          encounterId,
          serviceId: s.serviceId,
          code: pick(['99213', '99214', '36415']),
          codeSystem: 'CPT',
          description: 'Service',
          units: 1,
          feeCents: amountCents,
          diagnosisPointers: [1],
        });
        const charge: RawCharge = {
          id: newId(),
          encounterId,
          patientId,
          providerId,
          locationId,
          payerId,
          serviceDate: date,
          code: pick(['99213', '99214', '36415']),
          amountCents,
          insurerCents: amountCents - patientCents,
          patientCents,
          createdAt: signedAt,
          // Voided 2 hours to 4 days later (after any desk payment).
          voidedAt: random() < 0.08 ? new Date(signedAt.getTime() + cents(2, 96) * HOUR) : null,
        };
        (charge as RawCharge & { serviceLineId: string }).serviceLineId = serviceLineId;
        charges.push(charge);
        visitCharges.push(charge);
      }
      // The patient pays their part at the desk (posted a few minutes after signing), often.
      const owedByPatient = visitCharges.reduce((sum, c) => sum + c.patientCents, 0);
      if (owedByPatient > 0 && random() < 0.6) {
        const partial = random() < 0.2;
        const deskAt = new Date(signedAt.getTime() + 5 * MINUTE);
        const lines = visitCharges.map((charge) => ({
          charge,
          responsibility: 'patient' as const,
          amountCents: partial ? Math.floor(charge.patientCents / 2) : charge.patientCents,
        }));
        const amount = lines.reduce((sum, l) => sum + l.amountCents, 0);
        if (amount > 0) {
          const paymentId = pay(
            { source: 'patient', patientId, payerId: null, amountCents: amount, postedAt: deskAt, claimId: null },
            lines,
          );
          // A refund (reversal) 1 to 6 days later.
          if (random() < 0.12) refund(paymentId, new Date(deskAt.getTime() + cents(20, 140) * HOUR));
        }
      }
      // Insurer: a claim for most insured visits; paid 10 to 30 days later (or not).
      if (payerId) {
        const insured = visitCharges.reduce((sum, c) => sum + c.insurerCents, 0);
        const claimRoll = random();
        let claim: RawClaim | null = null;
        if (claimRoll < 0.75 && insured > 0) {
          const submitted = claimRoll < 0.65;
          const status = submitted
            ? pick(['submitted', 'submitted', 'accepted', 'paid', 'denied'] as const)
            : pick(['draft', 'rejected'] as const);
          claim = {
            id: newId(),
            number: claimNumber++,
            encounterId,
            patientId,
            payerId,
            providerId,
            locationId,
            serviceDate: date,
            status,
            submittedAt: submitted || status === 'rejected' ? new Date(signedAt.getTime() + 2 * DAY) : null,
            totalCents: visitCharges.reduce((sum, c) => sum + c.amountCents, 0),
            chargeIds: visitCharges.map((c) => c.id),
          };
          claims.push(claim);
        }
        if (random() < 0.55) {
          const paidAt = at(plusDays(date, cents(10, 30)), pick(['10:00', '15:00', '23:30']));
          const lines = visitCharges
            .filter((charge) => charge.insurerCents > 0)
            .map((charge) => ({
              charge,
              responsibility: 'insurer' as const,
              amountCents: Math.round(charge.insurerCents * 0.8),
            }));
          const amount = lines.reduce((sum, l) => sum + l.amountCents, 0);
          if (amount > 0) {
            const paymentId = pay(
              {
                source: 'insurer',
                patientId: null,
                payerId,
                amountCents: amount,
                postedAt: paidAt,
                claimId: claim && random() < 0.8 ? claim.id : null,
              },
              lines,
            );
            // The contractual write-off of the rest, with the payment.
            for (const charge of visitCharges.filter((c) => c.insurerCents > 0 && random() < 0.7)) {
              const rest = charge.insurerCents - Math.round(charge.insurerCents * 0.8);
              if (rest > 0) {
                adjustments.push({
                  id: newId(),
                  chargeId: charge.id,
                  responsibility: 'insurer',
                  amountCents: rest,
                  postedAt: new Date(paidAt.getTime() + MINUTE),
                });
              }
            }
            if (random() < 0.05) refund(paymentId, new Date(paidAt.getTime() + 3 * DAY));
          }
        } else if (random() < 0.3) {
          // A denial: the insurer's portion moves to the patient (a transfer nets to 0).
          const charge = visitCharges[0];
          if (charge.insurerCents > 0) {
            const when = at(plusDays(date, 12), '11:00');
            adjustments.push(
              {
                id: newId(),
                chargeId: charge.id,
                responsibility: 'insurer',
                amountCents: charge.insurerCents,
                postedAt: when,
              },
              {
                id: newId(),
                chargeId: charge.id,
                responsibility: 'patient',
                amountCents: -charge.insurerCents,
                postedAt: when,
              },
            );
          }
        }
      }
      // A hardship discount, sometimes reversed the next day.
      if (random() < 0.06) {
        const charge = visitCharges[0];
        const when = new Date(signedAt.getTime() + cents(1, 20) * DAY);
        const amount = Math.max(1, Math.floor(charge.patientCents / 3));
        if (charge.patientCents > 0) {
          adjustments.push({
            id: newId(),
            chargeId: charge.id,
            responsibility: 'patient',
            amountCents: amount,
            postedAt: when,
          });
          if (random() < 0.5) {
            adjustments.push({
              id: newId(),
              chargeId: charge.id,
              responsibility: 'patient',
              amountCents: -amount,
              postedAt: new Date(when.getTime() + DAY),
            });
          }
        }
      }
      // An invoice for what the patient owes, issued the next day, for half the visits.
      const invoiced = visitCharges.filter((c) => c.patientCents > 0);
      if (invoiced.length && random() < 0.5) {
        invoices.push({
          id: newId(),
          number: invoiceNumber++,
          patientId,
          encounterId,
          issuedOn: plusDays(date, 1),
          chargeIds: invoiced.map((c) => c.id),
        });
      }
    }
  }

  // The range's last day: a desk payment at 23:30 (counts on TO), one at 00:30 the day after.
  const lastCharge = charges.find((c) => c.patientCents > 1_000 && !c.voidedAt && c.serviceDate < plusDays(TO, -3));
  if (!lastCharge) throw new Error('no charge for the last-day payments');
  const lastDayPaymentId = pay(
    {
      source: 'patient',
      patientId: lastCharge.patientId,
      payerId: null,
      amountCents: 300,
      postedAt: at(TO, '23:30'),
      claimId: null,
    },
    [{ charge: lastCharge, responsibility: 'patient', amountCents: 300 }],
  );
  const nextDayPaymentId = pay(
    {
      source: 'patient',
      patientId: lastCharge.patientId,
      payerId: null,
      amountCents: 200,
      postedAt: at(plusDays(TO, 1), '00:30'),
      claimId: null,
    },
    [{ charge: lastCharge, responsibility: 'patient', amountCents: 200 }],
  );
  // A payment taken before the visit (unapplied), applied later when the charge exists.
  const later = charges.find((c) => c.patientCents > 500 && !c.voidedAt && c.serviceDate > FROM);
  if (later) {
    pay(
      {
        source: 'patient',
        patientId: later.patientId,
        payerId: null,
        amountCents: 500,
        postedAt: new Date(later.createdAt.getTime() - 2 * HOUR),
        claimId: null,
      },
      [{ charge: later, responsibility: 'patient', amountCents: 500 }],
      new Date(later.createdAt.getTime() + DAY),
    );
  }

  // Insert everything, in dependency order.
  await db.insert(schema.appointments).values(appointmentRows);
  await db.insert(schema.encounters).values(encounterRows);
  await db.insert(schema.encounterServices).values(serviceRows);
  await db.insert(schema.charges).values(
    charges.map((c) => ({
      id: c.id,
      clinicId,
      encounterId: c.encounterId,
      serviceLineId: (c as RawCharge & { serviceLineId: string }).serviceLineId,
      patientId: c.patientId,
      providerId: c.providerId,
      locationId: c.locationId,
      serviceDate: c.serviceDate,
      code: c.code,
      codeSystem: 'CPT',
      description: 'Service',
      units: 1,
      unitFeeCents: c.amountCents,
      amountCents: c.amountCents,
      diagnosisCodes: ['J06.9'],
      status: c.voidedAt ? ('void' as const) : ('open' as const),
      createdAt: c.createdAt,
      voidedAt: c.voidedAt,
      voidReason: c.voidedAt ? 'Entered in error' : null,
      payerId: c.payerId,
      insurerCents: c.insurerCents,
      patientCents: c.patientCents,
    })),
  );
  if (claims.length) {
    await db.insert(schema.claims).values(
      claims.map((k) => ({
        id: k.id,
        clinicId,
        number: k.number,
        encounterId: k.encounterId,
        patientId: k.patientId,
        coverageId,
        payerId: k.payerId,
        providerId: k.providerId,
        locationId: k.locationId,
        rank: 'primary' as const,
        serviceDate: k.serviceDate,
        status: k.status,
        totalCents: k.totalCents,
        submittedAt: k.submittedAt,
      })),
    );
    await db.insert(schema.claimLines).values(
      claims.flatMap((k) =>
        k.chargeIds.map((chargeId, index) => ({
          id: newId(),
          clinicId,
          claimId: k.id,
          chargeId,
          lineNumber: index + 1,
          diagnosisPointers: [1],
          chargeCents: charges.find((c) => c.id === chargeId)?.amountCents ?? 0,
        })),
      ),
    );
  }
  await db.insert(schema.payments).values(
    payments.map((p) => ({
      id: p.id,
      clinicId,
      source: p.source,
      patientId: p.patientId,
      payerId: p.payerId,
      method: p.source === 'patient' ? ('card' as const) : ('eft' as const),
      reference: null,
      amountCents: p.amountCents,
      receivedOn: localDateOf(p.postedAt),
      reversesId: p.reversesId,
      postedAt: p.postedAt,
      claimId: p.claimId,
    })),
  );
  await db.insert(schema.allocations).values(allocations.map((a) => ({ ...a, clinicId })));
  if (adjustments.length) {
    await db.insert(schema.adjustments).values(
      adjustments.map((d) => ({
        ...d,
        clinicId,
        kind: d.amountCents < 0 && d.responsibility === 'patient' ? ('transfer' as const) : ('contractual' as const),
        reason: 'Generated',
      })),
    );
  }
  if (invoices.length) {
    await db.insert(schema.invoices).values(
      invoices.map((v) => ({
        id: v.id,
        clinicId,
        number: v.number,
        patientId: v.patientId,
        encounterId: v.encounterId,
        issuedOn: v.issuedOn,
        dueOn: plusDays(v.issuedOn, 30),
        totalCents: v.chargeIds.reduce((sum, id) => sum + (charges.find((c) => c.id === id)?.patientCents ?? 0), 0),
      })),
    );
    await db.insert(schema.invoiceLines).values(
      invoices.flatMap((v) =>
        v.chargeIds.map((chargeId) => ({
          id: newId(),
          clinicId,
          invoiceId: v.id,
          chargeId,
          amountCents: charges.find((c) => c.id === chargeId)?.patientCents ?? 0,
        })),
      ),
    );
  }
  return {
    s,
    manager: s.manager,
    clinicId,
    payerIds,
    providerIds,
    locationIds,
    visits,
    charges,
    payments,
    allocations,
    adjustments,
    invoices,
    claims,
    lastDayPaymentId,
    nextDayPaymentId,
  };
}

/** What a charge still owes per side now (a void one nothing), from the raw rows. */
export function balanceNow(f: LedgerFixture, charge: RawCharge) {
  if (charge.voidedAt) return { insurer: 0, patient: 0 };
  const balance = { insurer: charge.insurerCents, patient: charge.patientCents };
  for (const a of f.allocations) if (a.chargeId === charge.id) balance[a.responsibility] -= a.amountCents;
  for (const d of f.adjustments) if (d.chargeId === charge.id) balance[d.responsibility] -= d.amountCents;
  return balance;
}
