import { type Clinic, formatFigure, type MessageKey, type ReportName, type ReportResult, t } from '@tend/domain';

/**
 * How each report looks on screen: its summary cards (figures of the totals, each opening its
 * rows) and its charts (series are the report's columns). The table, filters, CSV, print and
 * drill-downs are the same for every report (ReportPage).
 */
export interface ReportCard {
  key: string;
  hint?: (result: ReportResult, clinic: Clinic) => string;
}

export interface ReportChart {
  id: string;
  title: MessageKey;
  type: 'bar' | 'line';
  /** Bars stacked (parts of a whole) rather than side by side. */
  stacked?: boolean;
  /** Percent charts run 0–100. */
  percent?: boolean;
  series: Array<{ name: string; color: string }>;
}

export interface ReportView {
  title: MessageKey;
  /** Takes `{timezone}`. */
  description: MessageKey;
  cards: ReportCard[];
  charts: ReportChart[];
  /** The total that is 0 when there is nothing to chart. */
  volume: string;
}

const figure = (result: ReportResult, key: string) =>
  formatFigure(result.columns.find((c) => c.key === key)?.kind ?? 'count', result.totals[key] ?? null);

export const REPORT_VIEWS: Record<ReportName, ReportView> = {
  appointments: {
    title: 'reports.appointments.title',
    description: 'reports.appointments.description',
    volume: 'total',
    cards: [
      {
        key: 'total',
        hint: (result) => `${figure(result, 'completed')} ${t('reports.appointments.completed').toLowerCase()}`,
      },
      {
        key: 'onTimeRate',
        hint: (_, clinic) => t('reports.appointments.onTimeRateHint', { minutes: clinic.onTimeGraceMinutes }),
      },
      { key: 'noShowRate', hint: () => t('reports.appointments.noShowRateHint') },
      {
        key: 'lateCancelRate',
        hint: (_, clinic) => t('reports.appointments.lateCancelRateHint', { hours: clinic.lateCancelHours }),
      },
      { key: 'waitMinutesAverage', hint: () => t('reports.appointments.waitHint') },
      {
        key: 'leadDaysAverage',
        hint: (result) => t('reports.appointments.leadHint', { median: figure(result, 'leadDaysMedian') }),
      },
    ],
    charts: [
      {
        id: 'status',
        title: 'reports.appointments.chartTitle',
        type: 'bar',
        stacked: true,
        series: [
          { name: 'completed', color: 'teal.6' },
          { name: 'arrived', color: 'cyan.5' },
          { name: 'scheduled', color: 'blue.4' },
          { name: 'cancelled', color: 'gray.5' },
          { name: 'lateCancelled', color: 'yellow.6' },
          { name: 'noShow', color: 'red.6' },
        ],
      },
      {
        id: 'rate',
        title: 'reports.appointments.ratesTitle',
        type: 'line',
        percent: true,
        series: [
          { name: 'onTimeRate', color: 'teal.6' },
          { name: 'noShowRate', color: 'red.6' },
          { name: 'lateCancelRate', color: 'yellow.7' },
        ],
      },
    ],
  },
};
