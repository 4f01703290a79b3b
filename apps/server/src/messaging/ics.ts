import { AppError } from '@tend/domain';

/**
 * An appointment as an iCalendar file (RFC 5545) for reminder emails: one VEVENT that calendar
 * programs add, update (same UID, higher SEQUENCE) or remove (METHOD:CANCEL).
 */

export interface AppointmentIcsInput {
  /** Stable for the appointment's whole life, e.g. `appointment-<uuid>@<clinic host>`. */
  uid: string;
  /** 0 at booking, one more on every change, so calendars replace the older copy. */
  sequence: number;
  start: Date;
  end: Date;
  /**
   * The clinic location's IANA zone. The times are written in UTC (see below), so the file does
   * not depend on it; it is named here so a later version can write local times with a VTIMEZONE.
   */
  timezone: string;
  summary: string;
  location: string | null;
  description: string | null;
  organizerName: string;
  organizerEmail: string | null;
  method?: 'REQUEST' | 'CANCEL';
  /** When the file is made (DTSTAMP); now by default. */
  stamp?: Date;
}

const PRODID = '-//Tend//Tend clinic management//EN';
const CRLF = '\r\n';

export function appointmentIcs(input: AppointmentIcsInput): string {
  if (!(input.end.getTime() > input.start.getTime())) {
    const message = 'An appointment must end after it starts.';
    throw new AppError('validation_failed', message, { fields: [{ path: 'end', message }] });
  }
  const method = input.method ?? 'REQUEST';
  const lines = [
    'BEGIN:VCALENDAR',
    `PRODID:${PRODID}`,
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${escapeText(input.uid)}`,
    `SEQUENCE:${Math.max(0, Math.trunc(input.sequence))}`,
    `DTSTAMP:${utcDateTime(input.stamp ?? new Date())}`,
    // UTC ("Z") times are the simplest correct choice: an appointment is a fixed instant, every
    // calendar program shows it in its viewer's own zone, and no VTIMEZONE block (with its
    // daylight-saving rules) has to be generated and kept right.
    `DTSTART:${utcDateTime(input.start)}`,
    `DTEND:${utcDateTime(input.end)}`,
    `SUMMARY:${escapeText(input.summary)}`,
    ...(input.location ? [`LOCATION:${escapeText(input.location)}`] : []),
    ...(input.description ? [`DESCRIPTION:${escapeText(input.description)}`] : []),
    // ORGANIZER's value must be a calendar address (a mailto: URI). Without an email address
    // there is none to give, so the line is left out rather than made up.
    ...(input.organizerEmail
      ? [`ORGANIZER;CN=${quoteParam(input.organizerName)}:mailto:${input.organizerEmail.replace(/[\s\p{Cc}]/gu, '')}`]
      : []),
    `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** `20261127T143000Z` */
function utcDateTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** RFC 5545 TEXT: backslash, semicolon and comma escaped, every line break as `\n`. */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\r\n?/g, '\n')
      // Control characters other than tab and line feed are not allowed in TEXT.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
      .replace(/[\\;,]/g, (c) => `\\${c}`)
      .replace(/\n/g, '\\n')
  );
}

/** A parameter value in double quotes (so `:`, `;` and `,` are safe); a quote itself cannot appear. */
function quoteParam(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return `"${value.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/"/g, "'")}"`;
}

/**
 * Lines longer than 75 octets continue on the next line after CRLF and one space (RFC 5545
 * 3.1). Octets, not characters: the limit counts UTF-8 bytes, and a multi-byte character is
 * never split between two lines.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75; // the first line; continuation lines spend one octet on the leading space
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}
