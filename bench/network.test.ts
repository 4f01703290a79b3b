import { type Database, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForUser } from '../apps/server/src/auth/service';
import { computePatientBalance } from '../apps/server/src/billing/ledger';
import { createTestDatabase } from '../apps/server/src/test/harness';
import { type GeneratedNetwork, generateNetwork, type NetworkOptions, rebuildDerived } from './network';

const TINY: Partial<NetworkOptions> = {
  seed: 7,
  locations: 2,
  providersPerLocation: 1,
  daysBack: 45,
  daysAhead: 14,
  patients: 300,
  today: '2026-03-16',
  chartVisits: 40,
};

/** The schema's indexes and constraints (with whether each is validated), to see none is lost. */
async function schemaShape(database: Database): Promise<string[]> {
  const rows = await queryRows<{ item: string }>(
    database.db,
    sql`SELECT indexdef AS item FROM pg_indexes WHERE schemaname = current_schema()
        UNION ALL
        SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) || ' ' || c.convalidated
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relnamespace = current_schema()::regnamespace
        ORDER BY 1`,
  );
  return rows.map((row) => row.item);
}

/** What the insert triggers derive for a clinic (report days as dates: their versions count commits). */
async function derivedRows(database: Database, clinicId: string) {
  const { db } = database;
  return {
    arByDate: await queryRows(
      db,
      sql`SELECT service_date::text, payer_id, insurer_cents::bigint::text, patient_cents::bigint::text
          FROM ar_open_by_date WHERE clinic_id = ${clinicId} ORDER BY 1, 2`,
    ),
    arByPatient: await queryRows(
      db,
      sql`SELECT patient_id, insurer_cents::bigint::text, patient_cents::bigint::text
          FROM ar_open_by_patient WHERE clinic_id = ${clinicId} ORDER BY 1`,
    ),
    firstVisits: await queryRows<{ id: string; first_visit_id: string | null }>(
      db,
      sql`SELECT id, first_visit_id, first_visit_at FROM patients WHERE clinic_id = ${clinicId} ORDER BY id`,
    ),
    reportDays: await queryRows(
      db,
      sql`SELECT local_date::text FROM report_day_versions WHERE clinic_id = ${clinicId} ORDER BY 1`,
    ),
    openCharges: await queryRows<{ id: string; open_charges: number }>(
      db,
      sql`SELECT id, open_charges FROM encounters WHERE clinic_id = ${clinicId} ORDER BY id`,
    ),
    charged: await queryRows<{ id: string; charged: boolean }>(
      db,
      sql`SELECT id, charged FROM appointments WHERE clinic_id = ${clinicId} ORDER BY id`,
    ),
  };
}

// The report benchmark's `network` profile at a tiny scale: every row satisfies the schema's
// constraints (the inserts would fail otherwise, or the foreign keys' check after the load) and the
// ledger's invariants.
describe('bench network generator', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let network: GeneratedNetwork;
  let shapeBefore: string[];

  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
    shapeBefore = await schemaShape(database);
    network = await generateNetwork(database, { ...TINY, connections: 2 });
  });
  afterAll(() => drop());

  it('leaves every index and constraint as it was (the plain indexes are built after the load)', async () => {
    expect(await schemaShape(database)).toEqual(shapeBefore);
  });

  it('writes what the triggers it skips would: charges paid and adjusted, allocations report keys', async () => {
    const charges = await queryRows<{ id: string }>(
      database.db,
      sql`SELECT c.id FROM charges c
          WHERE c.clinic_id = ${network.clinicId} AND (
            c.insurer_allocated_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM allocations WHERE charge_id = c.id AND responsibility = 'insurer')
            OR c.patient_allocated_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM allocations WHERE charge_id = c.id AND responsibility = 'patient')
            OR c.insurer_adjusted_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM adjustments WHERE charge_id = c.id AND responsibility = 'insurer')
            OR c.patient_adjusted_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM adjustments WHERE charge_id = c.id AND responsibility = 'patient'))`,
    );
    expect(charges).toEqual([]);
    // Each visit's open charges and whether its appointment is charged (0050), as loaded and rebuilt.
    const [flags] = await queryRows<{ wrongVisits: number; wrongAppointments: number; charged: number }>(
      database.db,
      sql`SELECT
            (SELECT count(*)::int FROM encounters e WHERE e.clinic_id = ${network.clinicId}
               AND e.open_charges <> (SELECT count(*) FROM charges c WHERE c.encounter_id = e.id AND c.status = 'open'))
              AS "wrongVisits",
            (SELECT count(*)::int FROM appointments a WHERE a.clinic_id = ${network.clinicId}
               AND a.charged IS DISTINCT FROM EXISTS (SELECT 1 FROM encounters e
                                                      WHERE e.appointment_id = a.id AND e.open_charges > 0))
              AS "wrongAppointments",
            (SELECT count(*)::int FROM appointments WHERE clinic_id = ${network.clinicId} AND charged) AS charged`,
    );
    expect(flags).toMatchObject({ wrongVisits: 0, wrongAppointments: 0 });
    expect(flags.charged).toBeGreaterThan(0);
    // (Hardship discounts come 60 days after the visit: none at this scale; the sums above cover them.)
    const [keys] = await queryRows<{ all: number; wrong: number; paid: number; adjusted: number }>(
      database.db,
      sql`SELECT count(*)::int AS all,
                 count(*) FILTER (WHERE (a.received_on, a.payer_id, a.provider_id, a.location_id, a.service_code)
                   IS DISTINCT FROM (p.received_on, p.payer_id, c.provider_id, c.location_id, c.code))::int AS wrong,
                 (SELECT count(*)::int FROM charges WHERE clinic_id = ${network.clinicId} AND patient_allocated_cents > 0) AS paid,
                 (SELECT count(*)::int FROM charges WHERE clinic_id = ${network.clinicId} AND patient_adjusted_cents > 0) AS adjusted
          FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN charges c ON c.id = a.charge_id
          WHERE a.clinic_id = ${network.clinicId}`,
    );
    expect(keys.all).toBeGreaterThan(0);
    expect(keys.wrong).toBe(0);
    expect(keys.paid).toBeGreaterThan(0);
  });

  it('rebuilds the rollups, report days, first visits and open charges exactly as the triggers maintain them', async () => {
    // The same tiny network through the triggers, as the server writes (another seed: another clinic).
    const triggered = await generateNetwork(database, { ...TINY, seed: 8, deferDerived: false });
    const maintained = await derivedRows(database, triggered.clinicId);
    expect(maintained.arByDate.length).toBeGreaterThan(10);
    expect(maintained.arByPatient.length).toBeGreaterThan(10);
    expect(maintained.firstVisits.filter((p) => p.first_visit_id !== null).length).toBeGreaterThan(10);
    expect(maintained.reportDays.length).toBeGreaterThan(10);
    expect(maintained.openCharges.filter((e) => e.open_charges > 1).length).toBeGreaterThan(10);
    expect(maintained.charged.filter((a) => a.charged).length).toBeGreaterThan(10);
    expect(maintained.charged.filter((a) => !a.charged).length).toBeGreaterThan(10);
    await database.db.execute(sql`DELETE FROM ar_open_by_date WHERE clinic_id = ${triggered.clinicId}`);
    await database.db.execute(sql`DELETE FROM ar_open_by_patient WHERE clinic_id = ${triggered.clinicId}`);
    await database.db.execute(sql`DELETE FROM report_day_versions WHERE clinic_id = ${triggered.clinicId}`);
    await database.db.execute(
      sql`UPDATE patients SET first_visit_id = NULL, first_visit_at = NULL WHERE clinic_id = ${triggered.clinicId}`,
    );
    await database.db.transaction(async (tx) => {
      // As loaded with the triggers paused (which would otherwise pass these on again).
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(sql`UPDATE encounters SET open_charges = 0 WHERE clinic_id = ${triggered.clinicId}`);
      await tx.execute(sql`UPDATE appointments SET charged = false WHERE clinic_id = ${triggered.clinicId}`);
    });
    await rebuildDerived(database.db, triggered.clinicId);
    expect(await derivedRows(database, triggered.clinicId)).toEqual(maintained);
  });

  it('gives the same network for the same seed and day, whatever the number of connections', async () => {
    const fingerprint = async (db: Database, clinicId: string) =>
      queryRows(
        db.db,
        sql`SELECT a.status, count(*)::int AS n, sum(extract(epoch FROM a.start_at))::bigint::text AS starts,
                   (SELECT sum(c.amount_cents)::bigint::text FROM charges c WHERE c.clinic_id = ${clinicId}) AS charged,
                   (SELECT sum(p.amount_cents)::bigint::text FROM payments p WHERE p.clinic_id = ${clinicId}) AS paid
            FROM appointments a WHERE a.clinic_id = ${clinicId} GROUP BY a.status ORDER BY a.status`,
      );
    const other = await createTestDatabase();
    try {
      const again = await generateNetwork(other.database, { ...TINY, connections: 1 });
      expect(again.counts).toEqual(network.counts);
      expect(await fingerprint(other.database, again.clinicId)).toEqual(await fingerprint(database, network.clinicId));
    } finally {
      await other.drop();
    }
  });

  it('makes a network with history, charges and payments', async () => {
    const { counts } = network;
    expect(network.locationIds).toHaveLength(2);
    // The summary (`counts`) is what is in the database, table by table: the clinic's own first location too.
    expect(counts.locations).toBe(2);
    for (const [table, n] of Object.entries(counts)) {
      const [row] = await queryRows<{ n: number }>(
        database.db,
        sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE clinic_id = ${network.clinicId}`,
      );
      expect(row.n, table).toBe(n);
    }
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
