import { Group, Text, Title, UnstyledButton } from '@mantine/core';
import { type Provider, t } from '@tend/domain';
import type { Appointment, AppointmentType } from './api';
import { providerName, StatusBadge } from './shared';
import { clock, DAY_END, DAY_START, STEP, zoned } from './time';

/**
 * One day: a column per provider, a row every 15 minutes from 07:00 to 19:00 (clinic time).
 * Empty cells book; blocks open the appointment. A plain CSS grid.
 */

const ROWS = (DAY_END - DAY_START) / STEP;
const ROW_HEIGHT = 26;

export function DayGrid({
  date,
  timezone,
  providers,
  appointments,
  types,
  canBook,
  onEmpty,
  onOpen,
}: {
  date: string;
  timezone: string;
  providers: Provider[];
  appointments: Appointment[];
  types: AppointmentType[];
  canBook: boolean;
  onEmpty: (providerId: string, time: string) => void;
  onOpen: (appointment: Appointment) => void;
}) {
  const typeById = new Map(types.map((type) => [type.id, type]));
  const rows = Array.from({ length: ROWS }, (_, i) => DAY_START + i * STEP);
  return (
    <div className="tend-schedule-scroll">
      <div
        className="tend-schedule-grid"
        style={{
          gridTemplateColumns: `64px repeat(${providers.length}, minmax(180px, 1fr))`,
          gridTemplateRows: `auto repeat(${ROWS}, ${ROW_HEIGHT}px)`,
        }}
      >
        {providers.map((provider, column) => (
          <div
            key={provider.id}
            className="tend-schedule-head"
            style={{ gridColumn: column + 2, gridRow: 1, borderTopColor: provider.color }}
          >
            <Title order={2} size="h5">
              {providerName(provider)}
            </Title>
          </div>
        ))}
        {rows.map((minutes, row) => (
          <div
            key={minutes}
            className="tend-schedule-time"
            style={{ gridColumn: 1, gridRow: row + 2 }}
            aria-hidden={minutes % 60 !== 0}
          >
            {minutes % 60 === 0 ? clock(minutes) : ''}
          </div>
        ))}
        {providers.map((provider, column) =>
          rows.map((minutes, row) =>
            canBook ? (
              <button
                type="button"
                key={`${provider.id}-${minutes}`}
                className="tend-schedule-cell"
                data-hour={minutes % 60 === 0 || undefined}
                style={{ gridColumn: column + 2, gridRow: row + 2 }}
                aria-label={t('schedule.bookAt', { time: clock(minutes), provider: providerName(provider) })}
                tabIndex={minutes % 60 === 0 ? 0 : -1}
                onClick={() => onEmpty(provider.id, clock(minutes))}
              />
            ) : (
              <div
                key={`${provider.id}-${minutes}`}
                className="tend-schedule-cell"
                data-hour={minutes % 60 === 0 || undefined}
                style={{ gridColumn: column + 2, gridRow: row + 2 }}
              />
            ),
          ),
        )}
        {appointments.map((appointment) => {
          const column = providers.findIndex((p) => p.id === appointment.providerId);
          if (column < 0) return null;
          const start = zoned(appointment.start, timezone);
          const end = zoned(appointment.end, timezone);
          const startMin = start.date === date ? start.minutes : 0;
          const endMin = end.date === date ? end.minutes : 24 * 60;
          const from = Math.max(startMin, DAY_START);
          const to = Math.min(endMin, DAY_END);
          if (to <= from) return null;
          const rowStart = Math.floor((from - DAY_START) / STEP) + 2;
          const rowEnd = Math.max(rowStart + 1, Math.ceil((to - DAY_START) / STEP) + 2);
          const type = typeById.get(appointment.appointmentTypeId);
          const color = type?.color ?? '#868e96';
          const provider = providers[column];
          return (
            <div
              key={appointment.id}
              className="tend-schedule-block"
              data-status={appointment.status}
              style={{
                gridColumn: column + 2,
                gridRow: `${rowStart} / ${rowEnd}`,
                borderLeftColor: color,
                background: `color-mix(in srgb, ${color} 16%, white)`,
              }}
            >
              <Group gap={6} wrap="nowrap" justify="space-between" align="flex-start">
                <UnstyledButton
                  className="tend-schedule-open"
                  aria-label={t('schedule.blockName', {
                    time: start.time,
                    patient: appointment.patientName,
                    provider: providerName(provider),
                  })}
                  aria-describedby={`${appointment.id}-type ${appointment.id}-status`}
                  onClick={() => onOpen(appointment)}
                >
                  <Text span size="xs" fw={700} truncate display="block">
                    {start.time} {appointment.patientName}
                  </Text>
                </UnstyledButton>
                <StatusBadge status={appointment.status} id={`${appointment.id}-status`} />
              </Group>
              <Text size="xs" truncate c="dark.6" id={`${appointment.id}-type`}>
                {[type?.name, `${start.time}–${end.time}`].filter(Boolean).join(' · ')}
              </Text>
            </div>
          );
        })}
      </div>
    </div>
  );
}
