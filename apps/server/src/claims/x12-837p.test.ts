import type { ClaimDataSet } from '@tend/domain';
import { type X12Interchange, X12Parser, type X12Segment } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { adultPrimaryClaim, childSecondaryClaim, otherClinicClaim } from './sample-claims';
import { build837P, type Envelope837, x12Amount, x12Date } from './x12-837p';

/**
 * The 837P of a batch, read back with node-x12's strict parser (which refuses wrong SE/GE/IEA
 * counts and control numbers) and checked loop by loop against the claims' data sets.
 */

const envelope: Envelope837 = {
  senderId: 'TEND001',
  receiverId: 'CLEARHOUSE',
  submitterName: 'Harbor Family Clinic',
  submitterContactName: 'Billing Office',
  submitterPhone: '(207) 555-0142',
  submitterEmail: 'billing@harbor.test',
  receiverName: 'Acme Clearing',
  interchangeControlNumber: 42,
  createdAt: new Date('2026-11-27T07:30:00Z'),
  usage: 'T',
};

function parse(edi: string): X12Interchange {
  return new X12Parser(true).parse(edi) as X12Interchange;
}

const values = (segment: X12Segment) => segment.elements.map((e) => e.value);

/** The transaction's segments (ST and SE excluded) cut at each HL: one block per hierarchical level. */
function hlBlocks(interchange: X12Interchange): { hl: string[]; segments: string[][] }[] {
  const blocks: { hl: string[]; segments: string[][] }[] = [];
  for (const segment of interchange.functionalGroups[0].transactions[0].segments) {
    const row = [segment.tag, ...values(segment)];
    if (segment.tag === 'HL') blocks.push({ hl: row.slice(1), segments: [] });
    else blocks.at(-1)?.segments.push(row);
  }
  return blocks;
}

/** The segments of one block with a given tag (and first element, when given). */
function find(block: { segments: string[][] }, tag: string, first?: string): string[][] {
  return block.segments.filter((s) => s[0] === tag && (first === undefined || s[1] === first));
}

/** The segments from an index up to (not including) the next segment with one of the tags. */
function until(rows: string[][], from: number, stopTags: string[]): string[][] {
  const end = rows.findIndex((row, i) => i > from && stopTags.includes(row[0]));
  return rows.slice(from, end === -1 ? undefined : end);
}

function withDiagnoses(count: number): ClaimDataSet {
  const codes = Array.from({ length: count }, (_, i) => `R${String(50 + i).padStart(2, '0')}9`);
  return { ...adultPrimaryClaim, diagnosisCodes: codes };
}

describe('x12Amount and x12Date', () => {
  it('writes cents as X12 decimals without trailing zeros, and dates as CCYYMMDD', () => {
    expect(x12Amount(12_500)).toBe('125');
    expect(x12Amount(12_550)).toBe('125.5');
    expect(x12Amount(12_505)).toBe('125.05');
    expect(x12Amount(50)).toBe('0.5');
    expect(x12Amount(7)).toBe('0.07');
    expect(x12Amount(0)).toBe('0');
    expect(() => x12Amount(-1)).toThrow(/non-negative/);
    expect(() => x12Amount(1.5)).toThrow(/whole/);
    expect(x12Date('2026-11-20')).toBe('20261120');
    expect(() => x12Date('2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => x12Date('20261120')).toThrow(/YYYY-MM-DD/);
  });
});

describe('build837P', () => {
  const edi = build837P([adultPrimaryClaim, childSecondaryClaim], envelope);
  const lines = edi.trimEnd().split('\n');
  const interchange = parse(edi);

  it('writes a fixed-width ISA with our delimiters and matching control numbers and counts', () => {
    const isa = lines[0];
    expect(isa).toHaveLength(106);
    expect(isa.endsWith('~')).toBe(true);
    const elements = isa.slice(0, -1).split('*');
    expect(elements.map((e) => e.length)).toEqual([3, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1]);
    expect(elements.slice(5, 17)).toEqual([
      'ZZ',
      'TEND001        ',
      'ZZ',
      'CLEARHOUSE     ',
      '261127',
      '0730',
      '^',
      '00501',
      '000000042',
      '0',
      'T',
      ':',
    ]);
    expect(lines.at(-1)).toBe('IEA*1*000000042~');

    const group = interchange.functionalGroups[0];
    expect(interchange.functionalGroups).toHaveLength(1);
    expect(values(group.header)).toEqual([
      'HC',
      'TEND001',
      'CLEARHOUSE',
      '20261127',
      '0730',
      '42',
      'X',
      '005010X222A1',
    ]);
    expect(values(group.trailer)).toEqual(['1', '42']);
    expect(values(interchange.trailer)).toEqual(['1', '42']);
    expect(group.transactions).toHaveLength(1);

    const transaction = group.transactions[0];
    expect(values(transaction.header)).toEqual(['837', '0001', '005010X222A1']);
    // SE01 counts ST through SE in the text itself, not just what node-x12 believes.
    const st = lines.findIndex((l) => l.startsWith('ST*'));
    const se = lines.findIndex((l) => l.startsWith('SE*'));
    expect(lines.slice(st, se + 1).every((l) => /^[A-Z0-9]{2,3}\*.*~$/.test(l))).toBe(true);
    expect(values(transaction.trailer)).toEqual([String(se - st + 1), '0001']);
    expect(se - st + 1).toBe(57);
  });

  it('writes the header, the submitter and the receiver', () => {
    const header = interchange.functionalGroups[0].transactions[0].segments.slice(0, 4).map((s) => s.toString());
    expect(header).toEqual([
      'BHT*0019*00*42*20261127*0730*CH~',
      'NM1*41*2*HARBOR FAMILY CLINIC*****46*TEND001~',
      'PER*IC*BILLING OFFICE*TE*2075550142*EM*billing@harbor.test~',
      'NM1*40*2*ACME CLEARING*****46*CLEARHOUSE~',
    ]);
  });

  it('numbers the HLs with the right parents and child codes: no 2000C for a patient who is the subscriber', () => {
    expect(hlBlocks(interchange).map((b) => b.hl)).toEqual([
      ['1', '', '20', '1'],
      ['2', '1', '22', '0'],
      ['3', '1', '22', '1'],
      ['4', '3', '23', '0'],
    ]);
  });

  it('puts the billing provider in 2010AA', () => {
    const [provider] = hlBlocks(interchange);
    expect(provider.segments).toEqual([
      ['NM1', '85', '2', 'HARBOR FAMILY CLINIC', '', '', '', '', 'XX', '1234567893'],
      ['N3', '400 HARBOR STREET', 'SUITE 2'],
      ['N4', 'PORTLAND', 'ME', '041013520'],
      ['REF', 'EI', '123456789'],
    ]);
  });

  it('bills the adult’s own primary plan: subscriber, payer, claim, rendering, facility and two lines', () => {
    const block = hlBlocks(interchange)[1];
    const rows = block.segments;
    expect(find(block, 'SBR')).toEqual([['SBR', 'P', '18', 'GRP5521', '', '', '', '', '', 'CI']]);
    expect(find(block, 'NM1', 'IL')).toEqual([['NM1', 'IL', '1', 'SANTOS', 'MARIA', '', '', '', 'MI', 'XYZ123456789']]);
    expect(find(block, 'DMG')).toEqual([['DMG', 'D8', '19860412', 'F']]);
    expect(find(block, 'NM1', 'PR')).toEqual([['NM1', 'PR', '2', 'BLUE HARBOR HEALTH', '', '', '', '', 'PI', 'BHH01']]);
    expect(find(block, 'NM1', 'QC')).toEqual([]);
    expect(find(block, 'PAT')).toEqual([]);
    // 2010BA's address comes right after its NM1, before the payer.
    const il = rows.findIndex((r) => r[0] === 'NM1' && r[1] === 'IL');
    expect(rows.slice(il + 1, il + 3)).toEqual([
      ['N3', '77 PINE ROAD'],
      ['N4', 'SOUTH PORTLAND', 'ME', '04106'],
    ]);

    expect(find(block, 'CLM')).toEqual([['CLM', 'C1001', '160.5', '', '', '11:B:1', 'Y', 'A', 'Y', 'Y']]);
    expect(find(block, 'HI')).toEqual([['HI', 'ABK:J029', 'ABF:R509', 'ABF:R051']]);
    expect(find(block, 'NM1', '82')).toEqual([['NM1', '82', '1', 'LOPEZ', 'ANA', '', '', '', 'XX', '1245319599']]);
    const facility = rows.findIndex((r) => r[0] === 'NM1' && r[1] === '77');
    expect(rows.slice(facility, facility + 3)).toEqual([
      ['NM1', '77', '2', 'HARBOR FAMILY CLINIC - MAIN STREET'],
      ['N3', '12 MAIN STREET'],
      ['N4', 'PORTLAND', 'ME', '041012200'],
    ]);
    expect(find(block, 'AMT')).toEqual([]);

    const lx = rows.findIndex((r) => r[0] === 'LX');
    expect(rows.slice(lx)).toEqual([
      ['LX', '1'],
      ['SV1', 'HC:99213:25', '125', 'UN', '1', '', '', '1:2:3'],
      ['DTP', '472', 'D8', '20261120'],
      ['LX', '2'],
      ['SV1', 'HC:87880:QW:59', '35.5', 'UN', '1', '', '', '1'],
      ['DTP', '472', 'D8', '20261120'],
    ]);
    // The loops come in the 837P's order: 2010BA, 2010BB, 2300, 2310B, 2310C, 2400.
    const order = rows.map((r) => (r[0] === 'NM1' ? `NM1*${r[1]}` : r[0]));
    const position = (tag: string) => order.indexOf(tag);
    expect(position('NM1*IL')).toBeLessThan(position('NM1*PR'));
    expect(position('NM1*PR')).toBeLessThan(position('CLM'));
    expect(position('CLM')).toBeLessThan(position('HI'));
    expect(position('HI')).toBeLessThan(position('NM1*82'));
    expect(position('NM1*82')).toBeLessThan(position('NM1*77'));
    expect(position('NM1*77')).toBeLessThan(position('LX'));
  });

  it('bills the child on the father’s secondary plan: 2000C patient, and the prior payment in 2320', () => {
    const [, , subscriberBlock, patientBlock] = hlBlocks(interchange);
    expect(subscriberBlock.segments.map((r) => r[0])).toEqual(['SBR', 'NM1', 'N3', 'N4', 'DMG', 'NM1']);
    expect(find(subscriberBlock, 'SBR')).toEqual([['SBR', 'S', '', '', '', '', '', '', '', 'CI']]);
    expect(find(subscriberBlock, 'NM1', 'IL')).toEqual([
      ['NM1', 'IL', '1', 'SANTOS', 'DANIEL', '', '', '', 'MI', 'EVM-998877'],
    ]);
    expect(find(subscriberBlock, 'DMG')).toEqual([['DMG', 'D8', '19840930', 'M']]);
    expect(find(subscriberBlock, 'NM1', 'PR')).toEqual([
      ['NM1', 'PR', '2', 'EVERGREEN MUTUAL', '', '', '', '', 'PI', 'EVG77'],
    ]);

    const rows = patientBlock.segments;
    expect(rows.slice(0, 5)).toEqual([
      ['PAT', '19'],
      ['NM1', 'QC', '1', 'SANTOS', 'LEO'],
      ['N3', '77 PINE ROAD'],
      ['N4', 'SOUTH PORTLAND', 'ME', '04106'],
      ['DMG', 'D8', '20190603', 'M'],
    ]);
    expect(find(patientBlock, 'CLM')).toEqual([['CLM', 'C1002', '150', '', '', '11:B:1', 'Y', 'A', 'Y', 'Y']]);
    expect(find(patientBlock, 'HI')).toEqual([['HI', 'ABK:Z00129']]);
    expect(find(patientBlock, 'NM1', '82')).toEqual([
      ['NM1', '82', '1', 'LOPEZ', 'ANA', '', '', '', 'XX', '1245319599'],
    ]);

    // 2320 (after the 2310 providers, before the lines) with 2330A and 2330B.
    const sbr = rows.findIndex((r) => r[0] === 'SBR');
    expect(sbr).toBeGreaterThan(rows.findIndex((r) => r[0] === 'NM1' && r[1] === '77'));
    expect(until(rows, sbr, ['LX'])).toEqual([
      ['SBR', 'P', '19', 'G-7781', '', '', '', '', '', 'CI'],
      ['AMT', 'D', '80'],
      ['OI', '', '', 'Y', '', '', 'Y'],
      ['NM1', 'IL', '1', 'SANTOS', 'DANIEL', '', '', '', 'MI', 'HHP-554433'],
      ['NM1', 'PR', '2', 'HARBOR HEALTH PLAN', '', '', '', '', 'PI', 'HHP01'],
    ]);
    const lx = rows.findIndex((r) => r[0] === 'LX');
    expect(rows.slice(lx)).toEqual([
      ['LX', '1'],
      ['SV1', 'HC:99392', '150', 'UN', '1', '', '', '1'],
      ['DTP', '472', 'D8', '20261121'],
    ]);
  });

  it('groups claims under one 2000A per billing provider, HL ids counting through the file', () => {
    const batch = parse(build837P([adultPrimaryClaim, otherClinicClaim, childSecondaryClaim], envelope));
    const blocks = hlBlocks(batch);
    expect(blocks.map((b) => b.hl)).toEqual([
      ['1', '', '20', '1'],
      ['2', '1', '22', '0'],
      ['3', '1', '22', '1'],
      ['4', '3', '23', '0'],
      ['5', '', '20', '1'],
      ['6', '5', '22', '0'],
    ]);
    expect(find(blocks[0], 'NM1', '85')[0][9]).toBe('1234567893');
    expect(find(blocks[4], 'NM1', '85')[0][9]).toBe('1326047580');
    expect(find(blocks[4], 'REF')).toEqual([['REF', 'EI', '987654321']]);
    expect(blocks.flatMap((b) => find(b, 'CLM').map((c) => c[1]))).toEqual(['C1001', 'C1002', 'C2001']);
    const transaction = batch.functionalGroups[0].transactions[0];
    expect(Number(transaction.trailer.valueOf(1))).toBe(transaction.segments.length + 2);
  });

  it('writes names in the X12 character set: no delimiters, no accents', () => {
    const claim: ClaimDataSet = {
      ...childSecondaryClaim,
      patient: { ...childSecondaryClaim.patient, givenName: 'Zoë*Ann', familyName: 'Núñez~Ortiz' },
    };
    const blocks = hlBlocks(parse(build837P([claim], envelope)));
    expect(find(blocks[2], 'NM1', 'QC')).toEqual([['NM1', 'QC', '1', 'NUNEZ ORTIZ', 'ZOE ANN']]);
  });

  it('refuses what an 837P cannot carry', () => {
    expect(() => build837P([withDiagnoses(12)], envelope)).not.toThrow();
    expect(() => build837P([withDiagnoses(13)], envelope)).toThrow(
      'Claim C1001 has 13 diagnosis codes: an 837P claim carries at most 12.',
    );
    const badPointer = {
      ...adultPrimaryClaim,
      lines: [{ ...adultPrimaryClaim.lines[0], diagnosisPointers: [4] }, adultPrimaryClaim.lines[1]],
    };
    expect(() => build837P([badPointer], envelope)).toThrow(/line 1: diagnosis pointer 4 is out of range/);
    expect(() => build837P([{ ...adultPrimaryClaim, totalCents: 1 }], envelope)).toThrow(/not the sum of its lines/);
    const noPayerId = { ...adultPrimaryClaim, payer: { ...adultPrimaryClaim.payer, payerId: null } };
    expect(() => build837P([noPayerId], envelope)).toThrow(/payer id is missing/);
    expect(() => build837P([], envelope)).toThrow(/at least one claim/);
    expect(() => build837P([adultPrimaryClaim], { ...envelope, senderId: 'A-SENDER-ID-TOO-LONG' })).toThrow(/senderId/);
    expect(() => build837P([adultPrimaryClaim], { ...envelope, submitterPhone: null, submitterEmail: null })).toThrow(
      /phone number or an email/,
    );
  });
});
