import { t } from '@tend/domain';
import { type Appointment, type AppointmentType, useRooms } from './api';
import { statusLabel } from './shared';
import { zoned } from './time';

/** One section of the paper schedule: a provider's day, or (week view) one day of a provider. */
export interface PrintGroup {
  key: string;
  heading: string;
  appointments: Appointment[];
}

/**
 * The paper schedule (downtime kit): hidden on screen, the only thing printed from the schedule
 * page. Plain HTML tables so it prints the same in every browser.
 */
export function PrintableSchedule({
  clinicName,
  title,
  groups,
  types,
  timezone,
}: {
  clinicName: string;
  title: string;
  groups: PrintGroup[];
  types: AppointmentType[];
  timezone: string;
}) {
  const typeName = new Map(types.map((type) => [type.id, type.name]));
  const roomName = new Map((useRooms().data ?? []).map((room) => [room.id, room.name]));
  // The room goes with the type (an x-ray visit · X-ray 2): no extra column on paper.
  const what = (appointment: Appointment) =>
    [typeName.get(appointment.appointmentTypeId), appointment.roomId && roomName.get(appointment.roomId)]
      .filter(Boolean)
      .join(' · ');
  return (
    <div className="tend-print-only tend-print-schedule">
      <header>
        <div className="tend-print-clinic">{clinicName}</div>
        <h1>{title}</h1>
      </header>
      {groups.map((group) => {
        const rows = [...group.appointments].sort((a, b) => a.start.localeCompare(b.start));
        return (
          <section key={group.key}>
            <h2>{group.heading}</h2>
            {rows.length === 0 ? (
              <p>{t('schedule.print.none')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('schedule.time')}</th>
                    <th>{t('schedule.patient')}</th>
                    <th>{t('schedule.type')}</th>
                    <th>{t('common.status')}</th>
                    <th>{t('schedule.notes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((appointment) => (
                    <tr key={appointment.id}>
                      <td className="tend-print-time">
                        {zoned(appointment.start, timezone).time}–{zoned(appointment.end, timezone).time}
                      </td>
                      <td>{appointment.patientName}</td>
                      <td>{what(appointment)}</td>
                      <td>{statusLabel(appointment.status)}</td>
                      <td>{appointment.notes ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
      <footer>{t('schedule.print.footer', { zone: timezone })}</footer>
    </div>
  );
}
