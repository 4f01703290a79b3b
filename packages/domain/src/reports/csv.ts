import { t } from '../i18n';
import { type Figure, type FigureKind, isPeriodGroup, type ReportResult } from './report';

/** A figure as reports write it: counts whole, percents/minutes/days with one decimal, cents as 12.50. */
export function formatFigure(kind: FigureKind, value: Figure): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'count':
      return String(Math.round(value));
    case 'cents':
      return (value / 100).toFixed(2);
    case 'percent':
    case 'minutes':
    case 'days':
      return value.toFixed(1);
    default:
      return String(value);
  }
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; quotes doubled. Text a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading `'`; numbers
 * such as -12.50 stay numbers.
 */
function csvField(text: string): string {
  const value = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 text: CRLF line ends, a header row first. */
export function toCsv(lines: string[][]): string {
  return `${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** A report as CSV: the period (or the provider, payer… it is grouped by), then each column, one line per row and a totals line. */
export function reportCsv(result: ReportResult): string {
  const first = isPeriodGroup(result.group) ? t('reports.period') : t(`reports.group.${result.group}`);
  const header = [first, ...result.columns.map((column) => column.label)];
  const line = (first: string, values: Record<string, Figure>) => [
    first,
    ...result.columns.map((column) => formatFigure(column.kind, values[column.key] ?? null)),
  ];
  return toCsv([
    header,
    ...result.rows.map((row) => line(row.label ?? row.period, row.values)),
    line(t('reports.total'), result.totals),
  ]);
}
