import { type Db, schema } from '@tend/db';
import {
  ARRIVAL_WINDOW_MINUTES,
  addDaysTo,
  type BillingSection,
  type ClinicalSection,
  can,
  DASHBOARD_LIST_LIMIT,
  type Dashboard,
  type DashboardAppointment,
  type DashboardNoteState,
  type DashboardSection,
  type DashboardTileDefinition,
  type FrontDeskSection,
  INSURANCE_CHECK_DAYS,
  type ManagerSection,
  type Permission,
  periodStart,
  type Role,
  t,
  todayIn,
  UNPAID_INVOICE_DAYS,
  zonedTimeToInstant,
  zReportQuery,
} from '@tend/domain';
import { and, asc, eq, gte, inArray, lt, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import { agingTotals } from '../billing/aging';
import { loadInvoices } from '../billing/invoices';
import type { RequestContext } from '../context';
import { countUnreviewed } from '../emergency/service';
import type { Reads } from '../reports/reads';
import { REPORTS } from '../reports/registry';
import { MANAGER_TILES } from './tiles';

/**
 * The home page's figures (`GET /api/dashboard`): the sections the user's role is for, each
 * answered only when the role holds every permission it needs. Every query is bounded by the
 * clinic and a date range (or a status) its indexes serve; lists are capped, counts are not.
 * Patients named on the page are audited once per request (one `patient.read` call).
 */

const SECTIONS_OF: Record<Role, readonly DashboardSection[]> = {
  admin: ['manager'],
  manager: ['manager'],
  receptionist: ['frontDesk'],
  provider: ['clinical'],
  nurse: ['clinical'],
  billing: ['billing'],
};

/** What each section reads: a role lacking any of these never gets it (a receptionist sees no money). */
export const SECTION_PERMISSIONS: Record<DashboardSection, readonly Permission[]> = {
  frontDesk: ['schedule.read', 'patient.read', 'recall.read', 'coverage.read'],
  clinical: ['schedule.read', 'patient.read', 'clinical.read', 'recall.read'],
  billing: ['billing.manage', 'balance.read'],
  manager: ['report.read'],
};

export function sectionsFor(role: Role): DashboardSection[] {
  return SECTIONS_OF[role].filter((section) => SECTION_PERMISSIONS[section].every((p) => can(role, p)));
}

const a = schema.appointments;
const p = schema.patients;
const count = sql<number>`count(*)`.mapWith(Number);
const patientName = sql<string>`${p.givenName} || ' ' || ${p.familyName}`;
const providerName = sql<string>`concat_ws(' ', ${schema.providers.title}, ${schema.providers.name})`;

interface Day {
  today: string;
  timezone: string;
  now: Date;
  /** The instant a local date starts. */
  startOf(date: string): Date;
}

function dayOf(timezone: string, now: Date): Day {
  return {
    today: todayIn(timezone, now),
    timezone,
    now,
    startOf: (date) => new Date(zonedTimeToInstant(date, '00:00', timezone)),
  };
}

/** Appointments of the clinic starting in [from, to), through the (clinic_id, start_at) index. */
const startingIn = (ctx: RequestContext, from: Date, to: Date) =>
  and(eq(a.clinicId, ctx.clinicId), gte(a.startAt, from), lt(a.startAt, to));

async function appointmentItems(db: Db, where: SQL | undefined, limit: number) {
  const rows = await db
    .select({
      id: a.id,
      patientId: a.patientId,
      patientName,
      providerName,
      start: a.startAt,
      status: a.status,
    })
    .from(a)
    .innerJoin(p, eq(p.id, a.patientId))
    .innerJoin(schema.providers, eq(schema.providers.id, a.providerId))
    .where(where)
    .orderBy(asc(a.startAt), asc(a.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, start: row.start.toISOString() }) satisfies DashboardAppointment);
}

async function frontDesk(db: Db, ctx: RequestContext, day: Day): Promise<FrontDeskSection> {
  const todayStart = day.startOf(day.today);
  const tomorrow = addDaysTo(day.today, 1);
  const tomorrowStart = day.startOf(tomorrow);
  const waiting = inArray(a.status, ['booked', 'confirmed']);
  const soon = new Date(day.now.getTime() + ARRIVAL_WINDOW_MINUTES * 60_000);

  const byStatus = await db
    .select({ status: a.status, count })
    .from(a)
    .where(startingIn(ctx, todayStart, tomorrowStart))
    .groupBy(a.status);
  const next = await appointmentItems(db, and(startingIn(ctx, day.now, tomorrowStart), waiting), DASHBOARD_LIST_LIMIT);
  const arrivalsWhere = and(startingIn(ctx, todayStart, soon), waiting);
  const [[arrivals], arrivalItems] = await Promise.all([
    db.select({ count }).from(a).where(arrivalsWhere),
    appointmentItems(db, arrivalsWhere, DASHBOARD_LIST_LIMIT),
  ]);
  const [unconfirmed] = await db
    .select({ count })
    .from(a)
    .where(and(startingIn(ctx, tomorrowStart, day.startOf(addDaysTo(day.today, 2))), eq(a.status, 'booked')));

  // The recall list's "due" view: open, first notice day (due date − the clinic's lead days)
  // reached; as a due-date bound, so the waiting-recalls index serves it.
  const r = schema.recalls;
  const [{ leadDays }] = await db
    .select({ leadDays: schema.clinics.recallLeadDays })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  const [recalls] = await db
    .select({ count })
    .from(r)
    .where(and(eq(r.clinicId, ctx.clinicId), eq(r.status, 'open'), lte(r.dueDate, addDaysTo(day.today, leadDays))));

  const w = schema.waitlistEntries;
  const weekAhead = addDaysTo(day.today, 7);
  const [waitlist] = await db
    .select({ count })
    .from(w)
    .where(
      and(
        eq(w.clinicId, ctx.clinicId),
        eq(w.status, 'waiting'),
        sql`(${w.availableFrom} is null or ${w.availableFrom} <= ${weekAhead}::date)`,
        sql`(${w.availableUntil} is null or ${w.availableUntil} >= ${day.today}::date)`,
      ),
    );

  // A coverage valid on the appointment's local date, with a member id; or any valid one at all.
  const c = schema.coverages;
  const localDate = sql`(${a.startAt} at time zone ${day.timezone})::date`;
  const validCoverage = (extra: SQL) =>
    sql`exists (select 1 from ${c} where ${c.patientId} = ${a.patientId} and ${c.clinicId} = ${a.clinicId}
      and ${c.validFrom} <= ${localDate} and (${c.validTo} is null or ${c.validTo} >= ${localDate}) and ${extra})`;
  const uninsured = await db
    .select({
      patientId: a.patientId,
      patientName,
      start: a.startAt,
      covered: sql<boolean>`${validCoverage(sql`true`)}`,
    })
    .from(a)
    .innerJoin(p, eq(p.id, a.patientId))
    .where(
      and(
        startingIn(ctx, todayStart, day.startOf(addDaysTo(day.today, INSURANCE_CHECK_DAYS))),
        waiting,
        sql`not ${validCoverage(sql`trim(${c.memberId}) <> ''`)}`,
      ),
    )
    .orderBy(asc(a.startAt), asc(a.id));
  const firstVisit = new Map<string, (typeof uninsured)[number]>();
  for (const row of uninsured) if (!firstVisit.has(row.patientId)) firstVisit.set(row.patientId, row);
  const missing = [...firstVisit.values()];

  const counts = Object.fromEntries(byStatus.map((row) => [row.status, row.count]));
  return {
    today: {
      total: byStatus.reduce((sum, row) => sum + row.count, 0),
      byStatus: {
        booked: counts.booked ?? 0,
        confirmed: counts.confirmed ?? 0,
        checked_in: counts.checked_in ?? 0,
        in_progress: counts.in_progress ?? 0,
        completed: counts.completed ?? 0,
        cancelled: counts.cancelled ?? 0,
        no_show: counts.no_show ?? 0,
      },
      next,
    },
    arrivals: {
      count: arrivals.count,
      items: arrivalItems.map((item) => ({ ...item, late: Date.parse(item.start) < day.now.getTime() })),
    },
    unconfirmedTomorrow: { date: tomorrow, count: unconfirmed.count },
    recallsDue: { count: recalls.count },
    waitlist: { count: waitlist.count },
    missingInsurance: {
      count: missing.length,
      items: missing.slice(0, DASHBOARD_LIST_LIMIT).map((row) => ({
        patientId: row.patientId,
        patientName: row.patientName,
        start: row.start.toISOString(),
        reason: row.covered ? ('memberId' as const) : ('none' as const),
      })),
    },
  };
}

/** The most of today's patients listed (a nurse sees the whole clinic's day). */
const DAY_LIST_LIMIT = 60;

async function clinical(db: Db, ctx: RequestContext, day: Day): Promise<ClinicalSection> {
  const scope = ctx.role === 'provider' ? 'mine' : 'clinic';
  let providerIds: string[] | null = null;
  if (scope === 'mine') {
    const own = await db
      .select({ id: schema.providers.id })
      .from(schema.providers)
      .where(and(eq(schema.providers.clinicId, ctx.clinicId), eq(schema.providers.userId, ctx.userId)));
    providerIds = own.map((row) => row.id);
  }
  const ofProviders = (column: PgColumn) =>
    providerIds === null ? undefined : providerIds.length ? inArray(column, providerIds) : sql`false`;

  const e = schema.encounters;
  const note = sql<DashboardNoteState>`case when ${e.id} is null then 'none' when ${e.status} = 'signed' then 'signed' else 'draft' end`;
  const todayWhere = and(
    startingIn(ctx, day.startOf(day.today), day.startOf(addDaysTo(day.today, 1))),
    ne(a.status, 'cancelled'),
    ofProviders(a.providerId),
  );
  const notes = await db
    .select({ note, count })
    .from(a)
    .leftJoin(e, eq(e.appointmentId, a.id))
    .where(todayWhere)
    .groupBy(sql`1`);
  const todayRows = await db
    .select({
      id: a.id,
      patientId: a.patientId,
      patientName,
      providerName,
      start: a.startAt,
      status: a.status,
      encounterId: e.id,
      note,
    })
    .from(a)
    .innerJoin(p, eq(p.id, a.patientId))
    .innerJoin(schema.providers, eq(schema.providers.id, a.providerId))
    .leftJoin(e, eq(e.appointmentId, a.id))
    .where(todayWhere)
    .orderBy(asc(a.startAt), asc(a.id))
    .limit(DAY_LIST_LIMIT);
  const noteCounts = Object.fromEntries(notes.map((row) => [row.note, row.count]));

  const unsignedWhere = and(
    eq(e.clinicId, ctx.clinicId),
    eq(e.status, 'in_progress'),
    lt(e.serviceDate, day.today),
    ofProviders(e.providerId),
  );
  const [[unsigned], unsignedRows] = await Promise.all([
    db.select({ count }).from(e).where(unsignedWhere),
    db
      .select({ encounterId: e.id, patientId: e.patientId, patientName, serviceDate: e.serviceDate })
      .from(e)
      .innerJoin(p, eq(p.id, e.patientId))
      .where(unsignedWhere)
      .orderBy(asc(e.serviceDate), asc(e.id))
      .limit(DASHBOARD_LIST_LIMIT),
  ]);

  const r = schema.recalls;
  const followUpWhere = and(
    eq(r.clinicId, ctx.clinicId),
    inArray(r.status, ['open', 'contacted']),
    ofProviders(r.providerId),
  );
  const [[followUps], followUpRows] = await Promise.all([
    db.select({ count }).from(r).where(followUpWhere),
    db
      .select({ id: r.id, patientId: r.patientId, patientName, dueDate: r.dueDate, reason: r.reason })
      .from(r)
      .innerJoin(p, eq(p.id, r.patientId))
      .where(followUpWhere)
      .orderBy(asc(r.dueDate), asc(r.id))
      .limit(DASHBOARD_LIST_LIMIT),
  ]);

  return {
    scope,
    today: {
      count: notes.reduce((sum, row) => sum + row.count, 0),
      notes: { none: noteCounts.none ?? 0, draft: noteCounts.draft ?? 0, signed: noteCounts.signed ?? 0 },
      items: todayRows.map((row) => ({ ...row, start: row.start.toISOString() })),
    },
    unsigned: { count: unsigned.count, items: unsignedRows },
    followUps: { count: followUps.count, items: followUpRows },
  };
}

async function billing(db: Db, ctx: RequestContext, day: Day): Promise<BillingSection> {
  // The billing work list's invoices: issued UNPAID_INVOICE_DAYS or more days ago, with a balance.
  const inv = schema.invoices;
  const old = await db
    .select()
    .from(inv)
    .where(and(eq(inv.clinicId, ctx.clinicId), lte(inv.issuedOn, addDaysTo(day.today, -UNPAID_INVOICE_DAYS))))
    .orderBy(asc(inv.issuedOn), asc(inv.number))
    .limit(1000);
  const unpaid = (await loadInvoices(db, old)).filter((invoice) => invoice.balanceCents > 0);

  const cl = schema.claims;
  const claimCounts = await db
    .select({ status: cl.status, count })
    .from(cl)
    .where(
      and(
        eq(cl.clinicId, ctx.clinicId),
        inArray(cl.status, ['ready', 'draft', 'rejected', 'denied', 'partially_paid']),
      ),
    )
    .groupBy(cl.status);
  const claims = (statuses: string[]) =>
    claimCounts.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.count, 0);

  const pay = schema.payments;
  const [postings] = await db
    .select({ count, cents: sql<number>`coalesce(sum(${pay.amountCents}), 0)`.mapWith(Number) })
    .from(pay)
    .where(and(eq(pay.clinicId, ctx.clinicId), eq(pay.receivedOn, day.today)));

  // The A/R tile: the aging's totals only, from the date × payer rollup (no patient is read).
  const aging = await agingTotals(db, ctx.clinicId, day.today);
  return {
    unpaidInvoices: {
      days: UNPAID_INVOICE_DAYS,
      count: unpaid.length,
      cents: unpaid.reduce((sum, invoice) => sum + invoice.balanceCents, 0),
    },
    claims: {
      ready: claims(['ready']),
      draft: claims(['draft']),
      attention: claims(['rejected', 'denied', 'partially_paid']),
    },
    postings: { date: day.today, count: postings.count, cents: postings.cents },
    receivables: {
      asOf: day.today,
      insurerCents: aging.insurer.total,
      patientCents: aging.patient.total,
      totalCents: aging.insurer.total + aging.patient.total,
    },
  };
}

const numeric = (figure: unknown): number | null => (typeof figure === 'number' ? figure : null);

/**
 * Each tile's report run for this week's whole days and the same days of last week, by day: the
 * figure is the run's total, so it equals the report for those dates. Today is left out while it
 * is under way (half a day against a whole one would read as a drop every morning), except on
 * the week's first day, which has no whole day yet.
 */
export async function managerSection(
  db: Db,
  ctx: RequestContext,
  today: string,
  tiles: readonly DashboardTileDefinition[] = MANAGER_TILES,
): Promise<ManagerSection> {
  const from = periodStart(today, 'week');
  const to = today === from ? today : addDaysTo(today, -1);
  const previousFrom = addDaysTo(from, -7);
  const previousTo = addDaysTo(to, -7);
  const runs = new Map<string, Awaited<ReturnType<(typeof REPORTS)[keyof typeof REPORTS]['run']>>[]>();
  for (const report of new Set(tiles.map((tile) => tile.report))) {
    const run = (start: string, end: string) =>
      REPORTS[report].run(db, ctx, zReportQuery.parse({ from: start, to: end, group: 'day' }));
    runs.set(report, [await run(from, to), await run(previousFrom, previousTo)]);
  }
  return {
    from,
    to,
    previousFrom,
    previousTo,
    today: to === today,
    tiles: tiles.map((tile) => {
      const [current, previous] = runs.get(tile.report) ?? [];
      const column = current.columns.find((c) => c.key === tile.key);
      if (!column) throw new Error(`The ${tile.report} report has no figure ${tile.key} (MANAGER_TILES).`);
      return {
        report: tile.report,
        key: tile.key,
        label: t(column.label),
        kind: column.kind,
        better: tile.better ?? 'up',
        metric: column.drill,
        value: numeric(current.totals[tile.key]),
        previous: numeric(previous.totals[tile.key]),
        days: current.rows.map((row, i) => ({
          date: row.period,
          previousDate: previous.rows[i]?.period ?? addDaysTo(row.period, -7),
          value: numeric(row.values?.[tile.key]),
          previous: numeric(previous.rows[i]?.values?.[tile.key]),
        })),
      };
    }),
  };
}

/**
 * The signed-in user's dashboard at `now` (the clinic's today). The manager's report figures are
 * read where `read` says (the read replica: reports/reads.ts); the worklists of the front desk,
 * clinical and billing sections read the primary, since staff act on them right after a write (a
 * check-in, a signed note) and must see it.
 */
export async function dashboard(
  db: Db,
  ctx: RequestContext,
  now: Date = new Date(),
  read: Reads = (fn) => fn(db),
): Promise<Dashboard> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  const day = dayOf(clinic.timezone, now);
  const sections = sectionsFor(ctx.role);
  const result: Dashboard = { date: day.today, timezone: day.timezone, role: ctx.role };
  if (sections.includes('frontDesk')) result.frontDesk = await frontDesk(db, ctx, day);
  if (sections.includes('clinical')) result.clinical = await clinical(db, ctx, day);
  if (sections.includes('billing')) result.billing = await billing(db, ctx, day);
  if (sections.includes('manager')) result.manager = await read((reader) => managerSection(reader, ctx, day.today));
  if (result.manager && can(ctx.role, 'emergency.review')) {
    result.manager.emergencyToReview = await countUnreviewed(db, ctx);
  }

  // One audit call for the request: the patients the page names, or the reports it ran.
  const shown = new Set<string>();
  const add = (items: Array<{ patientId: string }>) => {
    for (const item of items) shown.add(item.patientId);
  };
  if (result.frontDesk) {
    add(result.frontDesk.today.next);
    add(result.frontDesk.arrivals.items);
    add(result.frontDesk.missingInsurance.items);
  }
  if (result.clinical) {
    add(result.clinical.today.items);
    add(result.clinical.unsigned.items);
    add(result.clinical.followUps.items);
  }
  if (result.frontDesk || result.clinical) {
    await recordPatientsAccess(db, ctx, 'patient.read', [...shown], { dashboard: sections, patients: shown.size });
  } else if (result.manager) {
    await recordAudit(db, ctx, {
      action: 'report.read',
      entityType: 'report',
      details: { dashboard: sections, reports: [...new Set(MANAGER_TILES.map((tile) => tile.report))] },
    });
  }
  return result;
}
