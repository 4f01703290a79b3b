import { type Db, prepared, queryRows, schema } from '@tend/db';
import { ACTIVE_STATUSES, type Interval, type LocatedInterval, type ScheduleVersion } from '@tend/domain';
import { and, eq, gt, inArray, isNull, lt, ne, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm';

/** SQL of scheduling: what is booked, when providers work. No business rules. */

const a = schema.appointments;

/**
 * The longest time one appointment holds: 480 minutes plus a 120-minute buffer, the limits the
 * appointment_types CHECK constraints allow.
 */
const MAX_HOLD_MS = (480 + 120) * 60_000;

/**
 * Appointments whose [start, `end` column) overlaps [from, to). The lower bound on start_at is
 * implied by MAX_HOLD_MS and lets the (…, start_at) indexes skip the history before `from`
 * instead of reading every appointment since the clinic opened.
 */
export function overlapping(from: Date, to: Date, end: typeof a.endAt | typeof a.bufferEndAt = a.bufferEndAt) {
  return and(lt(a.startAt, to), gt(end, from), gt(a.startAt, new Date(from.getTime() - MAX_HOLD_MS)));
}

/** Milliseconds since the epoch of a timestamp column, as a number (as `Date.getTime()` would give). */
const epochMs = (column: SQLWrapper) => sql`floor(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * The statement of busy time overlapping [from, to) of the providers: active appointments with
 * their buffers, and time held for an open waitlist offer — one row each (provider, start, end in
 * milliseconds since the epoch).
 */
export function busySql(clinicId: string, providerIds: string[], from: Date, to: Date): SQL {
  const o = schema.waitlistOffers;
  const providers = `{${providerIds.join(',')}}`;
  return sql`SELECT ${a.providerId}::text AS provider, ${epochMs(a.startAt)} AS start, ${epochMs(a.bufferEndAt)} AS "end"
      FROM ${a}
      WHERE ${and(
        eq(a.clinicId, clinicId),
        sql`${a.providerId} = ANY(${providers}::uuid[])`,
        inArray(a.status, [...ACTIVE_STATUSES]),
        overlapping(from, to),
      )}
    UNION ALL
    SELECT ${o.providerId}::text, ${epochMs(o.startAt)}, ${epochMs(o.bufferEndAt)}
      FROM ${o}
      WHERE ${and(
        eq(o.clinicId, clinicId),
        sql`${o.providerId} = ANY(${providers}::uuid[])`,
        eq(o.status, 'offered'),
        lt(o.startAt, to),
        gt(o.bufferEndAt, from),
      )}`;
}

/**
 * Busy time of each provider overlapping [from, to) (`busySql`), in one statement and as numbers:
 * "next available" across a clinic network's 250 providers reads tens of thousands of
 * appointments a week, and as mapped rows with two `Date`s each they were most of its CPU and
 * memory.
 */
export async function busyOfProviders(
  db: Db,
  clinicId: string,
  providerIds: string[],
  from: Date,
  to: Date,
): Promise<Map<string, Interval[]>> {
  const busy = new Map<string, Interval[]>(providerIds.map((id) => [id, []]));
  if (!providerIds.length) return busy;
  const rows = await queryRows<{ provider: string; start: number; end: number }>(
    db,
    busySql(clinicId, providerIds, from, to),
  );
  for (const row of rows) busy.get(row.provider)?.push({ start: Number(row.start), end: Number(row.end) });
  return busy;
}

export interface ProviderCalendar {
  versions: ScheduleVersion[];
  extraHours: LocatedInterval[];
  timeOff: Interval[];
}

/**
 * The four reads of providers' calendars (every booking, slot search and move makes them): prepared,
 * with the providers as one array parameter (`= ANY`) so that one statement serves any number.
 */
const calendarQueries = (() => {
  const s = schema.providerSchedules;
  const x = schema.providerExtraHours;
  const o = schema.timeOff;
  const l = schema.locations;
  const clinic = sql.placeholder('clinicId');
  const providers = sql.placeholder('providerIds');
  const from = sql.placeholder('from');
  const to = sql.placeholder('to');
  const ofProviders = (column: typeof s.providerId | typeof x.providerId | typeof o.providerId) =>
    sql`${column} = ANY(${providers}::uuid[])`;
  return {
    versions: prepared('tend_calendar_versions', (d) =>
      d
        .select()
        .from(s)
        .where(and(eq(s.clinicId, clinic), ofProviders(s.providerId))),
    ),
    extra: prepared('tend_calendar_extra_hours', (d) =>
      d
        .select()
        .from(x)
        .where(and(eq(x.clinicId, clinic), ofProviders(x.providerId), lt(x.startAt, to), gt(x.endAt, from))),
    ),
    off: prepared('tend_calendar_time_off', (d) =>
      d
        .select()
        .from(o)
        .where(
          and(
            eq(o.clinicId, clinic),
            or(ofProviders(o.providerId), isNull(o.providerId)),
            lt(o.startAt, to),
            gt(o.endAt, from),
          ),
        ),
    ),
    locations: prepared('tend_calendar_locations', (d) =>
      d.select({ id: l.id, timezone: l.timezone }).from(l).where(eq(l.clinicId, clinic)),
    ),
  };
})();

/** Schedule versions, extra hours and time off (own and clinic-wide) of each provider around [from, to). */
export async function calendarsOfProviders(
  db: Db,
  clinicId: string,
  providerIds: string[],
  from: Date,
  to: Date,
): Promise<{ calendars: Map<string, ProviderCalendar>; timezones: Map<string, string> }> {
  const calendars = new Map<string, ProviderCalendar>(
    providerIds.map((id) => [id, { versions: [], extraHours: [], timeOff: [] }]),
  );
  const timezones = new Map<string, string>();
  if (!providerIds.length) return { calendars, timezones };
  const params = { clinicId, providerIds, from: from.toISOString(), to: to.toISOString() };
  const [versions, extra, off, locations] = await Promise.all([
    calendarQueries.versions(db).execute(params),
    calendarQueries.extra(db).execute(params),
    calendarQueries.off(db).execute(params),
    calendarQueries.locations(db).execute(params),
  ]);
  for (const location of locations) timezones.set(location.id, location.timezone);
  for (const version of versions) {
    const timezone = timezones.get(version.locationId);
    if (!timezone) continue;
    calendars.get(version.providerId)?.versions.push({
      locationId: version.locationId,
      timezone,
      validFrom: version.validFrom,
      validTo: version.validTo,
      blocks: version.blocks,
    });
  }
  for (const hours of extra) {
    calendars.get(hours.providerId)?.extraHours.push({
      locationId: hours.locationId,
      start: hours.startAt.getTime(),
      end: hours.endAt.getTime(),
    });
  }
  for (const row of off) {
    const interval = { start: row.startAt.getTime(), end: row.endAt.getTime() };
    if (row.providerId === null) for (const calendar of calendars.values()) calendar.timeOff.push(interval);
    else calendars.get(row.providerId)?.timeOff.push(interval);
  }
  return { calendars, timezones };
}

/** The active appointment of a provider (or room) that holds any of [start, end). */
export async function findConflictingAppointment(
  db: Db,
  clinicId: string,
  by: { providerId: string } | { roomId: string },
  start: Date,
  end: Date,
  excludeId?: string,
): Promise<string | null> {
  const [row] = await db
    .select({ id: a.id })
    .from(a)
    .where(
      and(
        eq(a.clinicId, clinicId),
        'providerId' in by ? eq(a.providerId, by.providerId) : eq(a.roomId, by.roomId),
        inArray(a.status, [...ACTIVE_STATUSES]),
        overlapping(start, end),
        excludeId ? ne(a.id, excludeId) : undefined,
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

/** Active rooms of a type at a location not held by an active appointment during [start, end). */
export async function freeRooms(
  db: Db,
  clinicId: string,
  locationId: string,
  roomType: string,
  start: Date,
  end: Date,
  excludeAppointmentId?: string,
): Promise<string[]> {
  const r = schema.rooms;
  const rooms = await db
    .select({ id: r.id })
    .from(r)
    .where(and(eq(r.clinicId, clinicId), eq(r.locationId, locationId), eq(r.roomType, roomType), eq(r.active, true)))
    .orderBy(r.name);
  if (!rooms.length) return [];
  const held = await db
    .select({ roomId: a.roomId, id: a.id })
    .from(a)
    .where(
      and(
        eq(a.clinicId, clinicId),
        inArray(
          a.roomId,
          rooms.map((room) => room.id),
        ),
        inArray(a.status, [...ACTIVE_STATUSES]),
        overlapping(start, end),
      ),
    );
  const taken = new Set(held.filter((h) => h.id !== excludeAppointmentId).map((h) => h.roomId));
  return rooms.map((room) => room.id).filter((id) => !taken.has(id));
}

/**
 * Queues this transaction behind any other change to the same providers' calendars (booking,
 * moving, freeing time and offering it to the waitlist), in one order so two never wait on each
 * other. The exclusion constraints alone guarantee no double booking; the lock keeps fifty
 * simultaneous requests for one slot from waiting on each other's unfinished rows (deadlocks
 * PostgreSQL breaks one a second), and makes "is this time held for a waitlist offer?" a question
 * nobody else is answering at the same moment.
 */
export async function lockProviderCalendar(tx: Db, ...providerIds: string[]): Promise<void> {
  for (const providerId of [...new Set(providerIds)].sort()) {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`calendar:${providerId}`}, 0))`);
  }
}
