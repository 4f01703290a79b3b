import { type Db, schema } from '@tend/db';
import {
  addDaysTo,
  describeOffset,
  isPeriodGroup,
  type ReportGroup,
  type ReportQuery,
  reportPeriods,
  t,
  zonedTimeToInstant,
} from '@tend/domain';
import { and, eq, inArray, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';

/**
 * How a report's SQL splits its rows: by the clinic-local period of an instant (`local` is that
 * instant `at time zone` the clinic's), or by a dimension column. Each report passes the columns it
 * has; a group it has no column for is refused by the registry (its `groups`).
 */
export type Dimensions = Partial<Record<Exclude<ReportGroup, 'day' | 'week' | 'month'>, SQLWrapper>>;

export function groupKey(group: ReportGroup, local: SQL, dimensions: Dimensions): SQL<string | null> {
  if (group === 'day') return sql<string | null>`${local}::date::text`;
  if (group === 'week' || group === 'month') {
    return sql<string | null>`date_trunc(${sql.raw(`'${group}'`)}, ${local})::date::text`;
  }
  const column = dimensions[group];
  if (!column) throw new Error(`no ${group} column for this report`);
  return sql<string | null>`${column}::text`;
}

/** The names of providers/locations/payers a report's rows are keyed by (`self` is the patient). */
async function dimensionLabels(db: Db, ctx: ClinicScope, group: ReportGroup, keys: string[]) {
  const labels = new Map<string, string>();
  if (keys.length === 0) return labels;
  if (group === 'provider') {
    const p = schema.providers;
    const rows = await db
      .select({ id: p.id, name: p.name, title: p.title })
      .from(p)
      .where(and(eq(p.clinicId, ctx.clinicId), inArray(p.id, keys)));
    for (const row of rows) labels.set(row.id, [row.title, row.name].filter(Boolean).join(' '));
  } else if (group === 'location') {
    const l = schema.locations;
    const rows = await db
      .select({ id: l.id, name: l.name })
      .from(l)
      .where(and(eq(l.clinicId, ctx.clinicId), inArray(l.id, keys)));
    for (const row of rows) labels.set(row.id, row.name);
  } else if (group === 'payer') {
    const p = schema.payers;
    const ids = keys.filter((key) => key !== 'self');
    const rows = ids.length
      ? await db
          .select({ id: p.id, name: p.name })
          .from(p)
          .where(and(eq(p.clinicId, ctx.clinicId), inArray(p.id, ids)))
      : [];
    for (const row of rows) labels.set(row.id, row.name);
    labels.set('self', t('reports.payer.self'));
  } else if (group === 'rule') {
    const r = schema.reminderRules;
    const ids = keys.filter((key) => key !== 'none');
    const rows = ids.length
      ? await db
          .select({ id: r.id, channel: r.channel, minutesBefore: r.minutesBefore })
          .from(r)
          .where(and(eq(r.clinicId, ctx.clinicId), inArray(r.id, ids)))
      : [];
    for (const row of rows) {
      labels.set(
        row.id,
        t('reports.reminders.rule', {
          channel: t(row.channel === 'email' ? 'reminders.email' : 'reminders.sms'),
          offset: describeOffset(row.minutesBefore),
        }),
      );
    }
    labels.set('none', t('reports.reminders.noRule'));
  } else if (group === 'service') {
    const s = schema.services;
    const rows = await db
      .select({ code: s.code, name: s.description })
      .from(s)
      .where(and(eq(s.clinicId, ctx.clinicId), inArray(s.code, keys)));
    for (const row of rows) labels.set(row.code, `${row.code} ${row.name}`);
  }
  return labels;
}

const FILTERS: Record<string, string> = {
  provider: 'providerId',
  location: 'locationId',
  payer: 'payerId',
  service: 'serviceCode',
  rule: 'ruleId',
};

/**
 * A report's rows from its grouped SQL results: every period of the range (empty ones too), or one
 * row per provider/location/service/payer/reminder rule found, by name, each with the filter its drill-downs add.
 */
export async function groupedRows<Row extends { period: string | null }, Values>(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery,
  results: Row[],
  figures: (row: Row | undefined) => Values,
) {
  const byKey = new Map(results.filter((row) => row.period !== null).map((row) => [row.period as string, row]));
  if (isPeriodGroup(query.group)) {
    return reportPeriods(query.from, query.to, query.group).map((p) => ({
      ...p,
      values: figures(byKey.get(p.period)),
    }));
  }
  const labels = await dimensionLabels(db, ctx, query.group, [...byKey.keys()]);
  const filter = FILTERS[query.group];
  return [...byKey.entries()]
    .map(([key, row]) => ({
      period: key,
      label: labels.get(key) ?? key,
      filter: { [filter]: key },
      from: query.from,
      to: query.to,
      values: figures(row),
    }))
    .sort((x, y) => x.label.localeCompare(y.label));
}

/** A report's range as instants of the clinic's zone: [start of `from`, start of the day after `to`), with its filters. */
export interface ClinicRange {
  clinicId: string;
  timezone: string;
  start: Date;
  end: Date;
  locationId?: string | undefined;
  providerId?: string | undefined;
}

export async function clinicRange(db: Db, ctx: ClinicScope, query: ReportQuery): Promise<ClinicRange> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  return {
    clinicId: ctx.clinicId,
    timezone: clinic.timezone,
    start: new Date(zonedTimeToInstant(query.from, '00:00', clinic.timezone)),
    end: new Date(zonedTimeToInstant(addDaysTo(query.to, 1), '00:00', clinic.timezone)),
    locationId: query.locationId,
    providerId: query.providerId,
  };
}
