import { type Db, schema } from '@tend/db';
import type { LinkView } from '@tend/domain';
import { eq } from 'drizzle-orm';

/** An appointment as a patient's link shows it, with where and with whom. */
export async function loadAppointmentView(db: Db, appointmentId: string) {
  const [row] = await db
    .select({
      appointment: schema.appointments,
      clinic: schema.clinics.name,
      provider: schema.providers.name,
      providerTitle: schema.providers.title,
      location: schema.locations.name,
      timezone: schema.locations.timezone,
    })
    .from(schema.appointments)
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.appointments.clinicId))
    .innerJoin(schema.providers, eq(schema.providers.id, schema.appointments.providerId))
    .innerJoin(schema.locations, eq(schema.locations.id, schema.appointments.locationId))
    .where(eq(schema.appointments.id, appointmentId));
  return row ?? null;
}

export type LoadedAppointment = NonNullable<Awaited<ReturnType<typeof loadAppointmentView>>>;

/** What the patient reads: clinic, date, time, provider, place, status (nothing clinical). */
export function describeAppointment(row: LoadedAppointment): NonNullable<LinkView['appointment']> {
  const start = row.appointment.startAt;
  return {
    clinic: row.clinic,
    date: new Intl.DateTimeFormat('en-US', {
      timeZone: row.timezone,
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      year: 'numeric',
    }).format(start),
    time: new Intl.DateTimeFormat('en-US', { timeZone: row.timezone, hour: 'numeric', minute: '2-digit' }).format(
      start,
    ),
    provider: [row.providerTitle, row.provider].filter(Boolean).join(' '),
    location: row.location,
    status: row.appointment.status,
    holdUntil: null,
  };
}
