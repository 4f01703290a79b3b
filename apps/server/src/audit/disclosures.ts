import { type Db, schema } from '@tend/db';
import {
  DISCLOSURE_ACTIONS,
  DISCLOSURE_PURPOSES,
  type Disclosure,
  type DisclosureAction,
  type DisclosurePurpose,
  type MessageKey,
  t,
  toCsv,
} from '@tend/domain';
import { and, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import type { RequestContext } from '../context';
import { requirePatient } from '../patients/service';
import { recordAudit } from './service';

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

function purposeOf(action: string, details: Record<string, unknown> | null): DisclosurePurpose {
  const recorded = details?.purpose;
  return (DISCLOSURE_PURPOSES as readonly unknown[]).includes(recorded)
    ? (recorded as DisclosurePurpose)
    : DISCLOSURE_ACTIONS[action as DisclosureAction];
}

/**
 * A patient's accounting of disclosures: each time their information left the clinic (successful
 * disclosure actions of the audit log), newest first, with the recipient and the purpose.
 */
export async function listDisclosuresUnaudited(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<Disclosure[]> {
  const a = schema.auditEvents;
  const rows = await db
    .select({ event: a, actorName: schema.users.name })
    .from(a)
    .leftJoin(schema.users, and(eq(schema.users.id, a.actorUserId), eq(schema.users.clinicId, a.clinicId)))
    .where(
      and(
        eq(a.clinicId, ctx.clinicId),
        eq(a.patientId, patientId),
        eq(a.outcome, 'success'),
        inArray(a.action, Object.keys(DISCLOSURE_ACTIONS)),
        range.from ? gte(a.occurredAt, new Date(range.from)) : undefined,
        range.to ? lte(a.occurredAt, new Date(range.to)) : undefined,
      ),
    )
    .orderBy(desc(a.occurredAt), desc(a.id));
  return rows.map(({ event, actorName }) => ({
    id: String(event.id),
    occurredAt: event.occurredAt.toISOString(),
    action: event.action,
    recipient: text(event.details?.recipient) ?? text(event.details?.to),
    purpose: purposeOf(event.action, event.details),
    actorName,
    entityType: event.entityType,
    entityId: event.entityId,
  }));
}

/** The accounting for someone reading it (a patient's own record export lists it unaudited). Audited as `disclosure.report`. */
export async function listDisclosures(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  range: { from?: string | undefined; to?: string | undefined },
  format: 'json' | 'csv' = 'json',
): Promise<Disclosure[]> {
  await requirePatient(db, ctx, patientId);
  const disclosures = await listDisclosuresUnaudited(db, ctx, patientId, range);
  await recordAudit(db, ctx, {
    action: 'disclosure.report',
    patientId,
    entityType: 'patient',
    entityId: patientId,
    details: { from: range.from, to: range.to, format, resultCount: disclosures.length },
  });
  return disclosures;
}

/** The accounting as CSV: date, what, recipient, purpose, by whom. */
export function disclosuresCsv(disclosures: Disclosure[]): string {
  return toCsv([
    [
      t('disclosures.date'),
      t('disclosures.what'),
      t('disclosures.recipient'),
      t('disclosures.purpose'),
      t('disclosures.by'),
    ],
    ...disclosures.map((d) => [
      d.occurredAt,
      t(`auditAction.${d.action}` as MessageKey),
      d.recipient ?? '',
      t(`disclosures.purpose.${d.purpose}`),
      d.actorName ?? '',
    ]),
  ]);
}
