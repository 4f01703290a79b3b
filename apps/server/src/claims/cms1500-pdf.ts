import { type ClaimDataSet, formatCents, type PostalAddress } from '@tend/domain';

/**
 * A claim's CMS-1500 data set printed in the layout of the CMS-1500 (02/12) form: the numbered
 * boxes where a biller expects them, on a letter page, for payers who take paper and for
 * checking a claim by eye. Six service lines fit a form; a longer claim continues on more pages,
 * each a full form, with the total charge on the last one ("CONTINUED" before it).
 */

type Doc = PDFKit.PDFDocument;

const LEFT = 36;
const RIGHT = 576;
const WIDTH = RIGHT - LEFT;
const LINES_PER_FORM = 6;

const INK = '#111111';
const RULE = '#4a4a4a';
const LABEL = '#555555';
const SHADE = '#eef1f5';
const BAND = '#dfe4ea';

const LABEL_SIZE = 5.5;
const VALUE_SIZE = 9;
const MIN_SIZE = 6;

interface Options {
  /** The currency of the amounts in boxes 28 and 29 (ISO 4217); US dollars by default. */
  currency?: string;
}

/** Shrinks the font to fit the width, then cuts the text with an ellipsis; leaves the font set. */
function fit(doc: Doc, value: string, width: number, size: number, font: string): string {
  doc.font(font);
  const smallest = Math.min(MIN_SIZE, size * 0.85);
  let current = size;
  doc.fontSize(current);
  while (current > smallest && doc.widthOfString(value) > width) {
    current -= 0.5;
    doc.fontSize(current);
  }
  if (doc.widthOfString(value) <= width) return value;
  let cut = value;
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

interface TextStyle {
  size?: number;
  bold?: boolean;
  italic?: boolean;
  color?: string;
  align?: 'left' | 'right' | 'center';
}

/** One line of text, never wrapped and never wider than `width`. */
function write(doc: Doc, value: string, x: number, y: number, width: number, style: TextStyle = {}): void {
  if (!value) return;
  const font = style.bold ? 'Helvetica-Bold' : style.italic ? 'Helvetica-Oblique' : 'Helvetica';
  const shown = fit(doc, value, width, style.size ?? VALUE_SIZE, font);
  doc.fillColor(style.color ?? INK).text(shown, x, y, { width, align: style.align ?? 'left', lineBreak: false });
}

/** A box outline with its small label in the top-left corner. */
function box(doc: Doc, x: number, y: number, w: number, h: number, label: string): void {
  doc.lineWidth(0.5).strokeColor(RULE).rect(x, y, w, h).stroke();
  if (label) write(doc, label, x + 3, y + 2.5, w - 6, { size: LABEL_SIZE, color: LABEL });
}

/** Lines of text under a box's label. */
function values(doc: Doc, lines: readonly string[], x: number, y: number, w: number, bold = false): void {
  lines.forEach((line, i) => {
    write(doc, line, x + 4, y + 11 + i * 11, w - 8, { bold: bold && i === 0 });
  });
}

function checkbox(doc: Doc, x: number, y: number, checked: boolean, label: string): void {
  doc.lineWidth(0.5).strokeColor(RULE).rect(x, y, 6.5, 6.5).stroke();
  if (checked) {
    doc
      .lineWidth(1)
      .strokeColor(INK)
      .moveTo(x + 1.2, y + 1.2)
      .lineTo(x + 5.3, y + 5.3)
      .moveTo(x + 5.3, y + 1.2)
      .lineTo(x + 1.2, y + 5.3)
      .stroke();
  }
  write(doc, label, x + 9, y + 0.5, 60, { size: 7 });
}

/** A grey band naming a part of the form. */
function band(doc: Doc, y: number, title: string): void {
  doc.rect(LEFT, y, WIDTH, 11).fill(BAND);
  write(doc, title, LEFT + 4, y + 3, WIDTH - 8, { size: 6, bold: true, color: '#333333' });
}

/** "1986-04-12" → "04/12/1986", or "04/12/86" when short. */
function formDate(date: string | null, short = false): string {
  if (!date) return '';
  const [year, month, day] = date.split('-');
  return `${month}/${day}/${short ? year.slice(2) : year}`;
}

function addressLines(address: PostalAddress | null): string[] {
  if (!address) return [];
  // A 9-digit US ZIP code reads as ZIP+4.
  const postalCode = /^\d{9}$/.test(address.postalCode)
    ? `${address.postalCode.slice(0, 5)}-${address.postalCode.slice(5)}`
    : address.postalCode;
  const cityLine = [address.city, [address.region, postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const country = address.country && !['US', 'USA'].includes(address.country.toUpperCase()) ? address.country : '';
  return [address.line1, address.line2 ?? '', [cityLine, country].filter(Boolean).join(', ')].filter(Boolean);
}

/** Last, First — the form's order. */
function lastFirst(familyName: string, givenName: string): string {
  return [familyName, givenName].filter(Boolean).join(', ');
}

function amount(cents: number): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}

const POINTER_LETTERS = 'ABCDEFGHIJKL';

/** Box 24's columns, left to right (their widths add up to the form's width). */
const COLUMNS = [
  { key: 'from', group: '24. A.  DATE(S) OF SERVICE', label: 'From', w: 48 },
  { key: 'to', group: '', label: 'To', w: 48 },
  { key: 'pos', group: 'B.', label: 'PLACE OF SERVICE', w: 26 },
  { key: 'emg', group: 'C.', label: 'EMG', w: 22 },
  { key: 'code', group: 'D.  PROCEDURES, SERVICES, OR SUPPLIES', label: 'CPT/HCPCS', w: 48 },
  { key: 'mod1', group: '', label: 'MODIFIER', w: 20 },
  { key: 'mod2', group: '', label: '', w: 20 },
  { key: 'mod3', group: '', label: '', w: 20 },
  { key: 'mod4', group: '', label: '', w: 20 },
  { key: 'pointer', group: 'E.', label: 'DIAGNOSIS POINTER', w: 46 },
  { key: 'charges', group: 'F.', label: '$ CHARGES', w: 64 },
  { key: 'units', group: 'G.', label: 'DAYS OR UNITS', w: 32 },
  { key: 'epsdt', group: 'H.', label: 'EPSDT', w: 26 },
  { key: 'qual', group: 'I.', label: 'ID QUAL.', w: 26 },
  { key: 'npi', group: 'J.', label: 'RENDERING PROVIDER ID. #', w: 74 },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

function serviceLines(doc: Doc, data: ClaimDataSet, lines: ClaimDataSet['lines'], top: number): number {
  const headerHeight = 30;
  const rowHeight = 30;
  const shadeHeight = 11;
  const height = headerHeight + LINES_PER_FORM * rowHeight;
  doc.lineWidth(0.5).strokeColor(RULE).rect(LEFT, top, WIDTH, height).stroke();

  // Column x positions, and the header: a group label over a column label.
  const xs = new Map<ColumnKey, { x: number; w: number }>();
  let x = LEFT;
  for (const column of COLUMNS) {
    xs.set(column.key, { x, w: column.w });
    x += column.w;
  }
  for (const column of COLUMNS) {
    const { x: cx, w } = xs.get(column.key)!;
    if (column.group) {
      // A group label spans its column and the unlabelled ones after it (24A's To, 24D's modifiers).
      const next = COLUMNS.findIndex((c, i) => i > COLUMNS.indexOf(column) && c.group);
      const span = COLUMNS.slice(COLUMNS.indexOf(column), next === -1 ? undefined : next);
      const spanWidth = span.reduce((sum, c) => sum + c.w, 0);
      write(doc, column.group, cx + 2, top + 2.5, spanWidth - 4, { size: LABEL_SIZE, bold: true, color: LABEL });
    }
    if (column.label) {
      const labelWidth = column.key === 'mod1' ? 80 : w;
      doc
        .font('Helvetica')
        .fontSize(5)
        .fillColor(LABEL)
        .text(column.label, cx + 1, top + 10, { width: labelWidth - 2, height: 19, align: 'center', lineGap: -0.5 });
    }
  }
  doc
    .lineWidth(0.5)
    .strokeColor(RULE)
    .moveTo(LEFT, top + headerHeight)
    .lineTo(RIGHT, top + headerHeight)
    .stroke();

  for (let row = 0; row < LINES_PER_FORM; row++) {
    const y = top + headerHeight + row * rowHeight;
    // The shaded strip holds the service's description; the values go below it.
    doc.rect(LEFT + 0.25, y + 0.25, WIDTH - 0.5, shadeHeight).fill(SHADE);
    doc
      .lineWidth(0.5)
      .strokeColor(RULE)
      .moveTo(LEFT, y + rowHeight)
      .lineTo(RIGHT, y + rowHeight)
      .stroke();
    for (const column of COLUMNS.slice(1)) {
      const { x: cx } = xs.get(column.key)!;
      const dashed = column.key === 'to' || column.key.startsWith('mod');
      doc.lineWidth(dashed ? 0.3 : 0.5).strokeColor(RULE);
      doc
        .moveTo(cx, y + shadeHeight)
        .lineTo(cx, y + rowHeight)
        .stroke();
    }
    const number = String(row + 1);
    write(doc, number, LEFT - 10, y + shadeHeight + 5, 8, { size: 7, bold: true, color: LABEL });
    const line = lines[row];
    if (!line) continue;
    write(doc, line.description, LEFT + 4, y + 2.5, 380, { size: 6.5, italic: true, color: '#333333' });
    const cells: Partial<Record<ColumnKey, string>> = {
      from: formDate(line.serviceDate, true),
      to: formDate(line.serviceDate, true),
      pos: data.serviceFacility.placeOfService,
      code: line.code,
      mod1: line.modifiers[0] ?? '',
      mod2: line.modifiers[1] ?? '',
      mod3: line.modifiers[2] ?? '',
      mod4: line.modifiers[3] ?? '',
      pointer: line.diagnosisPointers.map((p) => POINTER_LETTERS[p - 1] ?? '?').join(''),
      charges: amount(line.chargeCents),
      units: String(line.units),
      qual: data.renderingProvider.npi ? 'NPI' : '',
      npi: data.renderingProvider.npi ?? '',
    };
    for (const column of COLUMNS) {
      const value = cells[column.key];
      if (!value) continue;
      const { x: cx, w } = xs.get(column.key)!;
      const align: TextStyle['align'] = column.key === 'charges' || column.key === 'units' ? 'right' : 'center';
      const style: TextStyle =
        column.key === 'qual'
          ? { size: 6.5, color: LABEL, align }
          : { size: column.key === 'code' ? 9.5 : 8.5, bold: column.key === 'code', align };
      write(doc, value, cx + 2, y + shadeHeight + 5.5, w - 4, style);
    }
  }
  return top + height;
}

function drawForm(
  doc: Doc,
  data: ClaimDataSet,
  lines: ClaimDataSet['lines'],
  page: { index: number; count: number },
  money: (cents: number) => string,
): void {
  const { subscriber, patient, payer, billingProvider, renderingProvider, serviceFacility } = data;
  const last = page.index === page.count - 1;

  // Title and carrier.
  write(doc, 'HEALTH INSURANCE CLAIM FORM', LEFT, 44, 320, { size: 16, bold: true });
  write(doc, 'CMS-1500 (02/12) layout  ·  printed from the claim’s data set', LEFT, 64, 320, {
    size: 7,
    color: LABEL,
  });
  box(doc, 356, 36, 220, 44, 'CARRIER');
  write(doc, payer.name, 360, 47, 212, { bold: true });
  write(
    doc,
    [payer.payerId ? `Payer ID ${payer.payerId}` : '', data.rank === 'primary' ? 'Primary claim' : 'Secondary claim']
      .filter(Boolean)
      .join('  ·  '),
    360,
    59,
    212,
    { size: 8 },
  );

  // Patient and insured.
  band(doc, 86, 'PATIENT AND INSURED INFORMATION');
  let y = 97;
  box(doc, LEFT, y, 350, 30, '1. INSURANCE (PAYER AND COVERAGE)');
  values(doc, [`${payer.name}  ·  ${data.rank === 'primary' ? 'primary' : 'secondary'} coverage`], LEFT, y, 350);
  box(doc, 386, y, 190, 30, "1a. INSURED'S I.D. NUMBER");
  values(doc, [subscriber.memberId ?? ''], 386, y, 190, true);

  y += 30;
  box(doc, LEFT, y, 230, 30, "2. PATIENT'S NAME (Last Name, First Name)");
  values(doc, [lastFirst(patient.familyName, patient.givenName)], LEFT, y, 230, true);
  box(doc, 266, y, 120, 30, "3. PATIENT'S BIRTH DATE        SEX");
  write(doc, formDate(patient.birthDate), 270, y + 12, 56);
  checkbox(doc, 330, y + 13, patient.sex === 'M', 'M');
  checkbox(doc, 356, y + 13, patient.sex === 'F', 'F');
  box(doc, 386, y, 190, 30, "4. INSURED'S NAME (Last Name, First Name)");
  values(doc, [lastFirst(subscriber.familyName, subscriber.givenName)], 386, y, 190, true);

  y += 30;
  const patientAddress = [...addressLines(patient.address), patient.phone ? `Tel. ${patient.phone}` : ''];
  box(doc, LEFT, y, 230, 58, "5. PATIENT'S ADDRESS (No., Street)");
  values(doc, patientAddress.filter(Boolean).slice(0, 4), LEFT, y, 230);
  box(doc, 266, y, 120, 58, '6. PATIENT RELATIONSHIP TO INSURED');
  const relationships = [
    ['self', 'Self'],
    ['spouse', 'Spouse'],
    ['child', 'Child'],
    ['other', 'Other'],
  ] as const;
  relationships.forEach(([value, label], i) => {
    checkbox(doc, 272 + (i % 2) * 56, y + 16 + Math.floor(i / 2) * 16, subscriber.relationship === value, label);
  });
  box(doc, 386, y, 190, 58, "7. INSURED'S ADDRESS (No., Street)");
  values(doc, addressLines(subscriber.address).slice(0, 4), 386, y, 190);

  y += 58;
  box(doc, LEFT, y, 160, 30, "11. INSURED'S POLICY GROUP OR FECA NUMBER");
  values(doc, [subscriber.groupNumber ?? ''], LEFT, y, 160);
  box(doc, 196, y, 140, 30, "11a. INSURED'S DATE OF BIRTH        SEX");
  write(doc, formDate(subscriber.birthDate), 200, y + 12, 60);
  checkbox(doc, 280, y + 13, subscriber.sex === 'M', 'M');
  checkbox(doc, 306, y + 13, subscriber.sex === 'F', 'F');
  box(doc, 336, y, 130, 30, '11c. INSURANCE PLAN OR PROGRAM NAME');
  values(doc, [payer.name], 336, y, 130);
  box(doc, 466, y, 110, 30, '11d. ANOTHER HEALTH BENEFIT PLAN?');
  checkbox(doc, 472, y + 13, data.rank === 'secondary', 'YES');
  checkbox(doc, 512, y + 13, false, 'NO');

  y += 30;
  box(doc, LEFT, y, 270, 28, "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE");
  values(doc, ['SIGNATURE ON FILE'], LEFT, y, 270);
  box(doc, 306, y, 270, 28, "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE");
  values(doc, ['SIGNATURE ON FILE'], 306, y, 270);

  // Physician or supplier.
  y += 34;
  band(doc, y, 'PHYSICIAN OR SUPPLIER INFORMATION');
  y += 11;
  box(doc, LEFT, y, 390, 54, '21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  (relate A–L to the service lines in 24E)');
  write(doc, 'ICD Ind.  0', LEFT + 330, y + 2.5, 56, { size: LABEL_SIZE, color: LABEL, align: 'right' });
  for (let i = 0; i < 12; i++) {
    const cx = LEFT + 6 + (i % 4) * 96;
    const cy = y + 13 + Math.floor(i / 4) * 13;
    write(doc, `${POINTER_LETTERS[i]}.`, cx, cy + 1, 10, { size: 7, color: LABEL });
    write(doc, data.diagnosisCodes[i] ?? '', cx + 11, cy, 80, { bold: true });
  }
  box(doc, 426, y, 150, 27, '22. RESUBMISSION CODE / ORIGINAL REF. NO.');
  box(doc, 426, y + 27, 150, 27, '23. PRIOR AUTHORIZATION NUMBER');

  y += 54;
  y = serviceLines(doc, data, lines, y);

  box(doc, LEFT, y, 130, 34, '25. FEDERAL TAX I.D. NUMBER');
  values(doc, [billingProvider.taxId ?? ''], LEFT, y, 90, true);
  checkbox(doc, LEFT + 90, y + 10, false, 'SSN');
  checkbox(doc, LEFT + 90, y + 21, Boolean(billingProvider.taxId), 'EIN');
  box(doc, 166, y, 110, 34, "26. PATIENT'S ACCOUNT NO.");
  values(doc, [data.controlNumber], 166, y, 110, true);
  box(doc, 276, y, 100, 34, '27. ACCEPT ASSIGNMENT?');
  checkbox(doc, 282, y + 15, true, 'YES');
  checkbox(doc, 322, y + 15, false, 'NO');
  box(doc, 376, y, 100, 34, '28. TOTAL CHARGE');
  write(doc, last ? money(data.totalCents) : 'CONTINUED', 380, y + 14, 92, { size: 10, bold: true, align: 'right' });
  box(doc, 476, y, 100, 34, '29. AMOUNT PAID');
  write(doc, last ? money(data.priorPaidCents) : '', 480, y + 14, 92, { size: 10, align: 'right' });

  y += 34;
  const bottomHeight = 84;
  const stripHeight = 16;
  box(doc, LEFT, y, 170, bottomHeight, '31. SIGNATURE OF PHYSICIAN OR SUPPLIER');
  values(
    doc,
    [`${renderingProvider.givenName} ${renderingProvider.familyName}`.trim(), 'SIGNATURE ON FILE'],
    LEFT,
    y,
    170,
    true,
  );

  box(doc, 206, y, 185, bottomHeight, '32. SERVICE FACILITY LOCATION INFORMATION');
  values(doc, [serviceFacility.name, ...addressLines(serviceFacility.address)].slice(0, 5), 206, y, 185, true);
  box(doc, 391, y, 185, bottomHeight, '33. BILLING PROVIDER INFO & PH #');
  if (billingProvider.phone) {
    write(doc, billingProvider.phone, 480, y + 2, 92, { size: 7.5, align: 'right' });
  }
  values(doc, [billingProvider.name, ...addressLines(billingProvider.address)].slice(0, 5), 391, y, 185, true);

  // The NPI strips at the bottom of boxes 32 and 33.
  const stripY = y + bottomHeight - stripHeight;
  for (const [x, npi] of [
    [206, ''],
    [391, billingProvider.npi ?? ''],
  ] as const) {
    doc
      .lineWidth(0.5)
      .strokeColor(RULE)
      .moveTo(x, stripY)
      .lineTo(x + 185, stripY)
      .stroke();
    doc
      .moveTo(x + 92, stripY)
      .lineTo(x + 92, stripY + stripHeight)
      .stroke();
    write(doc, 'a. NPI', x + 3, stripY + 2, 30, { size: LABEL_SIZE, color: LABEL });
    write(doc, npi, x + 26, stripY + 4, 64, { size: 9, bold: true });
    write(doc, 'b.', x + 95, stripY + 2, 20, { size: LABEL_SIZE, color: LABEL });
  }

  y += bottomHeight + 8;
  write(doc, `Claim ${data.controlNumber}  ·  patient MRN ${patient.mrn}`, LEFT, y, 360, { size: 7, color: LABEL });
  write(doc, `Page ${page.index + 1} of ${page.count}`, 456, y, 120, { size: 7, color: LABEL, align: 'right' });
}

/** The claim as a CMS-1500-style PDF (letter size; one page per six service lines). */
export async function cms1500Pdf(data: ClaimDataSet, options: Options = {}): Promise<Buffer> {
  const currency = options.currency ?? 'USD';
  const money = (cents: number) => formatCents(cents, currency);
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: LEFT,
    autoFirstPage: false,
    info: { Title: `Claim ${data.controlNumber} (CMS-1500)`, Subject: 'Health insurance claim form' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  const pages = Math.max(1, Math.ceil(data.lines.length / LINES_PER_FORM));
  for (let index = 0; index < pages; index++) {
    doc.addPage();
    const lines = data.lines.slice(index * LINES_PER_FORM, (index + 1) * LINES_PER_FORM);
    drawForm(doc, data, lines, { index, count: pages }, money);
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
