import { type Db, queryRows, schema } from '@tend/db';
import { AppError } from '@tend/domain';
import { and, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { recordAnonymousAudit } from '../audit/service';
import type { RequestOrigin } from '../context';
import { openSecret } from '../email/secret-box';
import type { MessagingEnv } from './outbox';
import {
  isStartKeyword,
  isStopKeyword,
  parseInboundSms,
  parseStatusCallback,
  verifyWebhookSignature,
} from './sms-gateway';
import { loadSmsSettings } from './sms-settings';

/**
 * What the SMS gateway tells Tend, unasked: a patient texted the clinic's number (STOP, START), or
 * a text moved along (delivered, undelivered). Nobody is signed in: each request must carry the
 * gateway's signature, keyed with the clinic's auth token over the exact URL it called. A request
 * without a valid one is refused with 403 and changes nothing, whether the clinic exists or not.
 * The text a patient sent is never stored or logged; only a STOP or START is acted on.
 */

export interface WebhookCall {
  clinicId: string;
  /**
   * The URLs the gateway may have called and signed: TEND_PUBLIC_URL + path, and this request's
   * own scheme, host, path and query. Either is an address of this server; the signature still
   * needs the clinic's token.
   */
  urls: string[];
  signature: string | undefined;
  form: Record<string, string>;
  origin: RequestOrigin;
}

const REFUSED = 'The signature of this webhook is missing or wrong.';
/** Delivery reports that are the end of the story: a late "sent" does not overwrite them. */
const FINAL_DELIVERY = ['delivered', 'undelivered', 'failed', 'read', 'canceled'];

async function verify(db: Db, env: MessagingEnv, call: WebhookCall): Promise<void> {
  const settings = await loadSmsSettings(db, call.clinicId);
  let token: string | null = null;
  try {
    token = settings ? openSecret(env, settings.authTokenEncrypted) : null;
  } catch {
    token = null;
  }
  if (!token || !call.urls.some((url) => verifyWebhookSignature(token, url, call.form, call.signature))) {
    throw AppError.forbidden(REFUSED);
  }
}

export type InboundOutcome = 'opted_out' | 'opted_in' | 'ignored';

/** A text to the clinic's number: STOP opts every patient with that number out of texts, START back in. */
export async function receiveInboundSms(db: Db, env: MessagingEnv, call: WebhookCall): Promise<InboundOutcome> {
  await verify(db, env, call);
  let inbound: ReturnType<typeof parseInboundSms>;
  try {
    inbound = parseInboundSms(call.form);
  } catch (problem) {
    throw AppError.validation([], problem instanceof Error ? problem.message : String(problem));
  }
  const stop = isStopKeyword(inbound.body);
  const start = !stop && isStartKeyword(inbound.body);
  if (!stop && !start) return 'ignored';

  return db.transaction(async (tx) => {
    // Phones are stored in E.164, as the gateway writes the sender.
    const patients = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM patients
           WHERE clinic_id = ${call.clinicId}
             AND phones @> jsonb_build_array(jsonb_build_object('number', ${inbound.from}::text))`,
    );
    const ids = patients.map((p) => p.id);
    const p = schema.patients;
    if (stop) {
      if (ids.length) {
        await tx
          .update(p)
          .set({ smsOptOutAt: new Date() })
          .where(and(eq(p.clinicId, call.clinicId), inArray(p.id, ids), isNull(p.smsOptOutAt)));
      }
      // Queued texts to those patients, or to that number, are not sent.
      const m = schema.messages;
      const withdrawn = await tx
        .update(m)
        .set({ status: 'withdrawn', withdrawnReason: 'The patient opted out of texts.', lockedUntil: null })
        .where(
          and(
            eq(m.clinicId, call.clinicId),
            eq(m.channel, 'sms'),
            eq(m.status, 'queued'),
            ids.length ? or(inArray(m.patientId, ids), eq(m.toAddress, inbound.from)) : eq(m.toAddress, inbound.from),
          ),
        )
        .returning({ id: m.id });
      await audit(tx, call, 'patient.sms_opt_out', ids, { withdrawn: withdrawn.length });
      return 'opted_out';
    }
    if (ids.length) {
      await tx
        .update(p)
        .set({ smsOptOutAt: null })
        .where(and(eq(p.clinicId, call.clinicId), inArray(p.id, ids), isNotNull(p.smsOptOutAt)));
    }
    await audit(tx, call, 'patient.sms_opt_in', ids, {});
    return 'opted_in';
  });
}

async function audit(
  tx: Db,
  call: WebhookCall,
  action: 'patient.sms_opt_out' | 'patient.sms_opt_in',
  patientIds: string[],
  details: Record<string, unknown>,
): Promise<void> {
  // One row per patient affected; one without a patient when the number is nobody's.
  for (const patientId of patientIds.length ? patientIds : [null]) {
    await recordAnonymousAudit(tx, call.origin, {
      clinicId: call.clinicId,
      action,
      patientId,
      entityType: 'patient',
      entityId: patientId,
      details: { via: 'sms_keyword', ...details },
    });
  }
}

/** A delivery report: the text's `delivery_status` (and the reason when it did not arrive). */
export async function receiveSmsStatus(db: Db, env: MessagingEnv, call: WebhookCall): Promise<{ updated: number }> {
  await verify(db, env, call);
  let report: ReturnType<typeof parseStatusCallback>;
  try {
    report = parseStatusCallback(call.form);
  } catch (problem) {
    throw AppError.validation([], problem instanceof Error ? problem.message : String(problem));
  }
  const status = report.status.toLowerCase().slice(0, 40);
  const failed = status === 'failed' || status === 'undelivered';
  const m = schema.messages;
  const rows = await db
    .update(m)
    .set({
      deliveryStatus: status,
      ...(failed
        ? {
            error: `The carrier reported the text ${status}${report.errorCode ? ` (error ${report.errorCode.slice(0, 20)})` : ''}.`,
          }
        : {}),
    })
    .where(
      and(
        eq(m.clinicId, call.clinicId),
        eq(m.channel, 'sms'),
        eq(m.providerMessageId, report.messageSid),
        // Reports may arrive out of order: an early step never overwrites the outcome.
        FINAL_DELIVERY.includes(status)
          ? sql`true`
          : sql`(${m.deliveryStatus} IS NULL OR ${m.deliveryStatus} NOT IN (${sql.join(
              FINAL_DELIVERY.map((s) => sql`${s}`),
              sql`, `,
            )}))`,
      ),
    )
    .returning({ id: m.id });
  return { updated: rows.length };
}
