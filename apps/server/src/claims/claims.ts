import { type Db, newId, queryRows, schema, sqlState } from '@tend/db';
import {
  AppError,
  type Claim,
  type ClaimDataSet,
  type ClaimRank,
  type ClaimStatus,
  claimProblems,
  type PostalAddress,
  type zClaimUpdate,
} from '@tend/domain';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import { contractedFeesOn } from '../billing/fees';
import { balancesOf } from '../billing/ledger';
import type { RequestContext } from '../context';
import { coverageOn } from '../visits/charges';

/**
 * Insurance claims: a signed visit's charges billed to one of the patient's coverages. The
 * CMS-1500 data set is built from the current records until the claim is submitted, then kept
 * as submitted. Every status change is a row of the claim's history.
 */

const cl = schema.claims;
const lines = schema.claimLines;
const events = schema.claimEvents;

type ClaimRow = typeof cl.$inferSelect;

/** Who may move a claim from which status to which (the rest is refused with a clear message). */
const TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  draft: ['ready', 'submitted'],
  ready: ['draft', 'submitted'],
  submitted: ['accepted', 'rejected', 'paid', 'partially_paid', 'denied'],
  accepted: ['rejected', 'paid', 'partially_paid', 'denied'],
  rejected: ['draft', 'ready', 'submitted'],
  paid: [],
  partially_paid: ['paid', 'partially_paid', 'denied'],
  denied: ['paid', 'partially_paid', 'denied'],
};

const STATUS_LABEL: Record<ClaimStatus, string> = {
  draft: 'a draft',
  ready: 'ready',
  submitted: 'submitted',
  accepted: 'accepted',
  rejected: 'rejected',
  paid: 'paid',
  partially_paid: 'partially paid',
  denied: 'denied',
};

export function assertTransition(claim: { number: number; status: ClaimStatus }, to: ClaimStatus): void {
  if (!TRANSITIONS[claim.status].includes(to)) {
    throw new AppError(
      'conflict',
      `Claim ${claim.number} is ${STATUS_LABEL[claim.status]}: it cannot become ${STATUS_LABEL[to]}.`,
    );
  }
}

async function nextClaimNumber(tx: Db, clinicId: string): Promise<number> {
  const [row] = await queryRows<{ number: number | string }>(
    tx,
    sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${clinicId}, 'claim', 1002)
        ON CONFLICT (clinic_id, name) DO UPDATE SET next_value = clinic_counters.next_value + 1
        RETURNING next_value - 1 AS number`,
  );
  return Number(row.number);
}

/** Records a status change (or the creation: `from` null) in the claim's history. */
export async function recordClaimEvent(
  tx: Db,
  ctx: RequestContext,
  claim: { id: string; status: ClaimStatus | null },
  to: ClaimStatus,
  note: string | null,
  paymentId: string | null = null,
): Promise<void> {
  await tx.insert(events).values({
    id: newId(),
    clinicId: ctx.clinicId,
    claimId: claim.id,
    fromStatus: claim.status,
    toStatus: to,
    note,
    paymentId,
    createdBy: ctx.userId,
  });
  if (claim.status !== null && claim.status !== to) {
    await tx.update(cl).set({ status: to, statusAt: new Date(), updatedAt: new Date() }).where(eq(cl.id, claim.id));
  }
}

function postal(address: PostalAddress | null | undefined): PostalAddress | null {
  if (!address) return null;
  return {
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city,
    region: address.region ?? null,
    postalCode: address.postalCode,
    country: address.country,
  };
}

const SEX: Record<string, 'F' | 'M' | 'U'> = { female: 'F', male: 'M' };

/** "Dr. Ana María Ruiz, MD" → given "Ana María", family "Ruiz". */
export function splitPersonName(name: string): { givenName: string; familyName: string } {
  const words = name
    .replace(/,.*$/, '')
    .replace(/^(dr|mr|mrs|ms|miss|prof)\.?\s+/i, '')
    .trim()
    .split(/\s+/);
  const familyName = words.pop() ?? '';
  return { givenName: words.join(' '), familyName };
}

/** The claim's CMS-1500 data set from the current records (or as submitted). */
export async function claimDataSet(db: Db, claim: ClaimRow): Promise<ClaimDataSet> {
  if (claim.submittedData) return claim.submittedData;
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, claim.clinicId));
  const [patient] = await db.select().from(schema.patients).where(eq(schema.patients.id, claim.patientId));
  const [coverage] = await db.select().from(schema.coverages).where(eq(schema.coverages.id, claim.coverageId));
  const [payer] = await db.select().from(schema.payers).where(eq(schema.payers.id, claim.payerId));
  const [provider] = await db.select().from(schema.providers).where(eq(schema.providers.id, claim.providerId));
  const [location] = await db.select().from(schema.locations).where(eq(schema.locations.id, claim.locationId));
  const diagnoses = await db
    .select()
    .from(schema.encounterDiagnoses)
    .where(eq(schema.encounterDiagnoses.encounterId, claim.encounterId))
    .orderBy(asc(schema.encounterDiagnoses.position));
  const claimLines = await db
    .select({ line: lines, charge: schema.charges })
    .from(lines)
    .innerJoin(schema.charges, eq(schema.charges.id, lines.chargeId))
    .where(eq(lines.claimId, claim.id))
    .orderBy(asc(lines.lineNumber));
  const [prior] =
    claim.rank === 'secondary'
      ? await db
          .select({ payer: schema.payers, coverage: schema.coverages })
          .from(cl)
          .innerJoin(schema.payers, eq(schema.payers.id, cl.payerId))
          .innerJoin(schema.coverages, eq(schema.coverages.id, cl.coverageId))
          .where(and(eq(cl.encounterId, claim.encounterId), eq(cl.rank, 'primary')))
      : [];
  const priorPaid =
    claim.rank === 'secondary'
      ? await queryRows<{ paid: number | string }>(
          db,
          sql`SELECT coalesce(sum(a.amount_cents), 0) AS paid FROM allocations a
              JOIN payments p ON p.id = a.payment_id
              JOIN claims c ON c.id = p.claim_id
              WHERE c.encounter_id = ${claim.encounterId} AND c.rank = 'primary'`,
        )
      : [{ paid: 0 }];
  const patientName = { givenName: patient.givenName, familyName: patient.familyName };
  const self = coverage.subscriberRelationship === 'self';
  const subscriberName = self ? patientName : splitPersonName(coverage.subscriberName ?? '');
  const phones = (patient.phones ?? []) as { number: string }[];
  return {
    controlNumber: String(claim.number),
    rank: claim.rank,
    billingProvider: {
      name: clinic.name,
      npi: clinic.billingNpi,
      taxId: clinic.taxId,
      address: postal(clinic.address),
      phone: clinic.phone,
    },
    renderingProvider: { ...splitPersonName(provider.name), npi: provider.npi },
    serviceFacility: {
      name: location.name,
      address: postal(location.address ?? clinic.address),
      placeOfService: location.placeOfService,
    },
    payer: { name: payer.name, payerId: payer.payerCode },
    subscriber: {
      memberId: coverage.memberId || null,
      groupNumber: coverage.groupNumber,
      ...subscriberName,
      birthDate: self ? patient.birthDate : coverage.subscriberBirthDate,
      sex: self ? (SEX[patient.sex] ?? 'U') : 'U',
      // The subscriber's address is the patient's (the household's) unless the clinic knows better.
      address: postal(patient.address),
      relationship: coverage.subscriberRelationship as ClaimDataSet['subscriber']['relationship'],
    },
    patient: {
      ...patientName,
      birthDate: patient.birthDate,
      sex: SEX[patient.sex] ?? 'U',
      address: postal(patient.address),
      phone: phones[0]?.number ?? null,
      mrn: patient.mrn,
    },
    diagnosisCodes: diagnoses.map((d) => d.code.replace('.', '').toUpperCase()),
    lines: claimLines.map(({ line, charge }) => ({
      lineNumber: line.lineNumber,
      chargeId: charge.id,
      serviceDate: charge.serviceDate,
      codeSystem: charge.codeSystem,
      code: charge.code,
      modifiers: line.modifiers,
      description: charge.description,
      units: charge.units,
      chargeCents: line.chargeCents,
      diagnosisPointers: line.diagnosisPointers,
    })),
    totalCents: claimLines.reduce((sum, { line }) => sum + line.chargeCents, 0),
    priorPaidCents: Number(priorPaid[0]?.paid ?? 0),
    priorPayer: prior
      ? {
          name: prior.payer.name,
          payerId: prior.payer.payerCode,
          memberId: prior.coverage.memberId,
          groupNumber: prior.coverage.groupNumber,
        }
      : null,
  };
}

export async function claimRow(db: Db, ctx: RequestContext, id: string, lock = false): Promise<ClaimRow> {
  const query = db
    .select()
    .from(cl)
    .where(and(eq(cl.id, id), eq(cl.clinicId, ctx.clinicId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw AppError.notFound('The claim');
  return row;
}

/** Claims with their lines, what the insurer paid and still owes (from the ledger), history and problems. */
async function loadClaims(db: Db, rows: ClaimRow[]): Promise<Claim[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const claimLines = await db
    .select({ line: lines, charge: schema.charges, serviceId: schema.encounterServices.serviceId })
    .from(lines)
    .innerJoin(schema.charges, eq(schema.charges.id, lines.chargeId))
    .innerJoin(schema.encounterServices, eq(schema.encounterServices.id, schema.charges.serviceLineId))
    .where(inArray(lines.claimId, ids))
    .orderBy(asc(lines.lineNumber));
  const balances = await balancesOf(
    db,
    claimLines.map((l) => l.charge),
  );
  const paid = await queryRows<{ claim_id: string; charge_id: string; paid: number | string }>(
    db,
    sql`SELECT p.claim_id, a.charge_id, sum(a.amount_cents) AS paid FROM allocations a
        JOIN payments p ON p.id = a.payment_id
        WHERE p.claim_id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})
        GROUP BY p.claim_id, a.charge_id`,
  );
  const history = await db
    .select({ event: events, userName: schema.users.name })
    .from(events)
    .leftJoin(schema.users, eq(schema.users.id, events.createdBy))
    .where(inArray(events.claimId, ids))
    .orderBy(asc(events.createdAt), asc(events.id));
  // A primary claim whose remainder went on to a secondary claim no longer owes it.
  const secondaries = await db
    .select({ encounterId: cl.encounterId })
    .from(cl)
    .where(
      and(
        inArray(
          cl.encounterId,
          rows.map((r) => r.encounterId),
        ),
        eq(cl.rank, 'secondary'),
      ),
    );
  const names = await queryRows<{ id: string; patient: string; payer: string; provider: string }>(
    db,
    sql`SELECT c.id, p.given_name || ' ' || p.family_name AS patient, y.name AS payer, v.name AS provider
        FROM claims c JOIN patients p ON p.id = c.patient_id JOIN payers y ON y.id = c.payer_id
        JOIN providers v ON v.id = c.provider_id
        WHERE c.id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  const claims: Claim[] = [];
  for (const row of rows) {
    const data = await claimDataSet(db, row);
    const contracted = await contractedFeesOn(db, row.clinicId, row.payerId, row.serviceDate);
    const superseded = row.rank === 'primary' && secondaries.some((s) => s.encounterId === row.encounterId);
    const own = claimLines
      .filter((l) => l.line.claimId === row.id)
      .map(({ line, charge, serviceId }) => {
        const allowed = contracted.get(serviceId);
        const paidCents = Number(paid.find((p) => p.claim_id === row.id && p.charge_id === charge.id)?.paid ?? 0);
        const owed = balances.get(charge.id)?.insurer ?? 0;
        return {
          id: line.id,
          lineNumber: line.lineNumber,
          chargeId: charge.id,
          serviceDate: charge.serviceDate,
          code: charge.code,
          modifiers: line.modifiers,
          description: charge.description,
          units: charge.units,
          chargeCents: line.chargeCents,
          diagnosisPointers: line.diagnosisPointers,
          paidCents,
          allowedCents: allowed === undefined ? null : allowed * charge.units,
          adjudication: line.adjudication,
          balanceCents: superseded || charge.status === 'void' ? 0 : Math.max(0, owed),
        };
      });
    const name = names.find((n) => n.id === row.id);
    claims.push({
      id: row.id,
      number: row.number,
      status: row.status,
      rank: row.rank,
      encounterId: row.encounterId,
      patientId: row.patientId,
      patientName: name?.patient ?? '',
      payerId: row.payerId,
      payerName: name?.payer ?? '',
      coverageId: row.coverageId,
      providerId: row.providerId,
      providerName: name?.provider ?? '',
      serviceDate: row.serviceDate,
      totalCents: row.totalCents,
      paidCents: own.reduce((sum, l) => sum + l.paidCents, 0),
      balanceCents: own.reduce((sum, l) => sum + l.balanceCents, 0),
      createdAt: row.createdAt.toISOString(),
      submittedAt: row.submittedAt ? row.submittedAt.toISOString() : null,
      problems: row.submittedData ? [] : claimProblems(data),
      lines: own,
      history: history
        .filter((h) => h.event.claimId === row.id)
        .map(({ event, userName }) => ({
          at: event.createdAt.toISOString(),
          fromStatus: event.fromStatus,
          toStatus: event.toStatus,
          note: event.note,
          userName,
        })),
      data,
    });
  }
  return claims;
}

export async function getClaim(db: Db, ctx: RequestContext, id: string): Promise<Claim> {
  const [claim] = await loadClaims(db, [await claimRow(db, ctx, id)]);
  return claim;
}

/**
 * Builds a claim from a signed visit's charges for the patient's coverage of that rank on the
 * date of service. It starts ready when nothing is missing, as a draft listing what to fix otherwise.
 */
export async function createClaim(
  db: Db,
  ctx: RequestContext,
  input: { encounterId: string; rank: ClaimRank },
  options: { priorClaimNote?: string } = {},
): Promise<Claim> {
  const e = schema.encounters;
  const [encounter] = await db
    .select()
    .from(e)
    .where(and(eq(e.id, input.encounterId), eq(e.clinicId, ctx.clinicId)));
  if (!encounter) throw AppError.notFound('The visit');
  if (encounter.status !== 'signed') {
    throw new AppError('conflict', 'Sign the visit first: a claim bills the charges signing makes.');
  }
  const coverage = await coverageOn(db, encounter.patientId, encounter.serviceDate, input.rank);
  if (!coverage) {
    throw new AppError(
      'conflict',
      `The patient had no ${input.rank} coverage on ${encounter.serviceDate}: there is no insurer to bill (self-pay).`,
    );
  }
  if (input.rank === 'secondary') {
    const [primary] = await db
      .select({ status: cl.status, number: cl.number })
      .from(cl)
      .where(and(eq(cl.encounterId, encounter.id), eq(cl.rank, 'primary')));
    if (!primary || !['paid', 'partially_paid', 'denied'].includes(primary.status)) {
      throw new AppError(
        'conflict',
        'Bill the secondary insurer after the primary insurer’s payment is posted (it needs what the primary paid).',
      );
    }
  }
  const charges = await db
    .select()
    .from(schema.charges)
    .where(and(eq(schema.charges.encounterId, encounter.id), eq(schema.charges.status, 'open')))
    .orderBy(asc(schema.charges.createdAt));
  const billable = charges.filter((charge) => charge.amountCents > 0);
  if (!billable.length) throw new AppError('conflict', 'The visit has no charges: there is nothing to claim.');
  const diagnoses = await db
    .select()
    .from(schema.encounterDiagnoses)
    .where(eq(schema.encounterDiagnoses.encounterId, encounter.id))
    .orderBy(asc(schema.encounterDiagnoses.position));
  const codes = diagnoses.map((d) => d.code);
  const id = newId();
  try {
    await db.transaction(async (tx) => {
      const number = await nextClaimNumber(tx, ctx.clinicId);
      await tx.insert(cl).values({
        id,
        clinicId: ctx.clinicId,
        number,
        encounterId: encounter.id,
        patientId: encounter.patientId,
        coverageId: coverage.id,
        payerId: coverage.payerId,
        providerId: encounter.providerId,
        locationId: encounter.locationId,
        rank: input.rank,
        serviceDate: encounter.serviceDate,
        totalCents: billable.reduce((sum, charge) => sum + charge.amountCents, 0),
        createdBy: ctx.userId,
      });
      await tx.insert(lines).values(
        billable.map((charge, index) => ({
          id: newId(),
          clinicId: ctx.clinicId,
          claimId: id,
          chargeId: charge.id,
          lineNumber: index + 1,
          // The line's diagnoses as positions in the visit's list (box 21 letters A–L).
          diagnosisPointers: charge.diagnosisCodes.map((code) => codes.indexOf(code) + 1).filter((p) => p > 0),
          chargeCents: charge.amountCents,
        })),
      );
      await recordClaimEvent(tx, ctx, { id, status: null }, 'draft', options.priorClaimNote ?? null);
      const [row] = await tx.select().from(cl).where(eq(cl.id, id));
      const problems = claimProblems(await claimDataSet(tx, row));
      if (!problems.length) await recordClaimEvent(tx, ctx, row, 'ready', 'Checked: nothing missing.');
      await recordAudit(tx, ctx, {
        action: 'claim.create',
        patientId: encounter.patientId,
        entityType: 'claim',
        entityId: id,
        details: { number, rank: input.rank, payerId: coverage.payerId, problems: problems.length },
      });
    });
  } catch (error) {
    if (sqlState(error) === '23505') {
      const [existing] = await db
        .select({ id: cl.id, number: cl.number })
        .from(cl)
        .where(and(eq(cl.encounterId, encounter.id), eq(cl.rank, input.rank)));
      throw new AppError(
        'conflict',
        `This visit is claimed already to its ${input.rank} insurer (claim ${existing?.number}).`,
        {
          details: { claimId: existing?.id },
        },
      );
    }
    throw error;
  }
  return getClaim(db, ctx, id);
}

/** Claims, newest first, filtered by status, patient or visit. */
export async function listClaims(
  db: Db,
  ctx: RequestContext,
  query: {
    status?: ClaimStatus[] | undefined;
    patientId?: string | undefined;
    encounterId?: string | undefined;
    /** Only claims whose status is that old (submitted and still unpaid after N days). */
    statusOlderThanDays?: number | undefined;
  },
): Promise<{ items: Claim[] }> {
  const rows = await db
    .select()
    .from(cl)
    .where(
      and(
        eq(cl.clinicId, ctx.clinicId),
        query.status?.length ? inArray(cl.status, query.status) : undefined,
        query.patientId ? eq(cl.patientId, query.patientId) : undefined,
        query.encounterId ? eq(cl.encounterId, query.encounterId) : undefined,
        query.statusOlderThanDays !== undefined
          ? sql`${cl.statusAt} <= now() - make_interval(days => ${query.statusOlderThanDays})`
          : undefined,
      ),
    )
    .orderBy(query.statusOlderThanDays !== undefined ? asc(cl.statusAt) : desc(cl.createdAt), desc(cl.number))
    .limit(500);
  const items = await loadClaims(db, rows);
  await recordAudit(db, ctx, {
    action: 'claim.read',
    patientId: query.patientId ?? null,
    entityType: 'claim',
    details: { count: items.length, status: query.status ?? null },
  });
  return { items };
}

/** Moves a draft to ready when nothing is missing any more (or back to draft when something is). */
export async function recheckClaim(db: Db, ctx: RequestContext, id: string): Promise<Claim> {
  await db.transaction(async (tx) => {
    const row = await claimRow(tx, ctx, id, true);
    if (!['draft', 'ready', 'rejected'].includes(row.status)) {
      throw new AppError('conflict', `Claim ${row.number} is ${STATUS_LABEL[row.status]}: there is nothing to check.`);
    }
    const problems = claimProblems(await claimDataSet(tx, row));
    const to: ClaimStatus = problems.length ? 'draft' : 'ready';
    if (to !== row.status) {
      await recordClaimEvent(
        tx,
        ctx,
        row,
        to,
        problems.length ? `${problems.length} thing(s) to fix.` : 'Checked: nothing missing.',
      );
    }
  });
  return getClaim(db, ctx, id);
}

/** Corrects service lines (modifiers, diagnosis pointers) before submission or after a rejection. */
export async function updateClaim(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: z.output<typeof zClaimUpdate>,
): Promise<Claim> {
  await db.transaction(async (tx) => {
    const row = await claimRow(tx, ctx, id, true);
    if (!['draft', 'ready', 'rejected'].includes(row.status)) {
      throw new AppError(
        'conflict',
        `Claim ${row.number} is ${STATUS_LABEL[row.status]}: only a draft, ready or rejected claim can be corrected.`,
      );
    }
    for (const [index, change] of input.lines.entries()) {
      const updated = await tx
        .update(lines)
        .set({
          ...(change.modifiers ? { modifiers: change.modifiers } : {}),
          ...(change.diagnosisPointers ? { diagnosisPointers: change.diagnosisPointers } : {}),
        })
        .where(and(eq(lines.id, change.id), eq(lines.claimId, id)))
        .returning({ id: lines.id });
      if (!updated.length)
        throw AppError.validation([{ path: `lines.${index}.id`, message: 'Not a line of this claim.' }]);
    }
    await recordAudit(tx, ctx, {
      action: 'claim.update',
      patientId: row.patientId,
      entityType: 'claim',
      entityId: id,
      details: { lines: input.lines.length },
    });
    const problems = claimProblems(await claimDataSet(tx, row));
    const to: ClaimStatus = problems.length ? 'draft' : 'ready';
    if (to !== row.status) await recordClaimEvent(tx, ctx, row, to, 'Lines corrected.');
  });
  return getClaim(db, ctx, id);
}

/**
 * Submits a claim: refused with every problem listed when something is missing; otherwise the
 * data set is kept as submitted (what the 837P and the form show from now on).
 */
export async function submitClaim(db: Db, ctx: RequestContext, id: string): Promise<Claim> {
  await db.transaction(async (tx) => {
    const row = await claimRow(tx, ctx, id, true);
    assertTransition(row, 'submitted');
    const data = await claimDataSet(tx, row);
    const problems = claimProblems(data);
    if (problems.length) {
      throw AppError.validation(problems.map((p) => ({ path: p.field, message: p.message })));
    }
    await tx.update(cl).set({ submittedData: data, submittedAt: new Date() }).where(eq(cl.id, id));
    await recordClaimEvent(tx, ctx, row, 'submitted', null);
    await recordAudit(tx, ctx, {
      action: 'claim.submit',
      patientId: row.patientId,
      entityType: 'claim',
      entityId: id,
      details: {
        number: row.number,
        totalCents: data.totalCents,
        recipient: data.payer.name,
        purpose: 'payment',
      },
    });
  });
  return getClaim(db, ctx, id);
}

/** The insurer's answer to a submission: accepted for processing, or rejected (fix and resubmit). */
export async function setClaimStatus(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: { status: 'accepted' | 'rejected'; note: string | null },
): Promise<Claim> {
  await db.transaction(async (tx) => {
    const row = await claimRow(tx, ctx, id, true);
    assertTransition(row, input.status);
    if (input.status === 'rejected') {
      if (!input.note) {
        throw AppError.validation([{ path: 'note', message: 'Say why the insurer rejected it (from its report).' }]);
      }
      // A rejected claim is corrected from the current records, then submitted again.
      await tx.update(cl).set({ submittedData: null }).where(eq(cl.id, id));
    }
    await recordClaimEvent(tx, ctx, row, input.status, input.note);
    await recordAudit(tx, ctx, {
      action: 'claim.status',
      patientId: row.patientId,
      entityType: 'claim',
      entityId: id,
      details: { from: row.status, to: input.status },
    });
  });
  return getClaim(db, ctx, id);
}

/** The claims with these ids (of this clinic), in the order given; unknown ids are refused. */
export async function claimsByIds(db: Db, ctx: RequestContext, ids: string[]): Promise<Claim[]> {
  const rows = await db
    .select()
    .from(cl)
    .where(and(eq(cl.clinicId, ctx.clinicId), inArray(cl.id, ids)));
  if (rows.length !== new Set(ids).size) {
    throw AppError.validation([{ path: 'ids', message: 'Choose claims of this clinic.' }]);
  }
  const loaded = await loadClaims(db, rows);
  return ids.map((id) => loaded.find((claim) => claim.id === id)).filter((c): c is Claim => Boolean(c));
}
