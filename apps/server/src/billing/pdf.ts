import type { Address } from '@tend/domain';

/** What the billing PDFs (invoices, receipts, statements) share: the page, the address block, a table. */

export function addressLines(address: Address | null | undefined): string[] {
  if (!address) return [];
  return [
    address.line1,
    address.line2 ?? '',
    [address.city, address.region, address.postalCode].filter(Boolean).join(' '),
  ].filter(Boolean);
}

/** Draws a Letter page with 54 pt margins and resolves with the finished file. */
export async function renderPdf(title: string, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  draw(doc);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** The clinic's name and address at the top of a page. */
export function clinicHeading(doc: PDFKit.PDFDocument, clinic: { name: string; address: Address | null }): void {
  doc.fontSize(18).font('Helvetica-Bold').text(clinic.name);
  doc.fontSize(10).font('Helvetica');
  for (const line of addressLines(clinic.address)) doc.text(line);
  doc.moveDown();
}

export interface Column {
  x: number;
  width: number;
  align?: 'left' | 'right';
}

/** One row of a table: each cell at its column, the next row below the tallest cell. */
export function tableRow(doc: PDFKit.PDFDocument, columns: readonly Column[], cells: readonly string[], bold = false) {
  const y = doc.y;
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
  let bottom = y;
  for (const [index, column] of columns.entries()) {
    doc.text(cells[index] ?? '', column.x, y, { width: column.width, align: column.align ?? 'left' });
    bottom = Math.max(bottom, doc.y);
  }
  doc.y = bottom;
  doc.moveDown(0.4);
}
