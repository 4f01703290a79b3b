import { z } from 'zod';
import { PHONE_USES } from './patients';
import { APPOINTMENT_STATUSES } from './scheduling/appointments';

/**
 * The browser's offline copy (`GET /api/offline/copy`): today's and tomorrow's schedule in the
 * clinic's time zone, and the contact details of the patients on it — nothing clinical. The web
 * app keeps it in IndexedDB and shows it, read-only, when the server cannot be reached.
 */

/** How often the web app takes a fresh copy while online (and the server's audit window is a day). */
export const OFFLINE_REFRESH_MINUTES = 10;

export const zOfflineAppointment = z.object({
  id: z.uuid(),
  patientId: z.uuid(),
  providerId: z.uuid(),
  /** `YYYY-MM-DD` in the clinic's zone: the day it belongs to. */
  date: z.string(),
  /** `HH:MM`, clinic time. */
  start: z.string(),
  end: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  typeName: z.string(),
  roomName: z.string().nullable(),
  locationName: z.string(),
});
export type OfflineAppointment = z.infer<typeof zOfflineAppointment>;

export const zOfflinePatient = z.object({
  id: z.uuid(),
  mrn: z.string(),
  name: z.string(),
  birthDate: z.string(),
  phones: z.array(z.object({ use: z.enum(PHONE_USES), number: z.string() })),
  email: z.string().nullable(),
});
export type OfflinePatient = z.infer<typeof zOfflinePatient>;

/** One location's appointments only: the device's (a network's two days of every location are thousands). */
export const zOfflineCopyQuery = z.object({ locationId: z.uuid().optional() });

export const zOfflineCopy = z.object({
  clinicId: z.uuid(),
  clinicName: z.string(),
  /** The location the copy is of; null: every location. */
  locationName: z.string().nullable(),
  timezone: z.string(),
  /** When the server took the copy (the banner's "as of"). */
  takenAt: z.iso.datetime({ offset: true }),
  /** The two clinic-local days covered: today, then tomorrow. */
  days: z.tuple([z.string(), z.string()]),
  providers: z.array(z.object({ id: z.uuid(), name: z.string() })),
  appointments: z.array(zOfflineAppointment),
  patients: z.array(zOfflinePatient),
});
export type OfflineCopy = z.infer<typeof zOfflineCopy>;
