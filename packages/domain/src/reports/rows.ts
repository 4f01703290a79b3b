import { z } from 'zod';
import { APPOINTMENT_STATUSES } from '../scheduling/appointments';
import { APPOINTMENT_METRICS } from './appointments';
import { zReportQuery } from './report';

/** The drill-down of a figure: the report's query plus the metric (named by the figure's column). */
export const zAppointmentRowsQuery = zReportQuery.and(z.object({ metric: z.enum(APPOINTMENT_METRICS) }));

/** One appointment behind a figure, with the timestamps the figures come from. */
export const zAppointmentReportRow = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  locationName: z.string(),
  startAt: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  bookedAt: z.string(),
  checkedInAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  noShowAt: z.string().nullable(),
});
export type AppointmentReportRow = z.infer<typeof zAppointmentReportRow>;

/** The most rows a drill-down lists; `total` still counts them all. */
export const REPORT_ROWS_LIMIT = 1000;

export const zAppointmentReportRows = z.object({ total: z.number().int(), items: z.array(zAppointmentReportRow) });
