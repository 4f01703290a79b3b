import {
  appointmentStatusLabel,
  type DowntimeContact,
  type DowntimeSheet,
  formatCents,
  type MessageKey,
  type PaperSize,
  t,
} from '@tend/domain';

/**
 * The downtime kit on paper: the schedule (one section per provider per day, each starting a
 * page, with a blank column to write in) and the contact sheet (the days' patients by name, with
 * phones, appointment times and balance due). Black on white, large enough to read at a desk;
 * long days flow onto more pages, each with the heading and column titles again, and every page
 * says which page of how many it is — paper gets shuffled.
 */

type Doc = PDFKit.PDFDocument;

const MARGIN = 40;
const INK = '#000000';
const SOFT = '#444444';
const RULE = '#9a9a9a';
const BAND = '#ececec';
const BODY = 9.5;
const SMALL = 8;
const PAD = 4;
/** Room to write a line by hand in the blank column. */
const MIN_ROW = 26;
const FOOTER = 28;

const PAPER: Record<PaperSize, 'LETTER' | 'A4'> = { letter: 'LETTER', a4: 'A4' };

interface Column {
  title: string;
  /** Share of the content width. */
  share: number;
  align?: 'left' | 'right';
}

/**
 * A line of a cell: in the body size, or (`sub`) smaller and grey — the born/MRN line under a
 * name, the room under a visit type; `note` follows on the same line, small and grey ("mobile").
 */
interface Line {
  text: string;
  sub?: boolean;
  note?: string;
}
type Cell = Line[];

/** A cell of one main line and the small grey lines under it. */
function cell(main: string, ...sub: string[]): Cell {
  return [{ text: main }, ...sub.filter(Boolean).map((text) => ({ text, sub: true }))];
}

interface Heading {
  title: string;
  subtitle: string;
}

/** The long form of a clinic-local date: "Tuesday, March 10, 2026". */
export function longDate(date: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

function shortDate(date: string): string {
  return new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

function printedAt(sheet: DowntimeSheet): string {
  const date = new Intl.DateTimeFormat('en-CA', {
    timeZone: sheet.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(sheet.generatedAt));
  return t('downtime.printedAt', { date, time: sheet.generatedAtLocal, zone: sheet.timezone });
}

class Pages {
  readonly doc: Doc;
  private readonly width: number;
  private readonly bottom: number;
  private heading: Heading = { title: '', subtitle: '' };
  private columns: Column[] = [];

  constructor(
    doc: Doc,
    private readonly sheet: DowntimeSheet,
  ) {
    this.doc = doc;
    this.width = doc.page.width - 2 * MARGIN;
    this.bottom = doc.page.height - MARGIN - FOOTER;
  }

  /** Starts a section on a new page (the document's first page when nothing is on it yet). */
  section(heading: Heading, columns: Column[], first: boolean): void {
    this.heading = heading;
    this.columns = columns;
    if (!first) this.doc.addPage();
    this.pageTop();
  }

  private pageTop(): void {
    const { doc } = this;
    doc
      .fillColor(INK)
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(placeOf(this.sheet), MARGIN, MARGIN, {
        width: this.width * 0.6,
        lineBreak: false,
      });
    doc
      .font('Helvetica')
      .fontSize(SMALL)
      .fillColor(SOFT)
      .text(printedAt(this.sheet), MARGIN + this.width * 0.4, MARGIN + 1, {
        width: this.width * 0.6,
        align: 'right',
        lineBreak: false,
      });
    doc
      .fillColor(INK)
      .font('Helvetica-Bold')
      .fontSize(16)
      .text(this.heading.title, MARGIN, MARGIN + 16, {
        width: this.width,
      });
    doc
      .font('Helvetica')
      .fontSize(11)
      .text(this.heading.subtitle, MARGIN, doc.y + 1, { width: this.width });
    const y = doc.y + 6;
    doc
      .lineWidth(1.5)
      .strokeColor(INK)
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + this.width, y)
      .stroke();
    doc.y = y + 8;
    this.columnTitles();
  }

  private columnTitles(): void {
    const { doc } = this;
    const y = doc.y;
    const height = 16;
    doc.rect(MARGIN, y, this.width, height).fill(BAND);
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(SMALL);
    let x = MARGIN;
    for (const column of this.columns) {
      const w = column.share * this.width;
      doc.text(column.title.toUpperCase(), x + PAD, y + 4.5, {
        width: w - 2 * PAD,
        align: column.align ?? 'left',
        lineBreak: false,
      });
      x += w;
    }
    doc.y = y + height;
  }

  private cellHeight(cell: Cell, width: number): number {
    const { doc } = this;
    let height = 0;
    for (const line of cell) {
      doc.font('Helvetica').fontSize(line.sub ? SMALL : BODY);
      // The note is measured in the body size: a little taller than drawn, never shorter.
      height += doc.heightOfString(`${line.text}${line.note ? ` ${line.note}` : ''}` || ' ', { width });
    }
    return height;
  }

  /** One row; a row that does not fit goes to a new page with the heading and titles again. */
  row(cells: Cell[], options: { bold?: boolean } = {}): void {
    const { doc } = this;
    const widths = this.columns.map((column) => column.share * this.width);
    const height = Math.max(MIN_ROW, ...cells.map((cell, i) => this.cellHeight(cell, widths[i] - 2 * PAD) + 2 * PAD));
    if (doc.y + height > this.bottom) {
      doc.addPage();
      this.pageTop();
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((lines, i) => {
      let lineY = y + PAD;
      const options_ = { width: widths[i] - 2 * PAD, align: this.columns[i].align ?? 'left' } as const;
      for (const line of lines) {
        doc
          .fillColor(line.sub ? SOFT : INK)
          .font(!line.sub && options.bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(line.sub ? SMALL : BODY);
        if (line.note) {
          doc.text(`${line.text} `, x + PAD, lineY, { ...options_, continued: true });
          doc.fillColor(SOFT).fontSize(SMALL).text(line.note);
        } else {
          doc.text(line.text, x + PAD, lineY, options_);
        }
        lineY = doc.y;
      }
      x += widths[i];
    });
    const bottom = y + height;
    doc
      .lineWidth(0.5)
      .strokeColor(RULE)
      .moveTo(MARGIN, bottom)
      .lineTo(MARGIN + this.width, bottom)
      .stroke();
    doc.y = bottom;
  }

  /** A line of text under the table (no appointments, a note on balances). */
  note(text: string): void {
    const { doc } = this;
    if (doc.y + 20 > this.bottom) {
      doc.addPage();
      this.pageTop();
    }
    doc
      .fillColor(SOFT)
      .font('Helvetica-Oblique')
      .fontSize(BODY)
      .text(text, MARGIN, doc.y + 8, { width: this.width });
  }

  /** "Page n of m" and the confidentiality line at the foot of every page. */
  footers(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index++) {
      doc.switchToPage(index);
      // Writing below the bottom margin would start a new page: lift the margin while we write.
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - MARGIN - 10;
      doc.fillColor(SOFT).font('Helvetica').fontSize(7.5);
      doc.text(t('downtime.confidential'), MARGIN, y, { width: this.width * 0.75, lineBreak: false });
      doc.text(t('downtime.page', { page: index + 1, pages: range.count }), MARGIN + this.width * 0.75, y, {
        width: this.width * 0.25,
        align: 'right',
        lineBreak: false,
      });
      doc.page.margins.bottom = margin;
    }
  }
}

/** "1 appointment", "12 appointments". */
export function appointmentCount(count: number): string {
  return t(count === 1 ? 'downtime.appointment' : 'downtime.appointments', { count });
}

async function render(title: string, paper: PaperSize, draw: (doc: Doc) => void): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: PAPER[paper],
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Author: 'Tend' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

const col = (key: MessageKey, share: number, align?: 'right'): Column => ({ title: t(key), share, align });

/** The phones of a patient, one a line, each with what it is. */
function phoneLines(phones: DowntimeContact['phones']): Cell {
  if (!phones.length) return [{ text: '—' }];
  return phones.map((phone) => ({ text: phone.number, note: phone.use }));
}

/** The clinic, and the location when the sheet is of one. */
const placeOf = (sheet: DowntimeSheet) => [sheet.clinicName, sheet.locationName].filter(Boolean).join(' · ');

/** One section per provider per day, each on its own page(s). */
export async function renderSchedulePdf(sheet: DowntimeSheet, paper: PaperSize): Promise<Buffer> {
  const title = `${t('downtime.scheduleHeading')} — ${placeOf(sheet)}`;
  return render(title, paper, (doc) => {
    const pages = new Pages(doc, sheet);
    const columns = [
      col('downtime.col.time', 0.12),
      col('downtime.col.patient', 0.25),
      col('downtime.col.phone', 0.23),
      col('downtime.col.type', 0.17),
      col('downtime.col.status', 0.09),
      col('downtime.col.notes', 0.14),
    ];
    let first = true;
    for (const day of sheet.days) {
      const sections = day.providers.length ? day.providers : [null];
      for (const provider of sections) {
        const count = provider?.appointments.length ?? 0;
        pages.section(
          {
            title: `${t('downtime.scheduleHeading')} · ${longDate(day.date)}`,
            subtitle: provider ? `${provider.providerName} — ${appointmentCount(count)}` : t('downtime.allProviders'),
          },
          columns,
          first,
        );
        first = false;
        if (!provider) {
          pages.note(t('downtime.none'));
          continue;
        }
        for (const appointment of provider.appointments) {
          pages.row([
            cell(`${appointment.start}–${appointment.end}`),
            cell(appointment.patientName, bornLine(appointment)),
            phoneLines(appointment.phones),
            cell(appointment.type, [appointment.room, appointment.location].filter(Boolean).join(' · ')),
            cell(appointmentStatusLabel(appointment.status)),
            cell(''),
          ]);
        }
      }
    }
    pages.footers();
  });
}

/** The days' patients by name: phones, appointment times, balance due. */
export async function renderContactsPdf(sheet: DowntimeSheet, paper: PaperSize): Promise<Buffer> {
  const title = `${t('downtime.contactsHeading')} — ${placeOf(sheet)}`;
  const withBalances = sheet.contacts.some((contact) => contact.balanceDueCents !== null) || !sheet.contacts.length;
  return render(title, paper, (doc) => {
    const pages = new Pages(doc, sheet);
    const range =
      sheet.dates.length > 1
        ? `${shortDate(sheet.dates[0])} – ${shortDate(sheet.dates[sheet.dates.length - 1])}`
        : longDate(sheet.dates[0] ?? '');
    const columns = withBalances
      ? [
          col('downtime.col.patient', 0.3),
          col('downtime.col.phone', 0.25),
          col('downtime.col.appointments', 0.31),
          col('downtime.col.balance', 0.14, 'right'),
        ]
      : [col('downtime.col.patient', 0.34), col('downtime.col.phone', 0.3), col('downtime.col.appointments', 0.36)];
    pages.section(
      { title: `${t('downtime.contactsHeading')} · ${range}`, subtitle: sheet.dates.map(longDate).join(' · ') },
      columns,
      true,
    );
    for (const contact of sheet.contacts) {
      const cells: Cell[] = [
        cell(contact.patientName, bornLine(contact)),
        phoneLines(contact.phones),
        contact.appointments.map((visit) => ({
          text: `${sheet.dates.length > 1 ? `${shortDate(visit.date)} ` : ''}${visit.start}`,
          note: visit.providerName,
        })),
      ];
      if (withBalances) cells.push(balanceLines(contact, sheet.currency));
      pages.row(cells);
    }
    if (!sheet.contacts.length) pages.note(t('downtime.noPatients'));
    if (!withBalances) pages.note(t('downtime.noBalanceAccess'));
    pages.footers();
  });
}

function balanceLines(contact: DowntimeContact, currency: string): Cell {
  const due = formatCents(contact.balanceDueCents ?? 0, currency);
  return contact.creditCents && contact.creditCents > 0
    ? cell(due, t('downtime.credit', { amount: formatCents(contact.creditCents, currency) }))
    : cell(due);
}

function bornLine(patient: { birthDate: string; mrn: string }): string {
  return `${t('downtime.col.born')} ${patient.birthDate} · ${t('downtime.col.mrn')} ${patient.mrn}`;
}
