import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClaimDataSet } from '@tend/domain';
import { describe, expect, it } from 'vitest';
import { cms1500Pdf } from './cms1500-pdf';
import { adultPrimaryClaim, childSecondaryClaim } from './sample-claims';

/** The printed CMS-1500, read back with poppler: the values a payer keys in are on the page. */

function poppler(pdf: Buffer): { text: string; info: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tend-cms1500-'));
  try {
    const file = join(dir, 'claim.pdf');
    writeFileSync(file, pdf);
    return {
      text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
      info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('cms1500Pdf', () => {
  it('prints the adult’s primary claim on one letter page: ids, names, diagnoses, lines and totals', async () => {
    const pdf = await cms1500Pdf(adultPrimaryClaim);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, info } = poppler(pdf);
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+612 x 792 pts \(letter\)/);

    expect(text).toContain('HEALTH INSURANCE CLAIM FORM');
    expect(text).toContain('XYZ123456789'); // 1a
    expect(text).toContain('Santos, Maria'); // 2 and 4
    expect(text).toContain('04/12/1986'); // 3
    expect(text).toContain('77 Pine Road'); // 5 and 7
    expect(text).toContain('GRP5521'); // 11
    for (const code of ['J029', 'R509', 'R051']) expect(text).toContain(code); // 21 A–C
    // 24: date, place of service, code and modifiers, pointer letters, charge, units, rendering NPI.
    const first = text.split('\n').find((l) => l.includes('99213')) ?? '';
    expect(first.trim().split(/\s+/)).toEqual([
      '1',
      '11/20/26',
      '11/20/26',
      '11',
      '99213',
      '25',
      'ABC',
      '125.00',
      '1',
      'NPI',
      '1245319599',
    ]);
    const second = text.split('\n').find((l) => l.includes('87880')) ?? '';
    expect(second.trim().split(/\s+/)).toEqual([
      '2',
      '11/20/26',
      '11/20/26',
      '11',
      '87880',
      'QW',
      '59',
      'A',
      '35.50',
      '1',
      'NPI',
      '1245319599',
    ]);
    expect(text).toContain('Office visit, established patient, low complexity');
    expect(text).toContain('123456789'); // 25
    expect(text).toContain('C1001'); // 26
    expect(text).toMatch(/\$160\.50\s+\$0\.00/); // 28 and 29
    expect(text).toContain('Ana Lopez'); // 31
    expect(text).toContain('Harbor Family Clinic - Main Street'); // 32
    expect(text).toContain('Portland, ME 04101-2200');
    expect(text).toContain('1234567893'); // 33a
    expect(text).toContain('(207) 555-0142');
  });

  it('prints the child’s secondary claim: the insured is the father, and the prior payment is box 29', async () => {
    const { text } = poppler(await cms1500Pdf(childSecondaryClaim));
    expect(text).toContain('EVM-998877');
    expect(text).toContain('Santos, Leo');
    expect(text).toContain('Santos, Daniel');
    expect(text).toContain('06/03/2019');
    expect(text).toContain('09/30/1984');
    expect(text).toContain('Z00129');
    expect(text).toContain('Secondary claim');
    const line = text.split('\n').find((l) => l.includes('99392')) ?? '';
    expect(line).toMatch(/11\/21\/26\s+11\/21\/26\s+11\s+99392\s+A\s+150\.00\s+1\s+NPI\s+1245319599/);
    expect(text).toMatch(/\$150\.00\s+\$80\.00/);
  });

  it('continues a claim of more than six lines on a second form, with the total on the last one', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => ({
      ...adultPrimaryClaim.lines[i % 2],
      lineNumber: i + 1,
      code: `9921${i}`,
      chargeCents: 1_000 * (i + 1),
    }));
    const claim: ClaimDataSet = { ...adultPrimaryClaim, lines, totalCents: 36_000 };
    const { text, info } = poppler(await cms1500Pdf(claim, { currency: 'EUR' }));
    expect(info).toMatch(/Pages:\s+2\n/);
    const [page1, page2] = text.split('\f');
    for (let i = 0; i < 6; i++) expect(page1).toContain(`9921${i}`);
    expect(page1).not.toContain('99216');
    expect(page1).toContain('CONTINUED');
    expect(page1).not.toContain('€360.00');
    expect(page1).toContain('Page 1 of 2');
    expect(page2).toContain('99216');
    expect(page2).toContain('99217');
    expect(page2).toContain('80.00');
    expect(page2).toContain('€360.00');
    expect(page2).toContain('Page 2 of 2');
  });
});
