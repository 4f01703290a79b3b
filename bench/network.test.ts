import { type Database, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForUser } from '../apps/server/src/auth/service';
import { computePatientBalance } from '../apps/server/src/billing/ledger';
import { createTestDatabase } from '../apps/server/src/test/harness';
import { type GeneratedNetwork, generateNetwork } from './network';

// The report benchmark's `network` profile at a tiny scale: every row satisfies the schema's
// constraints (the inserts would fail otherwise) and the ledger's invariants.
describe('bench network generator', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let network: GeneratedNetwork;

  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
    network = await generateNetwork(database, {
      seed: 7,
      locations: 2,
      providersPerLocation: 1,
      daysBack: 45,
      daysAhead: 14,
      patients: 300,
      today: '2026-03-16',
      chartVisits: 40,
    });
  });
  afterAll(() => drop());

  it('makes a network with history, charges and payments', async () => {
    const { counts } = network;
    expect(network.locationIds).toHaveLength(2);
    expect(counts.appointments).toBeGreaterThan(500);
    expect(counts.charges).toBeGreaterThanOrEqual(2 * counts.encounters);
    expect(counts.encounters).toBeGreaterThan(0);
    const [statuses] = await queryRows<{ completed: number; cancelled: number; late: number; future: number }>(
      database.db,
      sql`SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed,
                 count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
                 count(*) FILTER (WHERE status = 'cancelled' AND cancelled_at > start_at - interval '24 hours')::int AS late,
                 count(*) FILTER (WHERE status IN ('booked', 'confirmed'))::int AS future
          FROM appointments WHERE clinic_id = ${network.clinicId}`,
    );
    expect(statuses.completed).toBe(counts.encounters);
    expect(statuses.cancelled).toBeGreaterThan(0);
    expect(statuses.late).toBeGreaterThan(0);
    expect(statuses.future).toBeGreaterThan(0);
    // Reminder emails (some sent, some still queued) and recalls, for the Reminders and Patients reports.
    expect(counts.messages).toBeGreaterThan(0.1 * counts.appointments);
    expect(counts.recalls).toBeGreaterThan(0);
    const [messages] = await queryRows<{ sent: number; queued: number }>(
      database.db,
      sql`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent,
                 count(*) FILTER (WHERE status = 'queued')::int AS queued
          FROM messages WHERE clinic_id = ${network.clinicId} AND kind = 'reminder' AND rule_id IS NOT NULL`,
    );
    expect(messages.sent).toBeGreaterThan(0);
    expect(messages.queued).toBeGreaterThan(0);
  });

  it('gives the chart patient (MRN 100001) the signed visits asked for', async () => {
    const [chart] = await queryRows<{ signed: number }>(
      database.db,
      sql`SELECT count(*)::int AS signed FROM patients p JOIN encounters e ON e.patient_id = p.id AND e.status = 'signed'
          WHERE p.clinic_id = ${network.clinicId} AND p.mrn = '100001'`,
    );
    expect(chart.signed).toBeGreaterThanOrEqual(40);
  });

  it('keeps the ledger consistent: payments equal their allocations, no side overpaid', async () => {
    const unbalanced = await queryRows<{ id: string }>(
      database.db,
      sql`SELECT p.id FROM payments p LEFT JOIN allocations a ON a.payment_id = p.id
          WHERE p.clinic_id = ${network.clinicId}
          GROUP BY p.id HAVING p.amount_cents <> coalesce(sum(a.amount_cents), 0)`,
    );
    expect(unbalanced).toEqual([]);
    const overpaid = await queryRows<{ id: string }>(
      database.db,
      sql`SELECT c.id FROM charges c
          WHERE c.clinic_id = ${network.clinicId} AND (
            c.insurer_cents < (SELECT coalesce(sum(amount_cents), 0) FROM allocations WHERE charge_id = c.id AND responsibility = 'insurer')
              + (SELECT coalesce(sum(amount_cents), 0) FROM adjustments WHERE charge_id = c.id AND responsibility = 'insurer')
            OR c.patient_cents < (SELECT coalesce(sum(amount_cents), 0) FROM allocations WHERE charge_id = c.id AND responsibility = 'patient')
              + (SELECT coalesce(sum(amount_cents), 0) FROM adjustments WHERE charge_id = c.id AND responsibility = 'patient'))`,
    );
    expect(overpaid).toEqual([]);
    const [paid] = await queryRows<{ insurer: number; patient: number; refunds: number }>(
      database.db,
      sql`SELECT count(*) FILTER (WHERE source = 'insurer')::int AS insurer,
                 count(*) FILTER (WHERE source = 'patient')::int AS patient,
                 count(*) FILTER (WHERE reverses_id IS NOT NULL)::int AS refunds
          FROM payments WHERE clinic_id = ${network.clinicId}`,
    );
    expect(paid.insurer).toBeGreaterThan(0);
    expect(paid.patient).toBeGreaterThan(0);
  });

  it("gives each patient the ledger's balance: charges − payments − adjustments", async () => {
    const ctx = await contextForUser(database.db, network.admin.email);
    const sample = await queryRows<{ patient_id: string; owed: number }>(
      database.db,
      sql`SELECT c.patient_id,
                 (sum(c.patient_cents) - coalesce(sum(paid.total), 0) - coalesce(sum(adj.total), 0))::int AS owed
          FROM charges c
          LEFT JOIN LATERAL (SELECT sum(amount_cents) AS total FROM allocations
                             WHERE charge_id = c.id AND responsibility = 'patient') paid ON true
          LEFT JOIN LATERAL (SELECT sum(amount_cents) AS total FROM adjustments
                             WHERE charge_id = c.id AND responsibility = 'patient') adj ON true
          WHERE c.clinic_id = ${network.clinicId}
          GROUP BY c.patient_id ORDER BY c.patient_id LIMIT 25`,
    );
    expect(sample.length).toBeGreaterThan(5);
    let owing = 0;
    for (const row of sample) {
      const balance = await computePatientBalance(database.db, ctx, row.patient_id);
      expect(balance.patientBalanceCents).toBe(row.owed);
      expect(balance.unappliedCents).toBe(0);
      if (row.owed > 0) owing++;
    }
    expect(owing).toBeGreaterThan(0);
  });
});
