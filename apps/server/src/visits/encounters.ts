import { type Db, newId, schema, sqlState } from '@tend/db';
import {
  type AddendumCreate,
  AppError,
  type Encounter,
  type EncounterCreate,
  type EncounterPatch,
  type EncounterSummary,
  formatIcd10Code,
  instantToZoned,
  type ServiceLineInput,
  todayIn,
  type VisitListItem,
} from '@tend/domain';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit/service';
import { standardFeesOn } from '../billing/fees';
import { requireBillableIcd10 } from '../codes/service';
import type { RequestContext } from '../context';
import { accessDetails, clinicalAccessSql, type PatientAccess, requireClinicalPatient } from '../patients/access';
import { changeAppointmentStatus } from '../scheduling/appointments';
import { requireAppointment, requireLocation, requireProvider } from '../scheduling/shared';
import { requireService, templateFor } from './catalogue';
import { createCharges, lockVisitAppointment, voidCharges } from './charges';

/**
 * Encounters (visits): opened from a checked-in appointment or as a walk-in; the note is written
 * while in progress (autosave, guarded by a version), signed by its provider, then locked —
 * corrections are addenda. Signing turns the service lines into charges.
 */

const e = schema.encounters;
const d = schema.encounterDiagnoses;
const l = schema.encounterServices;

type EncounterRow = typeof e.$inferSelect;
type DiagnosisRow = typeof d.$inferSelect;
type LineRow = typeof l.$inferSelect;

const iso = (date: Date) => date.toISOString();

/** The clinic's visit (else 404), of a patient whose clinical record the user may open (else 403). */
async function requireEncounterAccess(db: Db, ctx: RequestContext, id: string) {
  const [row] = await db
    .select()
    .from(e)
    .where(and(eq(e.id, id), eq(e.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The visit');
  return { row, ...(await requireClinicalPatient(db, ctx, row.patientId)) };
}

async function requireEncounter(db: Db, ctx: RequestContext, id: string): Promise<EncounterRow> {
  return (await requireEncounterAccess(db, ctx, id)).row;
}

async function codesOf(db: Db, encounterId: string): Promise<{ diagnoses: DiagnosisRow[]; lines: LineRow[] }> {
  const [diagnoses, lines] = await Promise.all([
    db.select().from(d).where(eq(d.encounterId, encounterId)).orderBy(asc(d.position)),
    db.select().from(l).where(eq(l.encounterId, encounterId)).orderBy(asc(l.createdAt), asc(l.id)),
  ]);
  return { diagnoses, lines };
}

/** The columns a visit's summary shows (a list reads these, not the note's text). */
const summaryColumns = {
  id: e.id,
  patientId: e.patientId,
  providerId: e.providerId,
  locationId: e.locationId,
  appointmentId: e.appointmentId,
  serviceDate: e.serviceDate,
  status: e.status,
  signedAt: e.signedAt,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
};

function summary(
  row: Pick<EncounterRow, keyof typeof summaryColumns>,
  patientName: string,
  codes: { diagnoses: DiagnosisRow[]; lines: LineRow[] },
) {
  return {
    id: row.id,
    patientId: row.patientId,
    patientName,
    providerId: row.providerId,
    locationId: row.locationId,
    appointmentId: row.appointmentId,
    serviceDate: row.serviceDate,
    status: row.status,
    signedAt: row.signedAt ? iso(row.signedAt) : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    diagnoses: codes.diagnoses.map((x) => ({
      position: x.position,
      code: formatIcd10Code(x.code),
      description: x.description,
      chronic: x.chronic,
      addendumId: x.addendumId,
    })),
    services: codes.lines.map((x) => ({
      id: x.id,
      serviceId: x.serviceId,
      code: x.code,
      codeSystem: x.codeSystem,
      description: x.description,
      units: x.units,
      feeCents: x.feeCents,
      diagnosisPointers: x.diagnosisPointers,
      addedByAddendumId: x.addedByAddendumId,
      removedByAddendumId: x.removedByAddendumId,
    })),
  } satisfies EncounterSummary;
}

const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

/** The whole visit with its note; reading it is audited. */
export async function getEncounter(db: Db, ctx: RequestContext, id: string): Promise<Encounter> {
  const { row, patient, access } = await requireEncounterAccess(db, ctx, id);
  const codes = await codesOf(db, row.id);
  const addenda = await db
    .select({ addendum: schema.encounterAddenda, authorName: schema.users.name })
    .from(schema.encounterAddenda)
    .innerJoin(schema.users, eq(schema.users.id, schema.encounterAddenda.authorId))
    .where(eq(schema.encounterAddenda.encounterId, row.id))
    .orderBy(asc(schema.encounterAddenda.createdAt));
  await recordAudit(db, ctx, {
    action: 'encounter.read',
    patientId: row.patientId,
    entityType: 'encounter',
    entityId: row.id,
    details: accessDetails(access),
  });
  return {
    ...summary(row, nameOf(patient), codes),
    version: row.version,
    chiefComplaint: row.chiefComplaint,
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    signedBy: row.signedBy,
    addenda: addenda.map(({ addendum, authorName }) => ({
      id: addendum.id,
      authorId: addendum.authorId,
      authorName,
      reason: addendum.reason,
      text: addendum.text,
      changes: addendum.changes,
      createdAt: iso(addendum.createdAt),
    })),
  };
}

/**
 * Opens the visit of a checked-in appointment (starting the appointment), or a walk-in. Opening
 * an appointment's visit twice returns the one already open.
 */
export async function openEncounter(
  db: Db,
  ctx: RequestContext,
  input: EncounterCreate,
): Promise<{ encounter: Encounter; created: boolean }> {
  let values: Omit<typeof e.$inferInsert, 'id' | 'clinicId'>;
  let appointmentTypeId: string | null = null;
  let access: PatientAccess;
  if ('appointmentId' in input) {
    const appointment = await requireAppointment(db, ctx, input.appointmentId);
    access = (await requireClinicalPatient(db, ctx, appointment.patientId)).access;
    const [existing] = await db
      .select({ id: e.id })
      .from(e)
      .where(and(eq(e.appointmentId, appointment.id), eq(e.clinicId, ctx.clinicId)));
    if (existing) return { encounter: await getEncounter(db, ctx, existing.id), created: false };
    if (!['checked_in', 'in_progress', 'completed'].includes(appointment.status)) {
      throw new AppError(
        'conflict',
        'Check the patient in first: a visit is opened from a checked-in appointment (or as a walk-in).',
      );
    }
    if (appointment.status === 'checked_in') {
      await changeAppointmentStatus(db, ctx, appointment.id, 'start');
    }
    const location = await requireLocation(db, ctx, appointment.locationId);
    appointmentTypeId = appointment.appointmentTypeId;
    values = {
      patientId: appointment.patientId,
      providerId: appointment.providerId,
      locationId: location.id,
      appointmentId: appointment.id,
      serviceDate: instantToZoned(appointment.startAt.getTime(), location.timezone).date,
    };
  } else {
    access = (await requireClinicalPatient(db, ctx, input.patientId)).access;
    const provider = await requireProvider(db, ctx, input.providerId);
    if (!provider.active) {
      throw AppError.validation([{ path: 'providerId', message: `${provider.name} is no longer active.` }]);
    }
    const location = input.locationId ? await requireLocation(db, ctx, input.locationId) : await firstLocation(db, ctx);
    values = {
      patientId: input.patientId,
      providerId: provider.id,
      locationId: location.id,
      appointmentId: null,
      serviceDate: todayIn(location.timezone),
    };
  }
  const template = await templateFor(db, ctx.clinicId, appointmentTypeId);
  const id = newId();
  try {
    await db.transaction(async (tx) => {
      await tx.insert(e).values({
        id,
        clinicId: ctx.clinicId,
        ...values,
        subjective: template?.subjective ?? '',
        objective: template?.objective ?? '',
        assessment: template?.assessment ?? '',
        plan: template?.plan ?? '',
        createdBy: ctx.userId,
      });
      await recordAudit(tx, ctx, {
        action: 'encounter.create',
        patientId: values.patientId,
        entityType: 'encounter',
        entityId: id,
        details: accessDetails(access, {
          appointmentId: values.appointmentId ?? null,
          templateId: template?.id ?? null,
        }),
      });
    });
  } catch (error) {
    // Two clicks on "Open visit" at once: the second finds the first's.
    if (sqlState(error) === '23505' && values.appointmentId) {
      const [existing] = await db.select({ id: e.id }).from(e).where(eq(e.appointmentId, values.appointmentId));
      if (existing) return { encounter: await getEncounter(db, ctx, existing.id), created: false };
    }
    throw error;
  }
  return { encounter: await getEncounter(db, ctx, id), created: true };
}

async function firstLocation(db: Db, ctx: RequestContext) {
  const [location] = await db
    .select()
    .from(schema.locations)
    .where(and(eq(schema.locations.clinicId, ctx.clinicId), eq(schema.locations.active, true)))
    .orderBy(asc(schema.locations.name))
    .limit(1);
  if (!location) throw AppError.validation([{ path: 'locationId', message: 'Add a location to the clinic first.' }]);
  return location;
}

function lockedError(): AppError {
  return new AppError('conflict', 'This visit is signed and locked. Add an addendum to correct or add to it.');
}

/** Checks a diagnosis list against the code set; returns the rows to store. */
async function checkDiagnoses(
  db: Db,
  list: readonly { code: string; chronic: boolean }[],
  path: string,
  firstPosition = 1,
): Promise<Omit<DiagnosisRow, 'id' | 'clinicId' | 'encounterId' | 'addendumId'>[]> {
  const rows = [];
  for (const [index, diagnosis] of list.entries()) {
    const found = await requireBillableIcd10(db, diagnosis.code, `${path}.${index}.code`);
    rows.push({
      position: firstPosition + index,
      code: diagnosis.code,
      description: found.description,
      chronic: diagnosis.chronic,
    });
  }
  return rows;
}

/**
 * Checks service lines against the catalogue and the visit's diagnoses (pointers name existing
 * positions; a service that needs certain diagnoses points at one of them).
 */
async function checkLines(
  db: Db,
  ctx: RequestContext,
  lines: readonly ServiceLineInput[],
  diagnoses: readonly { position: number; code: string }[],
  path: string,
): Promise<
  Omit<LineRow, 'id' | 'clinicId' | 'encounterId' | 'createdAt' | 'addedByAddendumId' | 'removedByAddendumId'>[]
> {
  const rows = [];
  for (const [index, line] of lines.entries()) {
    const at = `${path}.${index}`;
    const service = await requireService(db, ctx, line.serviceId, `${at}.serviceId`);
    if (!service.active) {
      throw AppError.validation([{ path: `${at}.serviceId`, message: `${service.code} is no longer offered.` }]);
    }
    const pointed = line.diagnosisPointers.map((p) => diagnoses.find((x) => x.position === p));
    if (pointed.some((x) => !x)) {
      throw AppError.validation([
        {
          path: `${at}.diagnosisPointers`,
          message: `The visit has ${diagnoses.length} diagnoses; point at one of them.`,
        },
      ]);
    }
    if (
      service.diagnosisPrefixes.length &&
      !pointed.some((x) => service.diagnosisPrefixes.some((prefix) => x?.code.startsWith(prefix)))
    ) {
      throw AppError.validation([
        {
          path: `${at}.diagnosisPointers`,
          message: `${service.code} ${service.description} needs a diagnosis starting with ${service.diagnosisPrefixes.map(formatIcd10Code).join(' or ')}.`,
        },
      ]);
    }
    rows.push({
      serviceId: service.id,
      code: service.code,
      codeSystem: service.codeSystem,
      description: service.description,
      units: line.units ?? service.defaultUnits,
      feeCents: service.feeCents,
      diagnosisPointers: line.diagnosisPointers,
    });
  }
  return rows;
}

const NOTE_FIELDS = ['subjective', 'objective', 'assessment', 'plan'] as const;

/** Saves changes while the visit is in progress (autosave). Nurses write the intake only. */
export async function updateEncounter(
  db: Db,
  ctx: RequestContext,
  id: string,
  patch: EncounterPatch,
): Promise<Encounter> {
  const { row: current, access } = await requireEncounterAccess(db, ctx, id);
  if (current.status === 'signed') throw lockedError();
  const providerParts =
    NOTE_FIELDS.some((field) => patch[field] !== undefined) ||
    patch.diagnoses !== undefined ||
    patch.services !== undefined;
  if (providerParts && ctx.role !== 'provider') {
    throw AppError.forbidden(
      'Nurses record vitals and the intake (chief complaint); the note and codes are the provider’s.',
    );
  }
  const diagnoses = patch.diagnoses ? await checkDiagnoses(db, patch.diagnoses, 'diagnoses') : null;
  const known = diagnoses ?? (await db.select().from(d).where(eq(d.encounterId, id)));
  const lines =
    patch.services !== undefined
      ? await checkLines(db, ctx, patch.services, known, 'services')
      : diagnoses
        ? await revalidatedLines(db, ctx, id, known)
        : null;

  const text = Object.fromEntries(
    (['chiefComplaint', ...NOTE_FIELDS] as const).filter((f) => patch[f] !== undefined).map((f) => [f, patch[f]]),
  );
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(e)
      .set({ ...text, version: sql`${e.version} + 1`, updatedAt: new Date() })
      .where(and(eq(e.id, id), eq(e.status, 'in_progress'), eq(e.version, patch.version)))
      .returning({ id: e.id });
    if (!updated) {
      const now = await requireEncounter(tx, ctx, id);
      if (now.status === 'signed') throw lockedError();
      throw new AppError(
        'conflict',
        'This note was changed in another window or by someone else. Reload it to see the latest text; what you typed here is kept on screen.',
        { details: { version: now.version } },
      );
    }
    if (diagnoses) {
      await tx.delete(d).where(eq(d.encounterId, id));
      if (diagnoses.length) {
        await tx
          .insert(d)
          .values(diagnoses.map((x) => ({ id: newId(), clinicId: ctx.clinicId, encounterId: id, ...x })));
      }
    }
    if (lines) {
      await tx.delete(l).where(eq(l.encounterId, id));
      if (lines.length) {
        await tx.insert(l).values(lines.map((x) => ({ id: newId(), clinicId: ctx.clinicId, encounterId: id, ...x })));
      }
    }
    await recordAudit(tx, ctx, {
      action: 'encounter.update',
      patientId: current.patientId,
      entityType: 'encounter',
      entityId: id,
      details: accessDetails(access, {
        fields: Object.keys(patch).filter((k) => k !== 'version'),
        diagnoses: diagnoses?.length,
        services: lines?.length,
      }),
    });
  });
  return getEncounter(db, ctx, id);
}

/** When the diagnoses change without the services, the existing lines must still point right. */
async function revalidatedLines(
  db: Db,
  ctx: RequestContext,
  encounterId: string,
  diagnoses: readonly { position: number; code: string }[],
) {
  const existing = await db.select().from(l).where(eq(l.encounterId, encounterId)).orderBy(asc(l.createdAt));
  return checkLines(
    db,
    ctx,
    existing.map((x) => ({ serviceId: x.serviceId, units: x.units, diagnosisPointers: x.diagnosisPointers })),
    diagnoses,
    'services',
  );
}

/** Only the visit's own provider signs it. */
async function requireOwnProvider(db: Db, ctx: RequestContext, providerId: string, what: string) {
  const provider = await requireProvider(db, ctx, providerId);
  if (provider.userId !== ctx.userId) {
    throw AppError.forbidden(`Only ${provider.name} (the visit's provider) can ${what} this visit.`);
  }
  return provider;
}

/**
 * Signs the visit: the note is locked, each service line becomes a charge (fee from the
 * catalogue now), and chronic diagnoses go onto the problem list — all in one transaction.
 */
export async function signEncounter(db: Db, ctx: RequestContext, id: string): Promise<Encounter> {
  const current = await requireEncounter(db, ctx, id);
  if (current.status === 'signed') throw new AppError('conflict', 'This visit is signed already.');
  await requireOwnProvider(db, ctx, current.providerId, 'sign');
  const { diagnoses, lines } = await codesOf(db, id);
  // The lines are checked again: the catalogue or the code set may have changed since they were saved.
  const checked = await checkLines(
    db,
    ctx,
    lines.map((x) => ({ serviceId: x.serviceId, units: x.units, diagnosisPointers: x.diagnosisPointers })),
    diagnoses,
    'services',
  );
  for (const [index, diagnosis] of diagnoses.entries()) {
    await requireBillableIcd10(db, diagnosis.code, `diagnoses.${index}.code`);
  }
  // The fee in force on the date of service (the fee schedule, else the catalogue).
  const fees = await standardFeesOn(
    db,
    ctx.clinicId,
    checked.map((line) => ({ id: line.serviceId, feeCents: line.feeCents })),
    current.serviceDate,
  );
  for (const line of checked) line.feeCents = fees.get(line.serviceId) ?? line.feeCents;
  await db.transaction(async (tx) => {
    await lockVisitAppointment(tx, current.appointmentId);
    const now = new Date();
    const [signed] = await tx
      .update(e)
      .set({ status: 'signed', signedAt: now, signedBy: ctx.userId, updatedAt: now })
      .where(and(eq(e.id, id), eq(e.status, 'in_progress')))
      .returning();
    if (!signed) throw new AppError('conflict', 'This visit is signed already.');
    for (const [index, line] of lines.entries()) {
      await tx.update(l).set({ feeCents: checked[index].feeCents }).where(eq(l.id, line.id));
    }
    const charges = await createCharges(
      tx,
      ctx,
      signed,
      lines.map((line, index) => ({ ...line, feeCents: checked[index].feeCents })),
      diagnoses,
      null,
    );
    await addChronicProblems(tx, ctx, signed, diagnoses);
    await recordAudit(tx, ctx, {
      action: 'encounter.sign',
      patientId: signed.patientId,
      entityType: 'encounter',
      entityId: id,
      details: {
        charges: charges.length,
        totalCents: charges.reduce((sum, c) => sum + c.amountCents, 0),
        withoutCharge: charges.length === 0,
      },
    });
  });
  return getEncounter(db, ctx, id);
}

async function addChronicProblems(
  tx: Db,
  ctx: RequestContext,
  encounter: EncounterRow,
  diagnoses: readonly DiagnosisRow[],
) {
  for (const diagnosis of diagnoses.filter((x) => x.chronic)) {
    const p = schema.problems;
    const [active] = await tx
      .select({ id: p.id })
      .from(p)
      .where(and(eq(p.patientId, encounter.patientId), eq(p.code, diagnosis.code), eq(p.status, 'active')));
    if (active) continue;
    await tx.insert(p).values({
      id: newId(),
      clinicId: ctx.clinicId,
      patientId: encounter.patientId,
      code: diagnosis.code,
      description: diagnosis.description,
      encounterId: encounter.id,
      createdBy: ctx.userId,
    });
  }
}

/**
 * A correction after signing: text, and codes added or removed. Added service lines make charges
 * at once; removed lines void theirs (with the addendum's reason) — visibly, never silently.
 */
export async function addAddendum(db: Db, ctx: RequestContext, id: string, input: AddendumCreate): Promise<Encounter> {
  const { row: current, access } = await requireEncounterAccess(db, ctx, id);
  if (current.status !== 'signed') {
    throw new AppError('conflict', 'This visit is not signed yet: change the note itself.');
  }
  const existing = await codesOf(db, id);
  const added = await checkDiagnoses(db, input.addDiagnoses, 'addDiagnoses', existing.diagnoses.length + 1);
  for (const [index, diagnosis] of added.entries()) {
    if (existing.diagnoses.some((x) => x.code === diagnosis.code)) {
      throw AppError.validation([
        { path: `addDiagnoses.${index}.code`, message: 'This diagnosis is on the visit already.' },
      ]);
    }
  }
  if (existing.diagnoses.length + added.length > 12) {
    throw AppError.validation([{ path: 'addDiagnoses', message: 'A visit can carry at most 12 diagnoses.' }]);
  }
  const allDiagnoses = [...existing.diagnoses, ...added];
  const newLines = await checkLines(db, ctx, input.addServices, allDiagnoses, 'addServices');
  const fees = await standardFeesOn(
    db,
    ctx.clinicId,
    newLines.map((line) => ({ id: line.serviceId, feeCents: line.feeCents })),
    current.serviceDate,
  );
  for (const line of newLines) line.feeCents = fees.get(line.serviceId) ?? line.feeCents;
  for (const [index, lineId] of input.removeServiceLineIds.entries()) {
    const line = existing.lines.find((x) => x.id === lineId);
    if (!line || line.removedByAddendumId) {
      throw AppError.validation([
        { path: `removeServiceLineIds.${index}`, message: 'Choose a service line of this visit that is still billed.' },
      ]);
    }
  }
  const addendumId = newId();
  await db.transaction(async (tx) => {
    await lockVisitAppointment(tx, current.appointmentId);
    const [encounter] = await tx.select().from(e).where(eq(e.id, id));
    await tx.insert(schema.encounterAddenda).values({
      id: addendumId,
      clinicId: ctx.clinicId,
      encounterId: id,
      authorId: ctx.userId,
      reason: input.reason,
      text: input.text,
      changes: {
        addedDiagnoses: added.map((x) => formatIcd10Code(x.code)),
        addedServices: newLines.map((x) => x.code),
        removedServiceLines: input.removeServiceLineIds,
      },
    });
    const addedDiagnosisRows = added.length
      ? await tx
          .insert(d)
          .values(added.map((x) => ({ id: newId(), clinicId: ctx.clinicId, encounterId: id, addendumId, ...x })))
          .returning()
      : [];
    const insertedLines = newLines.length
      ? await tx
          .insert(l)
          .values(
            newLines.map((x) => ({
              id: newId(),
              clinicId: ctx.clinicId,
              encounterId: id,
              addedByAddendumId: addendumId,
              ...x,
            })),
          )
          .returning()
      : [];
    if (input.removeServiceLineIds.length) {
      await tx
        .update(l)
        .set({ removedByAddendumId: addendumId })
        .where(and(inArray(l.id, input.removeServiceLineIds), isNull(l.removedByAddendumId)));
      await voidCharges(tx, ctx, input.removeServiceLineIds, `Addendum: ${input.reason}`);
    }
    await createCharges(tx, ctx, encounter, insertedLines, [...existing.diagnoses, ...addedDiagnosisRows], addendumId);
    await addChronicProblems(tx, ctx, encounter, addedDiagnosisRows);
    await recordAudit(tx, ctx, {
      action: 'encounter.addendum',
      patientId: current.patientId,
      entityType: 'encounter',
      entityId: id,
      details: accessDetails(access, {
        addendumId,
        addedDiagnoses: added.length,
        addedServices: newLines.length,
        removedServices: input.removeServiceLineIds.length,
      }),
    });
  });
  return getEncounter(db, ctx, id);
}

/** The most visits one list returns; `truncated` says there were more. */
const LIST_CAP = 500;

/**
 * Visits (state and diagnoses; no note text, no service lines) by day, provider or status: a provider's day, the
 * unsigned notes, the signed visits without a charge.
 */
export async function listEncounters(
  db: Db,
  ctx: RequestContext,
  query: {
    providerId?: string | undefined;
    patientId?: string | undefined;
    date?: string | undefined;
    status?: 'in_progress' | 'signed' | undefined;
    withoutCharge?: boolean | undefined;
  },
): Promise<{ items: VisitListItem[]; truncated: boolean }> {
  const p = schema.patients;
  // Visits list their codes: clinical, so a restricted patient's are asked for with a 403 and
  // left out of other lists. The billing views (without a charge) show codes only to bill them.
  const clinicalView = !query.withoutCharge;
  if (clinicalView && query.patientId) await requireClinicalPatient(db, ctx, query.patientId);
  const rows = await db
    .select({ encounter: summaryColumns, given: p.givenName, family: p.familyName })
    .from(e)
    .innerJoin(p, eq(p.id, e.patientId))
    .where(
      and(
        eq(e.clinicId, ctx.clinicId),
        clinicalView ? clinicalAccessSql(ctx) : undefined,
        query.providerId ? eq(e.providerId, query.providerId) : undefined,
        query.patientId ? eq(e.patientId, query.patientId) : undefined,
        query.date ? eq(e.serviceDate, query.date) : undefined,
        query.status ? eq(e.status, query.status) : undefined,
        // Signed and billing nothing, decided before the cap (not among the capped visits).
        query.withoutCharge
          ? and(
              eq(e.status, 'signed'),
              sql`NOT EXISTS (SELECT 1 FROM ${schema.charges} WHERE ${schema.charges.encounterId} = ${e.id}
                                AND ${schema.charges.status} = 'open')`,
            )
          : undefined,
      ),
    )
    // At most 500, one more read to tell that the list is cut. Visits without a charge: the
    // oldest (the most overdue to bill). Others: the latest (a chart lists the newest first).
    // Either is returned oldest first.
    .orderBy(
      ...(query.withoutCharge
        ? [asc(e.serviceDate), asc(e.createdAt), asc(e.id)]
        : [desc(e.serviceDate), desc(e.createdAt), desc(e.id)]),
    )
    .limit(LIST_CAP + 1);
  const truncated = rows.length > LIST_CAP;
  rows.splice(LIST_CAP);
  if (!query.withoutCharge) rows.reverse();
  const ids = rows.map((r) => r.encounter.id);
  // One array parameter, not one per visit: building and binding 3 × 500 parameters cost more than the queries.
  const inIds = (column: AnyPgColumn) => sql`${column} = ANY(${`{${ids.join(',')}}`}::uuid[])`;
  // No service lines: a list shows none (they were half of a 500-visit chart's 775 KB); the visit has them.
  const [diagnoses, charges] = ids.length
    ? await Promise.all([
        db.select().from(d).where(inIds(d.encounterId)).orderBy(asc(d.position)),
        db
          // Counted in SQL: one row per visit, not one per charge.
          .select({ encounterId: schema.charges.encounterId, count: sql<number>`count(*)::int` })
          .from(schema.charges)
          .where(and(inIds(schema.charges.encounterId), eq(schema.charges.status, 'open')))
          .groupBy(schema.charges.encounterId),
      ])
    : [[], []];
  // Grouped once by visit (not filtered per visit: 500 visits × 2,500 code rows was quadratic).
  const group = <T extends { encounterId: string | null }>(list: T[]) => {
    const byVisit = new Map<string, T[]>();
    for (const x of list) {
      if (!x.encounterId) continue;
      const those = byVisit.get(x.encounterId);
      if (those) those.push(x);
      else byVisit.set(x.encounterId, [x]);
    }
    return byVisit;
  };
  const diagnosesOf = group(diagnoses);
  const chargesOf = new Map(charges.map((c) => [c.encounterId, c.count]));
  const dayAgo = Date.now() - 86_400_000;
  const items = rows.map((r) => {
    const chargeCount = chargesOf.get(r.encounter.id) ?? 0;
    const { services: _none, ...visit } = summary(r.encounter, `${r.given} ${r.family}`, {
      diagnoses: diagnosesOf.get(r.encounter.id) ?? [],
      lines: [],
    });
    return {
      ...visit,
      // Unsigned more than a day after it was opened: flagged on the provider's day and for the manager.
      overdue: r.encounter.status === 'in_progress' && r.encounter.createdAt.getTime() < dayAgo,
      chargeCount,
    };
  });
  return { items, truncated };
}

export { requireEncounter, requireEncounterAccess, requireOwnProvider };
