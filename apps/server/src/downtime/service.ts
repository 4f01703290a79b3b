import type { Db } from '@tend/db';
import {
  type DowntimePdfQuery,
  type DowntimeSheet,
  type DowntimeSheetQuery,
  defaultPaper,
  todayIn,
} from '@tend/domain';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { requireLocationField, requireProvider } from '../scheduling/shared';
import { renderContactsPdf, renderSchedulePdf } from './pdf';
import { consecutiveDates, kitFileName, loadDowntimeSheet } from './sheet';

/** The downtime kit for the signed-in user: the sheet as JSON, or printed as the schedule or the contact sheet. */

async function sheetFor(
  db: Db,
  ctx: RequestContext,
  query: DowntimeSheetQuery,
  action: 'downtime.read' | 'downtime.print',
  details: Record<string, unknown> = {},
): Promise<{ sheet: DowntimeSheet; country: string }> {
  const clinic = await getClinic(db, ctx.clinicId);
  if (query.providerId) await requireProvider(db, ctx, query.providerId);
  if (query.locationId) await requireLocationField(db, ctx, query.locationId, 'querystring.locationId');
  const dates = consecutiveDates(query.date ?? todayIn(clinic.timezone), query.days);
  const { providerId, locationId } = query;
  const sheet = await loadDowntimeSheet(db, ctx, { dates, providerId, locationId }, action, details);
  return { sheet, country: clinic.country };
}

export async function getDowntimeSheet(db: Db, ctx: RequestContext, query: DowntimeSheetQuery): Promise<DowntimeSheet> {
  return (await sheetFor(db, ctx, query, 'downtime.read')).sheet;
}

export async function downtimePdf(
  db: Db,
  ctx: RequestContext,
  kind: 'schedule' | 'contacts',
  query: DowntimePdfQuery,
): Promise<{ pdf: Buffer; filename: string }> {
  const { sheet, country } = await sheetFor(db, ctx, query, 'downtime.print', { pdf: kind });
  const paper = query.paper ?? defaultPaper(country);
  const pdf = kind === 'schedule' ? await renderSchedulePdf(sheet, paper) : await renderContactsPdf(sheet, paper);
  return { pdf, filename: kitFileName(kind, sheet) };
}
