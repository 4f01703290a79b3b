import type { ClaimDataSet, PostalAddress } from '@tend/domain';
import { X12Interchange } from 'node-x12';

/**
 * A batch of claims as one ASC X12 005010X222A1 837P (professional claim) interchange.
 *
 * node-x12 writes the envelope (ISA/GS/ST … SE/GE/IEA) and keeps its counts and control numbers;
 * the 837P loops inside the transaction set — the HL hierarchy, who goes in which NM1, which
 * qualifiers — are ours: billing provider (2000A) → subscriber (2000B) → patient (2000C, only when
 * the patient is not the subscriber) → claim (2300) → service lines (2400).
 *
 * The caller validates claims before submitting them, so anything here that cannot be encoded is
 * a programmer error and throws a plain Error naming the claim and the field.
 */

export interface Envelope837 {
  /** ISA06 / GS02 / 1000A NM109: our submitter id at the receiver (qualifier ZZ, at most 15 characters). */
  senderId: string;
  /** ISA08 / GS03 / 1000B NM109: the clearinghouse or payer receiving the file. */
  receiverId: string;
  submitterName: string;
  submitterContactName: string;
  submitterPhone: string | null;
  submitterEmail: string | null;
  receiverName: string;
  /** ISA13 / IEA02; also GS06/GE02 and BHT03. 1–999999999, unique per file sent. */
  interchangeControlNumber: number;
  /** ISA09/ISA10, GS04/GS05, BHT04/BHT05 — written in UTC. */
  createdAt: Date;
  /** ISA15: production or test. */
  usage: 'P' | 'T';
}

const ELEMENT = '*';
const COMPONENT = ':';
const REPETITION = '^';
const TERMINATOR = '~';
const DELIMITERS = /[*:^~]/;

const MAX_DIAGNOSES = 12;
const MAX_LINES = 50;
const MAX_MODIFIERS = 4;
const MAX_POINTERS = 4;

/**
 * The claim filing indicator (SBR09): commercial insurance. Tend does not yet tell Medicare,
 * Medicaid or other programmes apart. 2330A names the claim's subscriber with the prior payer's
 * member id.
 */
export const CLAIM_FILING_INDICATOR = 'CI';

type Segment = [tag: string, ...elements: string[]];

/** Integer cents as an X12 decimal amount: 12500 → "125", 12550 → "125.5", 12505 → "125.05". */
export function x12Amount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) {
    throw new Error(`An amount must be a whole, non-negative number of cents (got ${cents}).`);
  }
  const dollars = Math.floor(cents / 100);
  const rest = cents % 100;
  if (rest === 0) return String(dollars);
  return `${dollars}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/** "2026-11-20" → "20261120" (CCYYMMDD). */
export function x12Date(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = match ? new Date(`${date}T00:00:00Z`) : null;
  if (!match || !parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new Error(`A date must be YYYY-MM-DD (got "${date}").`);
  }
  return `${match[1]}${match[2]}${match[3]}`;
}

/** Free text (names, addresses) in the X12 basic character set: upper case ASCII, no delimiters. */
function text(value: string, max: number): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^\x20-\x7e]|[*:^~]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}

/** An identifier is sent as given: one with a delimiter in it cannot be sent at all. */
function identifier(value: string | null | undefined, what: string, max = 80): string {
  const trimmed = (value ?? '').trim();
  if (!trimmed) throw new Error(`${what} is missing.`);
  if (DELIMITERS.test(trimmed) || trimmed.length > max) {
    throw new Error(`${what} "${trimmed}" cannot be sent in X12 (at most ${max} characters, none of * : ^ ~).`);
  }
  return trimmed;
}

function digits(value: string): string {
  return value.replace(/\D/g, '');
}

/** A US phone number as PER wants it: 10 digits, no punctuation. */
function phoneNumber(value: string): string {
  const d = digits(value);
  return d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
}

function isUnitedStates(country: string): boolean {
  return ['', 'US', 'USA'].includes(country.trim().toUpperCase());
}

function addressSegments(address: PostalAddress): Segment[] {
  const n3: Segment = ['N3', text(address.line1, 55)];
  if (address.line2) n3.push(text(address.line2, 55));
  const postal = address.postalCode.replace(/[\s-]/g, '').toUpperCase();
  const n4: Segment = ['N4', text(address.city, 30), text(address.region ?? '', 2), postal];
  if (!isUnitedStates(address.country)) n4.push(text(address.country, 3));
  return [n3, n4];
}

const SEX = { F: 'F', M: 'M', U: 'U' } as const;

/** The patient's relationship to the subscriber as SBR02 / PAT01 codes. */
const RELATIONSHIP = { self: '18', spouse: '01', child: '19', other: 'G8' } as const;

function personName(family: string, given: string): [string, string] {
  return [text(family, 60), text(given, 35)];
}

/** Refuses what an 837P cannot carry; everything else is the caller's validation. */
function checkClaim(claim: ClaimDataSet): void {
  const which = `Claim ${claim.controlNumber || '(no control number)'}`;
  identifier(claim.controlNumber, `${which}: the patient control number (CLM01)`, 38);
  const codes = claim.diagnosisCodes;
  if (codes.length === 0) throw new Error(`${which} has no diagnosis code: an 837P claim needs at least one.`);
  if (codes.length > MAX_DIAGNOSES) {
    throw new Error(`${which} has ${codes.length} diagnosis codes: an 837P claim carries at most ${MAX_DIAGNOSES}.`);
  }
  for (const code of codes) {
    if (!/^[A-Z0-9]{3,7}$/i.test(code.replace('.', ''))) {
      throw new Error(`${which}: "${code}" is not an ICD-10-CM code.`);
    }
  }
  if (claim.lines.length === 0) throw new Error(`${which} has no service line.`);
  if (claim.lines.length > MAX_LINES) {
    throw new Error(`${which} has ${claim.lines.length} service lines: an 837P claim carries at most ${MAX_LINES}.`);
  }
  for (const [index, line] of claim.lines.entries()) {
    const where = `${which}, line ${index + 1}`;
    identifier(line.code, `${where}: the procedure code`, 48);
    if (line.modifiers.length > MAX_MODIFIERS) {
      throw new Error(`${where} has ${line.modifiers.length} modifiers: at most ${MAX_MODIFIERS}.`);
    }
    for (const modifier of line.modifiers) {
      if (!/^[A-Z0-9]{2}$/i.test(modifier)) throw new Error(`${where}: "${modifier}" is not a modifier.`);
    }
    if (!Number.isSafeInteger(line.units) || line.units < 1) {
      throw new Error(`${where}: units must be a whole number of at least 1 (got ${line.units}).`);
    }
    const pointers = line.diagnosisPointers;
    if (pointers.length === 0 || pointers.length > MAX_POINTERS) {
      throw new Error(`${where} has ${pointers.length} diagnosis pointers: 1 to ${MAX_POINTERS} are needed.`);
    }
    for (const pointer of pointers) {
      if (!Number.isInteger(pointer) || pointer < 1 || pointer > codes.length) {
        throw new Error(
          `${where}: diagnosis pointer ${pointer} is out of range (the claim has ${codes.length} codes).`,
        );
      }
    }
  }
  const sum = claim.lines.reduce((total, line) => total + line.chargeCents, 0);
  if (sum !== claim.totalCents) {
    throw new Error(`${which}: the total (${claim.totalCents} cents) is not the sum of its lines (${sum} cents).`);
  }
  if (!/^\d{2}$/.test(claim.serviceFacility.placeOfService)) {
    throw new Error(`${which}: the place of service "${claim.serviceFacility.placeOfService}" is not a 2-digit code.`);
  }
  if (!claim.billingProvider.address) throw new Error(`${which}: the billing provider has no address (2010AA N3/N4).`);
  if (claim.subscriber.relationship !== 'self' && !claim.patient.address) {
    throw new Error(`${which}: the patient is not the subscriber and has no address (2010CA N3/N4).`);
  }
}

function billingProviderKey(claim: ClaimDataSet): string {
  const p = claim.billingProvider;
  return JSON.stringify([p.npi, p.taxId, p.name, p.address]);
}

/** 2000A and 2010AA: one billing provider. */
function billingProviderLoop(claim: ClaimDataSet, hl: number): Segment[] {
  const p = claim.billingProvider;
  const which = `Claim ${claim.controlNumber}`;
  const npi = identifier(p.npi, `${which}: the billing provider's NPI`);
  if (!/^\d{10}$/.test(npi)) throw new Error(`${which}: the billing provider's NPI "${npi}" is not 10 digits.`);
  const taxId = digits(p.taxId ?? '');
  if (taxId.length !== 9) throw new Error(`${which}: the billing provider's tax id (EIN) must be 9 digits.`);
  return [
    ['HL', String(hl), '', '20', '1'],
    ['NM1', '85', '2', text(p.name, 60), '', '', '', '', 'XX', npi],
    ...addressSegments(p.address as PostalAddress),
    ['REF', 'EI', taxId],
  ];
}

/** 2000B/2010BA/2010BB, optional 2000C/2010CA, 2300 with 2310B/2310C/2320/2330A/2330B, and 2400 lines. */
function claimLoops(claim: ClaimDataSet, parentHl: number, firstHl: number): Segment[] {
  const which = `Claim ${claim.controlNumber}`;
  const { subscriber, patient, payer } = claim;
  const patientIsSubscriber = subscriber.relationship === 'self';
  const subscriberHl = firstHl;
  const segments: Segment[] = [];

  // 2000B subscriber: HL04 says whether a 2000C patient follows.
  segments.push(['HL', String(subscriberHl), String(parentHl), '22', patientIsSubscriber ? '0' : '1']);
  segments.push([
    'SBR',
    claim.rank === 'primary' ? 'P' : 'S',
    patientIsSubscriber ? RELATIONSHIP.self : '',
    subscriber.groupNumber ? identifier(subscriber.groupNumber, `${which}: the group number`, 50) : '',
    '',
    '',
    '',
    '',
    '',
    CLAIM_FILING_INDICATOR,
  ]);
  const memberId = identifier(subscriber.memberId, `${which}: the subscriber's member id`);
  segments.push([
    'NM1',
    'IL',
    '1',
    ...personName(subscriber.familyName, subscriber.givenName),
    '',
    '',
    '',
    'MI',
    memberId,
  ]);
  if (subscriber.address) segments.push(...addressSegments(subscriber.address));
  if (subscriber.birthDate) segments.push(['DMG', 'D8', x12Date(subscriber.birthDate), SEX[subscriber.sex]]);

  // 2010BB payer.
  const payerId = identifier(payer.payerId, `${which}: the payer id`);
  segments.push(['NM1', 'PR', '2', text(payer.name, 60), '', '', '', '', 'PI', payerId]);

  // 2000C patient, only when the patient is not the subscriber.
  if (!patientIsSubscriber) {
    segments.push(['HL', String(subscriberHl + 1), String(subscriberHl), '23', '0']);
    segments.push(['PAT', RELATIONSHIP[subscriber.relationship]]);
    segments.push(['NM1', 'QC', '1', ...personName(patient.familyName, patient.givenName)]);
    segments.push(...addressSegments(patient.address as PostalAddress));
    segments.push(['DMG', 'D8', x12Date(patient.birthDate), SEX[patient.sex]]);
  }

  // 2300 claim: CLM05 is place of service : B (professional) : 1 (original claim).
  segments.push([
    'CLM',
    claim.controlNumber.trim(),
    x12Amount(claim.totalCents),
    '',
    '',
    [claim.serviceFacility.placeOfService, 'B', '1'].join(COMPONENT),
    'Y',
    'A',
    'Y',
    'Y',
  ]);
  segments.push([
    'HI',
    ...claim.diagnosisCodes.map((code, i) =>
      [i === 0 ? 'ABK' : 'ABF', code.replace('.', '').toUpperCase()].join(COMPONENT),
    ),
  ]);

  // 2310B rendering provider.
  const rendering = claim.renderingProvider;
  const renderingName = personName(rendering.familyName, rendering.givenName);
  segments.push(
    rendering.npi
      ? ['NM1', '82', '1', ...renderingName, '', '', '', 'XX', identifier(rendering.npi, `${which}: the rendering NPI`)]
      : ['NM1', '82', '1', ...renderingName],
  );

  // 2310C service facility (N3/N4 are required in the loop, so no address, no loop).
  const facility = claim.serviceFacility;
  if (facility.address) {
    segments.push(['NM1', '77', '2', text(facility.name, 60)]);
    segments.push(...addressSegments(facility.address));
  }

  // 2320 other subscriber (the prior payer's coverage) with 2330A/2330B, for a secondary claim.
  if (claim.rank === 'secondary') {
    const prior = claim.priorPayer;
    if (!prior?.payerId) throw new Error(`${which}: a secondary claim needs the prior payer's id`);
    segments.push([
      'SBR',
      'P',
      RELATIONSHIP[subscriber.relationship],
      prior.groupNumber ? identifier(prior.groupNumber, `${which}: the prior payer's group number`, 50) : '',
      '',
      '',
      '',
      '',
      '',
      CLAIM_FILING_INDICATOR,
    ]);
    segments.push(['AMT', 'D', x12Amount(claim.priorPaidCents)]);
    segments.push(['OI', '', '', 'Y', '', '', 'Y']);
    segments.push([
      'NM1',
      'IL',
      '1',
      ...personName(subscriber.familyName, subscriber.givenName),
      '',
      '',
      '',
      'MI',
      identifier(prior.memberId, `${which}: the prior payer's member id`),
    ]);
    segments.push([
      'NM1',
      'PR',
      '2',
      text(prior.name, 60),
      '',
      '',
      '',
      '',
      'PI',
      identifier(prior.payerId, `${which}: the prior payer's id`),
    ]);
  }

  // 2400 service lines, numbered in order.
  for (const [index, line] of claim.lines.entries()) {
    segments.push(['LX', String(index + 1)]);
    segments.push([
      'SV1',
      ['HC', line.code.trim().toUpperCase(), ...line.modifiers.map((m) => m.toUpperCase())].join(COMPONENT),
      x12Amount(line.chargeCents),
      'UN',
      String(line.units),
      '',
      '',
      line.diagnosisPointers.join(COMPONENT),
    ]);
    segments.push(['DTP', '472', 'D8', x12Date(line.serviceDate)]);
  }
  return segments;
}

/** Drops empty trailing elements: X12 ends a segment at its last element with data. */
function trimmed(segment: Segment): [string, string[]] {
  const [tag, ...elements] = segment;
  let end = elements.length;
  while (end > 0 && elements[end - 1] === '') end--;
  return [tag, elements.slice(0, end)];
}

function checkEnvelope(envelope: Envelope837): void {
  for (const [field, value] of [
    ['senderId', envelope.senderId],
    ['receiverId', envelope.receiverId],
  ] as const) {
    const id = identifier(value, `The envelope's ${field}`, 15);
    if (id.length < 2) throw new Error(`The envelope's ${field} must be 2 to 15 characters.`);
  }
  const icn = envelope.interchangeControlNumber;
  if (!Number.isSafeInteger(icn) || icn < 1 || icn > 999_999_999) {
    throw new Error(`The interchange control number must be 1 to 999999999 (got ${icn}).`);
  }
  if (Number.isNaN(envelope.createdAt.getTime())) throw new Error('The envelope has no valid creation time.');
  if (!envelope.submitterPhone && !envelope.submitterEmail) {
    throw new Error('The submitter needs a phone number or an email address (1000A PER).');
  }
}

/** The batch of claims as an 837P interchange: one ISA/GS/ST, claims grouped by billing provider. */
export function build837P(claims: readonly ClaimDataSet[], envelope: Envelope837): string {
  if (claims.length === 0) throw new Error('An 837P needs at least one claim.');
  checkEnvelope(envelope);
  for (const claim of claims) checkClaim(claim);

  const iso = envelope.createdAt.toISOString();
  const date = iso.slice(0, 10).replaceAll('-', '');
  const time = iso.slice(11, 16).replace(':', '');
  const controlNumber = String(envelope.interchangeControlNumber);

  const segments: Segment[] = [
    ['BHT', '0019', '00', controlNumber, date, time, 'CH'],
    // 1000A submitter and 1000B receiver.
    ['NM1', '41', '2', text(envelope.submitterName, 60), '', '', '', '', '46', envelope.senderId.trim()],
    [
      'PER',
      'IC',
      text(envelope.submitterContactName, 60),
      ...(envelope.submitterPhone ? ['TE', phoneNumber(envelope.submitterPhone)] : []),
      ...(envelope.submitterEmail ? ['EM', identifier(envelope.submitterEmail, "The submitter's email", 256)] : []),
    ],
    ['NM1', '40', '2', text(envelope.receiverName, 60), '', '', '', '', '46', envelope.receiverId.trim()],
  ];

  // One 2000A per billing provider, in the order the claims come; HL ids count through the file.
  const byProvider = new Map<string, ClaimDataSet[]>();
  for (const claim of claims) {
    const key = billingProviderKey(claim);
    byProvider.set(key, [...(byProvider.get(key) ?? []), claim]);
  }
  let hl = 0;
  for (const group of byProvider.values()) {
    const providerHl = ++hl;
    segments.push(...billingProviderLoop(group[0], providerHl));
    for (const claim of group) {
      const loops = claimLoops(claim, providerHl, hl + 1);
      hl += loops.filter(([tag]) => tag === 'HL').length;
      segments.push(...loops);
    }
  }

  const interchange = new X12Interchange({
    elementDelimiter: ELEMENT,
    segmentTerminator: TERMINATOR,
    subElementDelimiter: COMPONENT,
    repetitionDelimiter: REPETITION,
    endOfLine: '\n',
    format: true,
  });
  interchange.setHeader([
    '00',
    '',
    '00',
    '',
    'ZZ',
    envelope.senderId.trim(),
    'ZZ',
    envelope.receiverId.trim(),
    date.slice(2),
    time,
    REPETITION,
    '00501',
    controlNumber,
    '0',
    envelope.usage,
    COMPONENT,
  ]);
  const group = interchange.addFunctionalGroup();
  group.setHeader([
    'HC',
    envelope.senderId.trim(),
    envelope.receiverId.trim(),
    date,
    time,
    controlNumber,
    'X',
    '005010X222A1',
  ]);
  const transaction = group.addTransaction();
  transaction.setHeader(['837', '0001', '005010X222A1']);
  for (const segment of segments) transaction.addSegment(...trimmed(segment));
  return `${interchange.toString()}\n`;
}
