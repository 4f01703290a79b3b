import { describe, expect, it } from 'vitest';
import { formatFigure, toCsv } from './csv';
import { percentOf, reportPeriods, zReportQuery } from './report';

describe('report helpers', () => {
  it('writes RFC 4180 CSV: quotes fields with commas, quotes or line breaks; CRLF line ends', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        ['say "hi"', 'two\nlines'],
      ]),
    ).toBe('a,"b,c"\r\n"say ""hi""","two\nlines"\r\n');
  });

  it('keeps a spreadsheet from running a field as a formula, but leaves negative numbers alone', () => {
    expect(toCsv([['=HYPERLINK("x")', '+1', '-cmd', '@SUM(A1)', '-12.50', '-3', 'a=b']])).toBe(
      `"'=HYPERLINK(""x"")",'+1,'-cmd,'@SUM(A1),-12.50,-3,a=b\r\n`,
    );
  });

  it('formats figures as the screen shows them', () => {
    expect(formatFigure('cents', 1250)).toBe('12.50');
    expect(formatFigure('cents', -5)).toBe('-0.05');
    expect(formatFigure('percent', 85)).toBe('85.0');
    expect(formatFigure('count', 12)).toBe('12');
    expect(formatFigure('minutes', null)).toBe('');
    expect(percentOf(17, 20)).toBe(85);
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(1, 0)).toBeNull();
  });

  it('splits a range into ISO weeks and months, each clipped to the range', () => {
    expect(reportPeriods('2030-10-30', '2030-11-05', 'week')).toEqual([
      { period: '2030-10-28', from: '2030-10-30', to: '2030-11-03' },
      { period: '2030-11-04', from: '2030-11-04', to: '2030-11-05' },
    ]);
    expect(reportPeriods('2030-12-31', '2031-02-01', 'month').map((p) => [p.period, p.to])).toEqual([
      ['2030-12-01', '2030-12-31'],
      ['2031-01-01', '2031-01-31'],
      ['2031-02-01', '2031-02-01'],
    ]);
    expect(reportPeriods('2030-01-01', '2030-01-03', 'day')).toHaveLength(3);
  });

  it('refuses a reversed or over-long range', () => {
    expect(zReportQuery.safeParse({ from: '2030-01-02', to: '2030-01-01' }).success).toBe(false);
    expect(zReportQuery.safeParse({ from: '2027-01-01', to: '2030-01-01' }).success).toBe(false);
    expect(zReportQuery.parse({ from: '2030-01-01', to: '2030-01-01' }).group).toBe('week');
  });
});
