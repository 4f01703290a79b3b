import { z } from 'zod';
import { FIGURE_KINDS, REPORT_NAMES } from '../reports/report';
import { APPOINTMENT_STATUSES } from '../scheduling/appointments';

/**
 * The home page after sign-in: `GET /api/dashboard` answers the sections the signed-in user's
 * role is for and its permissions allow. Every figure names the rows behind it (a list on the
 * dashboard, or a page of the web app the figure links to).
 */

export const DASHBOARD_SECTIONS = ['frontDesk', 'clinical', 'billing', 'manager'] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

/** How long before its start an appointment shows under "to check in" (and after it, as late). */
export const ARRIVAL_WINDOW_MINUTES = 30;
/** The days ahead (today included) whose booked patients are checked for insurance details. */
export const INSURANCE_CHECK_DAYS = 3;
/** An invoice unpaid this many days after it was issued is overdue (the billing work list's default). */
export const UNPAID_INVOICE_DAYS = 30;
/** The most rows a dashboard list shows (its count still counts them all). */
export const DASHBOARD_LIST_LIMIT = 8;

const zAppointmentItem = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  providerName: z.string(),
  start: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
});
export type DashboardAppointment = z.infer<typeof zAppointmentItem>;

const zList = <T extends z.ZodType>(item: T) => z.object({ count: z.number().int(), items: z.array(item) });

export const zFrontDeskSection = z.object({
  /** Today's appointments: how many in each status, and the next ones still to come. */
  today: z.object({
    total: z.number().int(),
    byStatus: z.record(z.enum(APPOINTMENT_STATUSES), z.number().int()),
    next: z.array(zAppointmentItem),
  }),
  /** Booked or confirmed, starting within ARRIVAL_WINDOW_MINUTES or already late, not checked in. */
  arrivals: zList(zAppointmentItem.extend({ late: z.boolean() })),
  /** Tomorrow's appointments still only booked (not confirmed). */
  unconfirmedTomorrow: z.object({ date: z.string(), count: z.number().int() }),
  /** The recall list's "due" view (first notice day reached, not yet contacted). */
  recallsDue: z.object({ count: z.number().int() }),
  /** Patients waiting for an earlier visit whose dates include today or the next 7 days. */
  waitlist: z.object({ count: z.number().int() }),
  /** Patients booked today … INSURANCE_CHECK_DAYS-1 days ahead with no coverage valid then, or no member id. */
  missingInsurance: zList(
    z.object({
      patientId: z.string(),
      patientName: z.string(),
      start: z.string(),
      reason: z.enum(['none', 'memberId']),
    }),
  ),
});
export type FrontDeskSection = z.infer<typeof zFrontDeskSection>;

export const NOTE_STATES = ['none', 'draft', 'signed'] as const;
export type DashboardNoteState = (typeof NOTE_STATES)[number];

export const zClinicalSection = z.object({
  /** Whose day it is: the provider's own (`mine`), or the clinic's (a nurse). */
  scope: z.enum(['mine', 'clinic']),
  /** Today's patients (not cancelled), each with its visit note's state. */
  today: z.object({
    count: z.number().int(),
    notes: z.record(z.enum(NOTE_STATES), z.number().int()),
    items: z.array(zAppointmentItem.extend({ encounterId: z.string().nullable(), note: z.enum(NOTE_STATES) })),
  }),
  /** Notes still in draft from before today. */
  unsigned: zList(
    z.object({ encounterId: z.string(), patientId: z.string(), patientName: z.string(), serviceDate: z.string() }),
  ),
  /** Follow-ups (recalls) ordered at these visits, still open or contacted, soonest due first. */
  followUps: zList(
    z.object({
      id: z.string(),
      patientId: z.string(),
      patientName: z.string(),
      dueDate: z.string(),
      reason: z.string(),
    }),
  ),
});
export type ClinicalSection = z.infer<typeof zClinicalSection>;

const zMoneyCount = z.object({ count: z.number().int(), cents: z.number().int() });

export const zBillingSection = z.object({
  /** Invoices issued UNPAID_INVOICE_DAYS or more days ago with a balance (the work list). */
  unpaidInvoices: zMoneyCount.extend({ days: z.number().int() }),
  /** Claims by the claims page's views: ready to submit, drafts, needing attention (denied, rejected, part-paid). */
  claims: z.object({ ready: z.number().int(), draft: z.number().int(), attention: z.number().int() }),
  /** Payments received today (reversals count against them). */
  postings: zMoneyCount.extend({ date: z.string() }),
  /** Accounts receivable today, from the A/R aging. */
  receivables: z.object({
    asOf: z.string(),
    totalCents: z.number().int(),
    insurerCents: z.number().int(),
    patientCents: z.number().int(),
  }),
});
export type BillingSection = z.infer<typeof zBillingSection>;

/** Which report figure a manager tile shows; `better` says which way is good (for the colour). */
export interface DashboardTileDefinition {
  report: (typeof REPORT_NAMES)[number];
  key: string;
  better?: 'up' | 'down';
}

export const zDashboardTile = z.object({
  report: z.enum(REPORT_NAMES),
  key: z.string(),
  label: z.string(),
  kind: z.enum(FIGURE_KINDS),
  better: z.enum(['up', 'down']),
  /** The drill-down metric of the figure (its column's), or null. */
  metric: z.string().nullable(),
  value: z.number().nullable(),
  previous: z.number().nullable(),
  /** Day by day: this week's day and the same weekday of last week. */
  days: z.array(
    z.object({
      date: z.string(),
      previousDate: z.string(),
      value: z.number().nullable(),
      previous: z.number().nullable(),
    }),
  ),
});
export type DashboardTile = z.infer<typeof zDashboardTile>;

export const zManagerSection = z.object({
  /**
   * This week's whole days (Monday … yesterday) against the same days of last week; on a Monday,
   * today so far (`today`: the range ends with a day still under way).
   */
  from: z.string(),
  to: z.string(),
  previousFrom: z.string(),
  previousTo: z.string(),
  today: z.boolean(),
  tiles: z.array(zDashboardTile),
  /** Emergency ("break the glass") accesses waiting for a review (with `emergency.review`). */
  emergencyToReview: z.number().int().optional(),
});
export type ManagerSection = z.infer<typeof zManagerSection>;

export const zDashboard = z.object({
  date: z.string(),
  timezone: z.string(),
  role: z.string(),
  frontDesk: zFrontDeskSection.optional(),
  clinical: zClinicalSection.optional(),
  billing: zBillingSection.optional(),
  manager: zManagerSection.optional(),
});
export type Dashboard = z.infer<typeof zDashboard>;
