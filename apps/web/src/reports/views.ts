import {
  type Clinic,
  type Figure,
  formatFigure,
  type MessageKey,
  type ReportName,
  type ReportResult,
  t,
} from '@tend/domain';

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
  /** The total that is 0 when there is nothing to chart (none: always charted). */
  volume?: string;
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
  utilisation: {
    title: 'reports.utilisation.title',
    description: 'reports.utilisation.description',
    volume: 'availableMinutes',
    cards: [
      {
        key: 'utilisation',
        hint: (result) =>
          t('reports.utilisation.hint', {
            booked: hours(result.totals.bookedMinutes),
            available: hours(result.totals.availableMinutes),
          }),
      },
      { key: 'appointments' },
      { key: 'noShows' },
    ],
    charts: [
      {
        id: 'minutes',
        title: 'reports.utilisation.chartMinutes',
        type: 'bar',
        series: [
          { name: 'availableMinutes', color: 'gray.4' },
          { name: 'bookedMinutes', color: 'teal.6' },
        ],
      },
      {
        id: 'utilisation',
        title: 'reports.utilisation.chartRate',
        type: 'line',
        percent: true,
        series: [{ name: 'utilisation', color: 'teal.7' }],
      },
    ],
  },
  reminders: {
    title: 'reports.reminders.title',
    description: 'reports.reminders.description',
    volume: 'sent',
    cards: [
      {
        key: 'sent',
        hint: (result) => `${figure(result, 'delivered')} ${t('reports.reminders.delivered').toLowerCase()}`,
      },
      {
        key: 'remindedConfirmRate',
        hint: (result) => t('reports.reminders.confirmHint', { rate: percent(result, 'notRemindedConfirmRate') }),
      },
      {
        key: 'remindedNoShowRate',
        hint: (result) => t('reports.reminders.noShowHint', { rate: percent(result, 'notRemindedNoShowRate') }),
      },
      { key: 'failed' },
    ],
    charts: [
      {
        id: 'sent',
        title: 'reports.reminders.chartSent',
        type: 'bar',
        series: [
          { name: 'delivered', color: 'teal.6' },
          { name: 'failed', color: 'red.6' },
        ],
        stacked: true,
      },
      {
        id: 'rates',
        title: 'reports.reminders.chartRates',
        type: 'line',
        percent: true,
        series: [
          { name: 'remindedNoShowRate', color: 'teal.6' },
          { name: 'notRemindedNoShowRate', color: 'red.6' },
        ],
      },
    ],
  },
  patients: {
    title: 'reports.patients.title',
    description: 'reports.patients.description',
    volume: 'seen',
    cards: [
      { key: 'seen' },
      { key: 'new' },
      { key: 'returning' },
      { key: 'registered' },
      { key: 'recallsDue' },
      { key: 'recallsBookedRate' },
    ],
    charts: [
      {
        id: 'seen',
        title: 'reports.patients.chartSeen',
        type: 'bar',
        stacked: true,
        series: [
          { name: 'new', color: 'teal.6' },
          { name: 'returning', color: 'blue.5' },
        ],
      },
      {
        id: 'recalls',
        title: 'reports.patients.chartRecalls',
        type: 'bar',
        series: [
          { name: 'recallsDue', color: 'yellow.6' },
          { name: 'recallsBooked', color: 'teal.6' },
          { name: 'recallsClosed', color: 'gray.5' },
        ],
      },
    ],
  },
  revenue: {
    title: 'reports.revenue.title',
    description: 'reports.revenue.description',
    volume: 'chargeCount',
    cards: [
      {
        key: 'charges',
        hint: (result) => `${figure(result, 'chargeCount')} ${t('reports.revenue.chargeCount').toLowerCase()}`,
      },
      {
        key: 'collections',
        hint: (result) =>
          t('reports.revenue.collectionsHint', {
            patient: money(result, 'collectionsPatient'),
            insurer: money(result, 'collectionsInsurer'),
          }),
      },
      { key: 'adjustments' },
      { key: 'refunds' },
    ],
    charts: [
      {
        id: 'money',
        title: 'reports.revenue.chartMoney',
        type: 'bar',
        series: [
          { name: 'charges', color: 'blue.6' },
          { name: 'collections', color: 'teal.6' },
          { name: 'adjustments', color: 'yellow.6' },
        ],
      },
      {
        id: 'split',
        title: 'reports.revenue.chartSplit',
        type: 'bar',
        stacked: true,
        series: [
          { name: 'collectionsPatient', color: 'cyan.6' },
          { name: 'collectionsInsurer', color: 'indigo.6' },
        ],
      },
    ],
  },
  reconciliation: {
    title: 'reports.reconciliation.title',
    description: 'reports.reconciliation.description',
    cards: [
      { key: 'visitsUncharged' },
      { key: 'chargesUnbilled' },
      { key: 'claimsUnpaid' },
      { key: 'invoicesOverdue' },
    ],
    charts: [
      {
        id: 'open',
        title: 'reports.reconciliation.chart',
        type: 'bar',
        series: [
          { name: 'visitsUncharged', color: 'red.6' },
          { name: 'chargesUnbilled', color: 'yellow.6' },
          { name: 'claimsUnpaid', color: 'indigo.5' },
          { name: 'invoicesOverdue', color: 'orange.6' },
        ],
      },
    ],
  },
  'day-sheet': {
    title: 'reports.daySheet.title',
    description: 'reports.daySheet.description',
    cards: [
      { key: 'arEndCents', hint: (result) => t('reports.daySheet.arHint', { start: money(result, 'arStartCents') }) },
      { key: 'chargesCents' },
      { key: 'patientPaymentsCents' },
      { key: 'insurerPaymentsCents' },
      { key: 'adjustmentsCents' },
      { key: 'refundsCents' },
    ],
    charts: [
      {
        id: 'moves',
        title: 'reports.daySheet.chartMoves',
        type: 'bar',
        series: [
          { name: 'chargesCents', color: 'blue.6' },
          { name: 'patientPaymentsCents', color: 'cyan.6' },
          { name: 'insurerPaymentsCents', color: 'indigo.6' },
          { name: 'adjustmentsCents', color: 'yellow.6' },
        ],
      },
      {
        id: 'ar',
        title: 'reports.daySheet.chartAr',
        type: 'line',
        series: [{ name: 'arEndCents', color: 'teal.7' }],
      },
    ],
  },
};

/** Minutes as hours with one decimal (a week of a provider is ~40 h, not 2,400 min). */
function hours(minutes: Figure | undefined): string {
  return typeof minutes === 'number' ? (minutes / 60).toFixed(1) : '—';
}

/** A total in dollars, as the cards show money. */
function money(result: ReportResult, key: string): string {
  const value = result.totals[key];
  return typeof value === 'number' ? `$${(value / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}` : '—';
}

function percent(result: ReportResult, key: string): string {
  const value = result.totals[key];
  return typeof value === 'number' ? `${value.toFixed(1)}%` : '—';
}
