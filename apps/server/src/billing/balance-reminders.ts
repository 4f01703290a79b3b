import { type Db, queryRows, schema } from '@tend/db';
import {
  type BalanceReminderOverview,
  type BalanceReminderSettings,
  balanceReminderDue,
  DEFAULT_BALANCE_REMINDER_SETTINGS,
  formatCents,
  type InvoiceReminder,
  renderTemplate,
} from '@tend/domain';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { patientFacingPhone } from '../clinic/service';
import type { RequestContext } from '../context';
import { enqueueMessage, type MessagingEnv, withdrawMessages } from '../messaging/outbox';
import { templateFor } from '../reminders/templates';
import { invoiceFilename, loadInvoices, renderInvoicePdf } from './invoices';
import { balancesOf } from './ledger';

/**
 * Balance reminders (see packages/domain billing/balance-reminders.ts for when they are due). The
 * outbox worker's sweep looks through a clinic's invoices once per clinic day: it claims the day
 * with one UPDATE of the clinic's settings row, so with several server processes one does the
 * work and the others — and every later pass that day — stop at that one cheap query. Each
 * reminder is a message (kind 'balance', related to the invoice) keyed by invoice and reminder
 * number, so it is written once whatever runs twice. A patient who cannot be reached by email (no
 * address, or opted out) gets a withdrawn message that says why: billing staff see it on the
 * invoice and in the patient's messages, and it counts as that reminder.
 */

const brs = schema.balanceReminderSettings;
const m = schema.messages;
const KIND = 'balance';

export const NO_EMAIL = 'The patient has no email address.';
export const OPTED_OUT_OF_EMAIL = 'The patient opted out of email.';
export const PAID = 'The invoice is paid.';

async function loadSettings(db: Db, clinicId: string): Promise<BalanceReminderSettings> {
  const [row] = await db.select().from(brs).where(eq(brs.clinicId, clinicId));
  if (!row) return { ...DEFAULT_BALANCE_REMINDER_SETTINGS };
  return {
    enabled: row.enabled,
    afterDays: row.afterDays,
    repeatDays: row.repeatDays,
    maxReminders: row.maxReminders,
  };
}

/** The clinic's settings, and how many patients were reminded or could not be reached in the last 30 days. */
export async function getBalanceReminders(db: Db, ctx: RequestContext): Promise<BalanceReminderOverview> {
  const settings = await loadSettings(db, ctx.clinicId);
  const [counts] = await queryRows<{ sent: number; not_reachable: number }>(
    db,
    sql`SELECT count(*) FILTER (WHERE status IN ('sent', 'captured'))::int AS sent,
               count(*) FILTER (WHERE status = 'withdrawn' AND withdrawn_reason IS DISTINCT FROM ${PAID})::int
                 AS not_reachable
          FROM messages
         WHERE clinic_id = ${ctx.clinicId} AND kind = ${KIND} AND created_at > now() - interval '30 days'`,
  );
  return {
    ...settings,
    sentLast30Days: Number(counts?.sent ?? 0),
    notReachableLast30Days: Number(counts?.not_reachable ?? 0),
  };
}

/** Saves the settings (audited); the worker looks through the invoices again at its next pass. */
export async function putBalanceReminders(
  db: Db,
  ctx: RequestContext,
  input: BalanceReminderSettings,
): Promise<BalanceReminderOverview> {
  await db.transaction(async (tx) => {
    const before = await loadSettings(tx, ctx.clinicId);
    const values = { ...input, sweptOn: null, updatedAt: new Date(), updatedBy: ctx.userId };
    await tx
      .insert(brs)
      .values({ clinicId: ctx.clinicId, ...values })
      .onConflictDoUpdate({ target: brs.clinicId, set: values });
    await recordAudit(tx, ctx, {
      action: 'balance_reminders.update',
      entityType: 'balance_reminder_settings',
      entityId: ctx.clinicId,
      details: { before, after: input },
    });
  });
  return getBalanceReminders(db, ctx);
}

/** The balance reminders of these invoices (one clinic's), oldest first. */
export async function remindersOf(
  db: Db,
  clinicId: string,
  invoiceIds: string[],
): Promise<Map<string, InvoiceReminder[]>> {
  const byInvoice = new Map<string, InvoiceReminder[]>();
  if (!invoiceIds.length) return byInvoice;
  const rows = await db
    .select({
      id: m.id,
      invoiceId: m.relatedId,
      status: m.status,
      sendAfter: m.sendAfter,
      sentAt: m.sentAt,
      withdrawnReason: m.withdrawnReason,
      error: m.error,
    })
    .from(m)
    .where(
      and(eq(m.clinicId, clinicId), eq(m.relatedType, 'invoice'), inArray(m.relatedId, invoiceIds), eq(m.kind, KIND)),
    )
    .orderBy(asc(m.createdAt), asc(m.sendAfter));
  for (const row of rows) {
    const list = byInvoice.get(row.invoiceId ?? '') ?? [];
    list.push({
      messageId: row.id,
      number: list.length + 1,
      status: row.status,
      at: (row.sentAt ?? row.sendAfter).toISOString(),
      reason: row.withdrawnReason ?? row.error,
    });
    byInvoice.set(row.invoiceId ?? '', list);
  }
  return byInvoice;
}

/**
 * Withdraws the balance reminders not yet sent of the invoices these charges are on, once nothing
 * is owed on them (in the caller's transaction, after a payment, an adjustment or a void).
 */
export async function withdrawPaidBalanceReminders(tx: Db, clinicId: string, chargeIds: string[]): Promise<void> {
  if (!chargeIds.length) return;
  const pending = await tx
    .selectDistinct({ invoiceId: schema.invoiceLines.invoiceId })
    .from(schema.invoiceLines)
    .innerJoin(
      m,
      and(
        eq(m.clinicId, schema.invoiceLines.clinicId),
        eq(m.relatedType, 'invoice'),
        eq(m.relatedId, schema.invoiceLines.invoiceId),
      ),
    )
    .where(
      and(
        eq(schema.invoiceLines.clinicId, clinicId),
        inArray(schema.invoiceLines.chargeId, chargeIds),
        eq(m.kind, KIND),
        eq(m.status, 'queued'),
      ),
    );
  for (const { invoiceId } of pending) {
    const charges = await tx
      .select({ charge: schema.charges })
      .from(schema.invoiceLines)
      .innerJoin(schema.charges, eq(schema.charges.id, schema.invoiceLines.chargeId))
      .where(eq(schema.invoiceLines.invoiceId, invoiceId))
      .then((rows) => rows.map((row) => row.charge));
    const balances = await balancesOf(tx, charges);
    const owed = [...balances.values()].reduce((sum, balance) => sum + Math.max(0, balance.patient), 0);
    if (owed === 0) await withdrawMessages(tx, clinicId, { type: 'invoice', id: invoiceId }, [KIND], PAID);
  }
}

/** The clinic's local time from which a day's reminders are written. */
export const SEND_FROM = '09:00';

interface ClaimedClinic {
  clinic_id: string;
  timezone: string;
  today: string;
  after_days: number;
  repeat_days: number;
  max_reminders: number;
}

/**
 * The worker's sweep: for each clinic with reminders on whose day has not been looked through
 * yet, from 09:00 of the clinic's time, claims the day and writes the reminders that are due. A clinic that fails is given back
 * (its day unclaimed) to be tried again at the next pass.
 */
export async function sweepBalanceReminders(db: Db, _env: MessagingEnv, now: Date): Promise<void> {
  const at = now.toISOString();
  const claimed = await queryRows<ClaimedClinic>(
    db,
    sql`UPDATE balance_reminder_settings s
           SET swept_on = (${at}::timestamptz AT TIME ZONE c.timezone)::date
          FROM clinics c
         WHERE c.id = s.clinic_id AND s.enabled
           AND s.swept_on IS DISTINCT FROM (${at}::timestamptz AT TIME ZONE c.timezone)::date
           -- In the clinic's morning, not at midnight: a reminder reads better with the day's mail.
           AND (${at}::timestamptz AT TIME ZONE c.timezone)::time >= ${SEND_FROM}::time
     RETURNING s.clinic_id, c.timezone, s.swept_on::text AS today,
               s.after_days, s.repeat_days, s.max_reminders`,
  );
  for (const clinic of claimed) {
    try {
      await remindClinic(db, clinic, now);
    } catch (error) {
      // What was written stands (its keys keep it from being written twice); the rest is tried again.
      await db.update(brs).set({ sweptOn: null }).where(eq(brs.clinicId, clinic.clinic_id));
      throw error;
    }
  }
}

async function remindClinic(db: Db, clinic: ClaimedClinic, now: Date): Promise<void> {
  const settings = {
    afterDays: Number(clinic.after_days),
    repeatDays: Number(clinic.repeat_days),
    maxReminders: Number(clinic.max_reminders),
  };
  // Invoices old enough for a first reminder that have not had them all, with their reminders so far.
  const candidates = await queryRows<{ id: string; issued_on: string; reminders: number; last_on: string | null }>(
    db,
    sql`SELECT i.id, i.issued_on::text AS issued_on, count(m.id)::int AS reminders,
               max((m.send_after AT TIME ZONE ${clinic.timezone})::date)::text AS last_on
          FROM invoices i
          LEFT JOIN messages m ON m.clinic_id = i.clinic_id AND m.related_type = 'invoice' AND m.related_id = i.id
                               AND m.kind = ${KIND}
         WHERE i.clinic_id = ${clinic.clinic_id}
           AND i.issued_on < (${clinic.today}::date - ${settings.afterDays}::int)
         GROUP BY i.id, i.issued_on
        HAVING count(m.id) < ${settings.maxReminders}
         ORDER BY i.issued_on, i.id`,
  );
  const due = candidates.filter((row) =>
    balanceReminderDue(
      settings,
      { issuedOn: row.issued_on, reminders: Number(row.reminders), lastOn: row.last_on },
      clinic.today,
    ),
  );
  if (!due.length) return;
  const [clinicRow] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, clinic.clinic_id));
  if (!clinicRow) return;
  const clinicPhone = (await patientFacingPhone(db, clinicRow)) ?? '';
  const reminderOf = new Map(due.map((row) => [row.id, Number(row.reminders) + 1]));
  for (let start = 0; start < due.length; start += 100) {
    const ids = due.slice(start, start + 100).map((row) => row.id);
    const rows = await db.select().from(schema.invoices).where(inArray(schema.invoices.id, ids));
    const invoices = (await loadInvoices(db, rows)).filter((invoice) => invoice.balanceCents > 0);
    if (!invoices.length) continue;
    const patients = await db
      .select()
      .from(schema.patients)
      .where(inArray(schema.patients.id, [...new Set(invoices.map((invoice) => invoice.patientId))]));
    for (const invoice of invoices) {
      const patient = patients.find((p) => p.id === invoice.patientId);
      if (!patient) continue;
      const template = await templateFor(db, clinic.clinic_id, KIND, 'email', patient.preferredLanguage ?? 'en');
      const values = {
        firstName: patient.preferredName || patient.givenName,
        clinic: clinicRow.name,
        clinicPhone,
        amount: formatCents(invoice.balanceCents, clinicRow.currency),
        invoiceNumber: String(invoice.number),
      };
      const unreachable = patient.emailOptOutAt ? OPTED_OUT_OF_EMAIL : patient.email ? null : NO_EMAIL;
      const pdf = unreachable
        ? null
        : await renderInvoicePdf({ ...clinicRow, address: clinicRow.address ?? null }, invoice, patient);
      await db.transaction(async (tx) => {
        const id = await enqueueMessage(tx, {
          clinicId: clinic.clinic_id,
          channel: 'email',
          to: unreachable ? '' : (patient.email ?? ''),
          subject: renderTemplate(template.subject, values),
          text: renderTemplate(template.body, values),
          kind: KIND,
          patientId: patient.id,
          related: { type: 'invoice', id: invoice.id },
          sendAfter: now,
          idempotencyKey: `${KIND}:${invoice.id}:${reminderOf.get(invoice.id)}`,
          attachments: pdf
            ? [{ filename: invoiceFilename(invoice), contentType: 'application/pdf', content: pdf }]
            : [],
        });
        if (id && unreachable) {
          await tx.update(m).set({ status: 'withdrawn', withdrawnReason: unreachable }).where(eq(m.id, id));
        }
      });
    }
  }
}
