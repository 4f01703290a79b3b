import { describe, expect, it } from 'vitest';
import { type AppointmentIcsInput, appointmentIcs, foldLine } from './ics';

/**
 * The appointment calendar file, read back with a small RFC 5545 parser written here (unfold,
 * split name/parameters/value, unescape TEXT), plus the octet-level checks on folding.
 */

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds (CRLF + one space or tab) and splits each content line at the first colon outside quotes. */
function parseIcs(ics: string): Property[] {
  expect(ics.endsWith('\r\n')).toBe(true);
  expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare CR or LF anywhere
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      // Split at ';' and the first ':' that are not inside a quoted parameter value.
      const pieces: string[] = [''];
      let inQuotes = false;
      let i = 0;
      for (; i < line.length; i++) {
        const c = line[i];
        if (c === '"') inQuotes = !inQuotes;
        if (!inQuotes && c === ':') break;
        if (!inQuotes && c === ';') pieces.push('');
        else pieces[pieces.length - 1] += c;
      }
      const [name, ...rawParams] = pieces;
      const params = Object.fromEntries(
        rawParams.map((p) => {
          const equals = p.indexOf('=');
          return [p.slice(0, equals), p.slice(equals + 1).replace(/^"(.*)"$/s, '$1')];
        }),
      );
      return { name, params, value: line.slice(i + 1) };
    });
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function the(props: Property[], name: string): Property {
  const found = props.filter((p) => p.name === name);
  expect(found, name).toHaveLength(1);
  return found[0];
}

/** Every physical line, as bytes: at most 75 octets and valid UTF-8 on its own. */
function expectFoldedOctets(ics: string) {
  const bytes = Buffer.from(ics, 'utf8');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      const line = bytes.subarray(start, i);
      expect(line.length).toBeLessThanOrEqual(75);
      expect(() => decoder.decode(line)).not.toThrow();
      start = i + 2;
    }
  }
  expect(start).toBe(bytes.length);
}

const appointment: AppointmentIcsInput = {
  uid: 'appointment-0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b@riverside.tend.example',
  sequence: 2,
  start: new Date('2026-03-08T14:30:00Z'),
  end: new Date('2026-03-08T15:00:00Z'),
  timezone: 'America/New_York',
  summary: 'Appointment with Dr. Amara Okafor',
  location: 'Riverside Clinic, 12 Main St, Springfield',
  description: 'Please arrive 10 minutes early.\nBring your insurance card.',
  organizerName: 'Riverside Clinic',
  organizerEmail: 'front-desk@riverside.example',
  stamp: new Date('2026-03-01T09:15:42.123Z'),
};

describe('appointmentIcs', () => {
  it('writes an appointment that parses back to the same event', () => {
    const ics = appointmentIcs(appointment);
    const props = parseIcs(ics);

    expect(props.map((p) => p.name)).toEqual([
      'BEGIN',
      'PRODID',
      'VERSION',
      'CALSCALE',
      'METHOD',
      'BEGIN',
      'UID',
      'SEQUENCE',
      'DTSTAMP',
      'DTSTART',
      'DTEND',
      'SUMMARY',
      'LOCATION',
      'DESCRIPTION',
      'ORGANIZER',
      'STATUS',
      'TRANSP',
      'END',
      'END',
    ]);
    expect(props[0].value).toBe('VCALENDAR');
    expect(props.at(-1)?.value).toBe('VCALENDAR');
    expect(props.filter((p) => p.name === 'BEGIN' && p.value === 'VEVENT')).toHaveLength(1);
    expect(the(props, 'VERSION').value).toBe('2.0');
    expect(the(props, 'PRODID').value).toMatch(/Tend/);
    expect(the(props, 'METHOD').value).toBe('REQUEST');
    expect(unescapeText(the(props, 'UID').value)).toBe(appointment.uid);
    expect(the(props, 'SEQUENCE').value).toBe('2');
    // The 8 March 2026 appointment falls on New York's spring-forward day: UTC needs no rules.
    expect(the(props, 'DTSTAMP').value).toBe('20260301T091542Z');
    expect(the(props, 'DTSTART').value).toBe('20260308T143000Z');
    expect(the(props, 'DTEND').value).toBe('20260308T150000Z');
    expect(unescapeText(the(props, 'SUMMARY').value)).toBe(appointment.summary);
    expect(unescapeText(the(props, 'LOCATION').value)).toBe(appointment.location);
    expect(unescapeText(the(props, 'DESCRIPTION').value)).toBe(appointment.description);
    expect(the(props, 'ORGANIZER')).toEqual({
      name: 'ORGANIZER',
      params: { CN: 'Riverside Clinic' },
      value: 'mailto:front-desk@riverside.example',
    });
    expect(the(props, 'STATUS').value).toBe('CONFIRMED');
    expectFoldedOctets(ics);
  });

  it('folds long UTF-8 text at 75 octets without splitting a character', () => {
    const description = [
      'Préparation : à jeun depuis minuit, café interdit. ',
      '予約の10分前にお越しください。保険証をお持ちください。',
      '👩‍⚕️🩺💉 ',
      'Ärztin Dr. Øyvind Ñúñez — Zimmer 3. ',
    ]
      .join('')
      .repeat(6);
    const ics = appointmentIcs({ ...appointment, description });

    expectFoldedOctets(ics);
    const physical = ics.split('\r\n');
    expect(physical.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(10);
    // Lines are filled: a folded line is cut only where the next character would not fit.
    const folded = physical.filter((_line, i) => physical[i + 1]?.startsWith(' '));
    for (const line of folded) expect(Buffer.byteLength(line)).toBeGreaterThan(75 - 4);
    expect(unescapeText(the(parseIcs(ics), 'DESCRIPTION').value)).toBe(description);
  });

  it('folds by octets exactly: 75 stay on one line, 76 do not', () => {
    expect(foldLine('X'.repeat(75))).toBe('X'.repeat(75));
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
    // 74 ASCII octets, then a 2-octet "é" that would make 76: it moves whole to the next line.
    expect(foldLine(`${'X'.repeat(74)}éY`)).toBe(`${'X'.repeat(74)}\r\n éY`);
    // A 4-octet emoji (a surrogate pair in JavaScript) is never cut in half.
    expect(foldLine(`${'X'.repeat(73)}😀`)).toBe(`${'X'.repeat(73)}\r\n 😀`);
  });

  it('escapes backslash, semicolon, comma and line breaks, and nothing can start a new property', () => {
    const summary = 'Follow-up; labs, X-ray \\ results';
    const description = 'Line one\r\nLine two\nEND:VEVENT\rBEGIN:VALARM';
    const ics = appointmentIcs({
      ...appointment,
      summary,
      description,
      organizerName: 'Smith, Jones; "Partners": Clinic',
    });
    const props = parseIcs(ics);
    expect(the(props, 'SUMMARY').value).toBe('Follow-up\\; labs\\, X-ray \\\\ results');
    expect(unescapeText(the(props, 'SUMMARY').value)).toBe(summary);
    expect(the(props, 'DESCRIPTION').value).toBe('Line one\\nLine two\\nEND:VEVENT\\nBEGIN:VALARM');
    expect(unescapeText(the(props, 'DESCRIPTION').value)).toBe('Line one\nLine two\nEND:VEVENT\nBEGIN:VALARM');
    expect(props.filter((p) => p.name === 'END')).toHaveLength(2);
    expect(props.some((p) => p.value === 'VALARM')).toBe(false);
    expect(the(props, 'ORGANIZER').params.CN).toBe("Smith, Jones; 'Partners': Clinic");
  });

  it('a cancellation says METHOD:CANCEL and STATUS:CANCELLED for the same UID', () => {
    const props = parseIcs(appointmentIcs({ ...appointment, method: 'CANCEL', sequence: 3 }));
    expect(the(props, 'METHOD').value).toBe('CANCEL');
    expect(the(props, 'STATUS').value).toBe('CANCELLED');
    expect(unescapeText(the(props, 'UID').value)).toBe(appointment.uid);
    expect(the(props, 'SEQUENCE').value).toBe('3');
  });

  it('leaves out what is not known, and refuses an appointment that ends before it starts', () => {
    const props = parseIcs(
      appointmentIcs({ ...appointment, location: null, description: null, organizerEmail: null, stamp: undefined }),
    );
    for (const name of ['LOCATION', 'DESCRIPTION', 'ORGANIZER']) expect(props.some((p) => p.name === name)).toBe(false);
    expect(the(props, 'DTSTAMP').value).toMatch(/^\d{8}T\d{6}Z$/);
    expect(() => appointmentIcs({ ...appointment, end: appointment.start })).toThrow(/end after it starts/);
  });
});
