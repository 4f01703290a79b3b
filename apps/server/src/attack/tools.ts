import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { dbChecksum } from '../test/checksum';
import { type ApiResponse, request, type TestApp } from '../test/harness';
import { type AttackRoute, type ClinicWorld, FIELD_KINDS, type JsonSchema, pathKind } from './world';

/** Hostile strings: SQL injection and script injection, as the issue lists them. */
export const SQLI = [`' OR 1=1 --`, `"; DROP TABLE patients; --`];
export const XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];
export const PAYLOADS = [...SQLI, ...XSS];
/**
 * For a field with a fixed shape (an id, a date, a code, an enum) one payload proves the refusal;
 * the n-th such field of a route gets the n-th payload, so every payload is still used.
 */
export const shortPayload = (n: number) => [PAYLOADS[n % PAYLOADS.length]];

/** Whether a string schema is free text (every payload) or a fixed shape (ids, dates, enums, patterns). */
export function isFreeText(schema: JsonSchema): boolean {
  if (!schema) return false;
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf).some(isFreeText);
  return schema.type === 'string' && !schema.format && !schema.enum && !schema.pattern;
}

/** The schema at a path of a body schema. */
export function schemaAt(schema: JsonSchema, path: (string | number)[]): JsonSchema {
  let current = schema;
  for (const step of path) {
    if (!current) return undefined;
    const options: JsonSchema[] = current.anyOf ?? current.oneOf ?? [current];
    const holder = options.find((o) => (typeof step === 'number' ? o.items : o.properties?.[step]));
    current = typeof step === 'number' ? holder?.items : holder?.properties?.[step];
  }
  return current;
}

const DAY = '2031-03-04';
/** Values of a valid, narrow range per query field name (a list route's `from`/`to`). */
const RANGE: Record<string, { date: string; dateTime: string }> = {
  from: { date: '2031-03-03', dateTime: '2031-03-03T00:00:00Z' },
  to: { date: '2031-03-09', dateTime: '2031-03-05T00:00:00Z' },
  start: { date: DAY, dateTime: '2031-03-04T15:00:00Z' },
  end: { date: DAY, dateTime: '2031-03-04T15:30:00Z' },
};

/**
 * A value of a JSON schema, filled with the clinic's own ids where a field names a record: the
 * requests of every group start valid, so each refusal is about the one thing the attack changed.
 * `full` also fills optional string fields (every text field gets a payload).
 */
export function sample(schema: JsonSchema, ids: Partial<Record<string, string>>, field = '', full = false): unknown {
  if (!schema) return undefined;
  if (schema.anyOf || schema.oneOf) {
    const options: JsonSchema[] = schema.anyOf ?? schema.oneOf;
    const option = options.find((o) => !(o.enum?.length === 1 && o.enum[0] === '')) ?? options[0];
    return sample(option, ids, field, full);
  }
  if (schema.default !== undefined && !full) return schema.default;
  if (schema.enum) return schema.enum[0];
  const kind = FIELD_KINDS[field];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries<JsonSchema>(schema.properties ?? {})) {
        const required = (schema.required ?? []).includes(key);
        if (required || (full && isText(property))) out[key] = sample(property, ids, key, full);
      }
      return out;
    }
    case 'array':
      if (kind && (schema.minItems ?? 0) > 0) return [ids[kind] ?? randomUUID()];
      return (schema.minItems ?? 0) > 0 ? [sample(schema.items, ids, field, full)] : [];
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return Math.max(min, Math.min(1, schema.maximum ?? 1));
    }
    case 'boolean':
      return false;
    case 'string': {
      if (kind) return ids[kind] ?? randomUUID();
      if (schema.format === 'uuid') return randomUUID();
      const range = RANGE[field];
      if (schema.format === 'date-time') return range?.dateTime ?? '2031-03-04T15:00:00Z';
      if (
        schema.format === 'email' ||
        /email/i.test(field) ||
        (field === 'to' && !schema.pattern && schema.maxLength > 20)
      )
        return 'someone@example.com';
      if (field === 'month') return DAY.slice(0, 7);
      if (/date$|^valid|On$/i.test(field) || range) return range?.date ?? (field === 'birthDate' ? '1980-02-03' : DAY);
      if (schema.pattern === '^[A-Z]{2}$') return 'US';
      if (schema.pattern?.startsWith('^[a-z]{2,3}')) return 'en';
      if (field === 'timezone') return 'America/New_York';
      if (field === 'currency') return 'USD';
      if (field === 'password' || field === 'adminPassword') return 'a-long-enough-password-123';
      if (/^(start|end)$/.test(field)) return '09:00';
      return 'text';
    }
    default:
      return undefined;
  }
}

function isText(schema: JsonSchema): boolean {
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf).some(isText);
  return schema.type === 'string' || schema.type === 'object';
}

/** The paths of every string field of a body schema (nested objects and the first array item included). */
export function stringPaths(schema: JsonSchema, prefix: (string | number)[] = []): (string | number)[][] {
  if (!schema || prefix.length > 4) return [];
  if (schema.anyOf || schema.oneOf) {
    const seen = new Set<string>();
    return (schema.anyOf ?? schema.oneOf)
      .flatMap((o: JsonSchema) => stringPaths(o, prefix))
      .filter((p: (string | number)[]) => !seen.has(p.join('.')) && seen.add(p.join('.')));
  }
  if (schema.type === 'string') return [prefix];
  if (schema.type === 'object') {
    return Object.entries<JsonSchema>(schema.properties ?? {}).flatMap(([key, property]) =>
      stringPaths(property, [...prefix, key]),
    );
  }
  if (schema.type === 'array') return stringPaths(schema.items, [...prefix, 0]);
  return [];
}

/** A copy of `value` with `path` set (objects and arrays made on the way). */
export function withPath(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const array = Array.isArray(value) ? [...value] : [];
    array[head] = withPath(array[head], rest, leaf);
    return array;
  }
  const object = value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
  (object as Record<string, unknown>)[head] = withPath((object as Record<string, unknown>)[head], rest, leaf);
  return object;
}

/** The route's URL with the clinic's own records in its path (`overrides` per param) and a valid query. */
export function urlFor(
  route: AttackRoute,
  clinic: ClinicWorld,
  options: { params?: Record<string, string>; query?: Record<string, unknown> } = {},
): string {
  const path = route.url.replace(/:(\w+)/g, (_, param: string) => {
    const value = options.params?.[param];
    if (value !== undefined) return encodeURIComponent(value);
    const kind = pathKind(route.url, param);
    if (param === 'index') return '0';
    if (param === 'code') return 'J11.1';
    return (kind && clinic.ids[kind]) ?? randomUUID();
  });
  const query = new URLSearchParams();
  for (const parameter of route.query) {
    const override = options.query?.[parameter.name];
    if (options.query && parameter.name in options.query) {
      if (override !== undefined) query.set(parameter.name, String(override));
      continue;
    }
    if (!parameter.required) continue;
    query.set(parameter.name, String(sample(parameter.schema, clinic.ids, parameter.name)));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

export function bodyFor(route: AttackRoute, clinic: ClinicWorld, full = false): unknown {
  if (route.method === 'GET' || route.method === 'DELETE') return undefined;
  const special = SPECIAL_BODIES[`${route.method} ${route.url}`];
  if (special) return special(clinic);
  return route.body ? sample(route.body, clinic.ids, '', full) : {};
}

/** Bodies the schema alone cannot make valid (a union, a version read first). */
const SPECIAL_BODIES: Record<string, (clinic: ClinicWorld) => unknown> = {
  'POST /api/encounters': (c) => ({ patientId: c.ids.patient, providerId: c.ids.provider }),
  'POST /api/payments': (c) => ({
    source: 'patient',
    patientId: c.ids.patient,
    method: 'cash',
    amountCents: 100,
    receivedOn: DAY,
    allocations: [{ chargeId: c.ids.charge, responsibility: 'patient', amountCents: 100 }],
  }),
  'POST /api/appointments': (c) => ({
    patientId: c.ids.patient,
    providerId: c.ids.provider,
    appointmentTypeId: c.ids.appointmentType,
    start: '2031-03-04T16:00:00Z',
  }),
};

// ---- the tally --------------------------------------------------------------------------------

export interface Finding {
  request: string;
  status: number;
  problem: string;
}

/**
 * Counts the requests of one group and what went wrong: a 5xx, a response carrying another
 * clinic's data, an unexpected status. The suite asserts the findings are empty and the count
 * is at least what the group should send (so it cannot silently shrink).
 */
export class Tally {
  requests = 0;
  serverErrors = 0;
  leaks = 0;
  findings: Finding[] = [];

  private foreignCanaries: string[] = [];

  constructor(readonly group: string) {}

  /** The strings no response of this group may carry (another clinic's, another patient's). */
  foreign(canaries: string[]): void {
    this.foreignCanaries = canaries;
  }

  /** Checks one response: never 5xx, no foreign canary unless the request itself carried it. */
  check(label: string, res: ApiResponse, sent = ''): ApiResponse {
    this.requests++;
    if (res.status >= 500) {
      this.serverErrors++;
      this.findings.push({ request: label, status: res.status, problem: `5xx ${JSON.stringify(res.body)}` });
    }
    const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
    const leaked = this.foreignCanaries.filter((canary) => text.includes(canary) && !sent.includes(canary));
    if (leaked.length > 0) {
      this.leaks++;
      this.findings.push({ request: label, status: res.status, problem: `leaked ${leaked.join(', ')}` });
    }
    return res;
  }

  fail(label: string, status: number, problem: string): void {
    this.findings.push({ request: label, status, problem });
  }

  line(): string {
    return `attack suite: ${this.group} ${this.requests} requests, ${this.serverErrors} 5xx, ${this.leaks} leaks, ${this.findings.length} findings`;
  }

  /** Prints the group's line and fails on any finding or on fewer requests than `atLeast`. */
  report(atLeast: number): void {
    console.log(this.line());
    if (process.env.TEND_ATTACK_DUMP)
      writeFileSync(`${process.env.TEND_ATTACK_DUMP}-${this.group}.json`, JSON.stringify(this.findings, null, 1));
    expect(this.findings.slice(0, 40)).toEqual([]);
    expect(this.requests).toBeGreaterThanOrEqual(atLeast);
  }
}

/** Sends one request and counts it. */
export async function send(
  t: TestApp,
  tally: Tally,
  method: AttackRoute['method'],
  url: string,
  options: {
    body?: unknown;
    headers?: Record<string, string>;
    remoteAddress?: string;
    sent?: string;
    /** Leave out the CSRF header a signed-in browser would send (the "no token" attack). */
    withoutCsrf?: boolean;
  } = {},
): Promise<ApiResponse> {
  // A signed-in browser sends its session's CSRF token as the header (the harness adds it, as the
  // web app does), unless the missing header is the attack.
  const res = await request(t.app, method, url, { ...options, csrf: !options.withoutCsrf });
  return tally.check(
    `${method} ${url.slice(0, 160)}`,
    res,
    `${url} ${JSON.stringify(options.body ?? '')} ${options.sent ?? ''}`,
  );
}

/**
 * Keeps the checksum of the whole database: after a refused change (4xx) nothing may differ;
 * after an accepted one (2xx) the new state is the baseline.
 */
export class Ledger {
  private baseline: Record<string, string> = {};
  constructor(private readonly t: TestApp) {}

  async reset(): Promise<void> {
    this.baseline = await dbChecksum(this.t.database.db);
  }

  /** Compares against the baseline; returns the tables that changed. */
  async changed(): Promise<string[]> {
    const now = await dbChecksum(this.t.database.db);
    const tables = Object.keys({ ...now, ...this.baseline }).filter((table) => now[table] !== this.baseline[table]);
    this.baseline = now;
    return tables;
  }
}
