import { Button, Group, Text, Title } from '@mantine/core';
import { t, type WaitlistOffer } from '@tend/domain';
import { type DragEvent, useState } from 'react';
import type { Appointment, AppointmentType } from './api';
import { blockRows, ROWS, rowMinutes } from './layout';
import { StatusBadge } from './shared';
import { clock, DAY_START, STEP, zoned } from './time';

/**
 * The schedule grid: a row every 15 minutes from 07:00 to 19:00 (clinic time) and one column per
 * provider (day view) or per day of one provider (week view). Greyed cells are outside the
 * provider's working hours; every cell can still start a booking. Blocks open the appointment,
 * and can be dragged to another time or column. A plain CSS grid.
 */

export interface GridColumn {
  key: string;
  providerId: string;
  date: string;
  /** Heading of the column: the provider (day view) or the date (week view). */
  title: string;
  /** Said with each cell and block: the provider's name, in the week view with the date. */
  where: string;
  color?: string;
  /** Start minutes of the rows inside working hours; null while not known (nothing greyed). */
  open: Set<number> | null;
}

const ROW_HEIGHT = 26;
/** What a dragged block carries: its id and how many rows below its top it was grabbed. */
const DRAG_TYPE = 'application/x-tend-appointment';
const MOVABLE = new Set(['booked', 'confirmed']);

export function ScheduleGrid({
  columns,
  timezone,
  appointments,
  held = [],
  types,
  canBook,
  canMove,
  onEmpty,
  onOpen,
  onMove,
  onRelease,
}: {
  columns: GridColumn[];
  timezone: string;
  appointments: Appointment[];
  /** Time held for open waitlist offers: light blocks that say until when. */
  held?: WaitlistOffer[];
  types: AppointmentType[];
  canBook: boolean;
  canMove: boolean;
  onEmpty: (column: GridColumn, time: string, open: boolean) => void;
  onOpen: (appointment: Appointment) => void;
  /** A block was dropped: its new top row starts at `minutes` of the column's date. */
  onMove: (appointment: Appointment, column: GridColumn, minutes: number, grabRows: number) => void;
  /** Release a hold (the front desk); without it the held blocks have no button. */
  onRelease?: (offer: WaitlistOffer) => void;
}) {
  const typeById = new Map(types.map((type) => [type.id, type]));
  const rows = rowMinutes();
  const minColumn = columns.length > 5 ? 124 : 180;
  const [dragging, setDragging] = useState<string | null>(null);

  const startDrag = (event: DragEvent<HTMLDivElement>, appointment: Appointment) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const grabRows = Math.max(0, Math.floor((event.clientY - rect.top) / ROW_HEIGHT));
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ id: appointment.id, grabRows }));
    // After the browser took its drag image: the block fades while it is dragged.
    setTimeout(() => setDragging(appointment.id), 0);
  };
  const over = (event: DragEvent) => {
    if (event.dataTransfer.types.includes(DRAG_TYPE)) event.preventDefault();
  };
  const drop = (event: DragEvent, column: GridColumn, minutes: number) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    setDragging(null);
    let data: { id?: unknown; grabRows?: unknown };
    try {
      data = JSON.parse(event.dataTransfer.getData(DRAG_TYPE));
    } catch {
      return;
    }
    const appointment = appointments.find((a) => a.id === data.id);
    if (appointment) onMove(appointment, column, minutes, typeof data.grabRows === 'number' ? data.grabRows : 0);
  };
  /** A drop on a block (another appointment, or the dragged one itself) means the row under the pointer. */
  const dropOnBlock = (event: DragEvent<HTMLDivElement>, column: GridColumn, firstRow: number) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const row = firstRow + Math.max(0, Math.floor((event.clientY - rect.top) / ROW_HEIGHT));
    drop(event, column, DAY_START + (row - 1) * STEP);
  };

  return (
    <div className="tend-schedule-scroll">
      <div
        className="tend-schedule-grid"
        style={{
          // Columns share the width; below their minimum the grid scrolls sideways.
          minWidth: 64 + columns.length * minColumn,
          gridTemplateColumns: `64px repeat(${columns.length}, minmax(${minColumn}px, 1fr))`,
          gridTemplateRows: `auto repeat(${ROWS}, ${ROW_HEIGHT}px)`,
        }}
      >
        {columns.map((column, index) => (
          <div
            key={column.key}
            className="tend-schedule-head"
            style={{ gridColumn: index + 2, gridRow: 1, borderTopColor: column.color }}
          >
            <Title order={2} size="h5">
              {column.title}
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
        {columns.map((column, index) =>
          rows.map((minutes, row) => {
            const open = column.open === null || column.open.has(minutes);
            const common = {
              className: 'tend-schedule-cell',
              'data-hour': minutes % 60 === 0 || undefined,
              'data-closed': open ? undefined : true,
              style: { gridColumn: index + 2, gridRow: row + 2 },
              onDragOver: over,
              onDrop: (event: DragEvent) => drop(event, column, minutes),
            };
            return canBook ? (
              <button
                type="button"
                key={`${column.key}-${minutes}`}
                {...common}
                aria-label={t(open ? 'schedule.bookAt' : 'schedule.bookAtClosed', {
                  time: clock(minutes),
                  provider: column.where,
                })}
                tabIndex={minutes % 60 === 0 ? 0 : -1}
                onClick={() => onEmpty(column, clock(minutes), open)}
              />
            ) : (
              <div key={`${column.key}-${minutes}`} {...common} />
            );
          }),
        )}
        {columns.flatMap((column, index) =>
          held
            .filter((offer) => offer.providerId === column.providerId)
            .map((offer) => {
              const place = blockRows(offer.start, offer.bufferEnd, column.date, timezone);
              if (!place) return null;
              const label = t('schedule.heldForOffer', { time: zoned(offer.holdUntil, timezone).time });
              return (
                <div
                  key={`${column.key}-held-${offer.id}`}
                  className="tend-schedule-held"
                  style={{ gridColumn: index + 2, gridRow: `${place.first + 1} / ${place.last + 2}` }}
                >
                  <Text size="xs" fw={600} c="dark.6" lh={1.3}>
                    {label}
                  </Text>
                  {onRelease && (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => onRelease(offer)}
                      aria-label={`${t('waitlist.release')}: ${label}, ${column.where}`}
                    >
                      {t('waitlist.release')}
                    </Button>
                  )}
                </div>
              );
            }),
        )}
        {columns.flatMap((column, index) =>
          appointments
            .filter((appointment) => appointment.providerId === column.providerId)
            .map((appointment) => {
              const place = blockRows(appointment.start, appointment.end, column.date, timezone);
              if (!place) return null;
              const start = zoned(appointment.start, timezone);
              const end = zoned(appointment.end, timezone);
              const type = typeById.get(appointment.appointmentTypeId);
              const color = type?.color ?? '#868e96';
              const movable = canMove && MOVABLE.has(appointment.status);
              const describedBy = `${column.key}-${appointment.id}`;
              return (
                // biome-ignore lint/a11y/noStaticElementInteractions: dragging is the mouse shortcut; keyboard users move an appointment with Reschedule in its dialog
                <div
                  key={`${column.key}-${appointment.id}`}
                  className="tend-schedule-block"
                  data-status={appointment.status}
                  data-moving={dragging === appointment.id || undefined}
                  draggable={movable}
                  onDragStart={movable ? (event) => startDrag(event, appointment) : undefined}
                  onDragEnd={() => setDragging(null)}
                  onDragOver={over}
                  onDrop={(event) => dropOnBlock(event, column, place.first)}
                  style={{
                    gridColumn: index + 2,
                    gridRow: `${place.first + 1} / ${place.last + 2}`,
                    borderLeftColor: color,
                    background: `color-mix(in srgb, ${color} 16%, white)`,
                    cursor: movable ? 'grab' : undefined,
                  }}
                >
                  <Group gap={6} wrap="nowrap" justify="space-between" align="flex-start">
                    {/* biome-ignore lint/a11y/useSemanticElements: Chromium starts no drag from inside a <button>, and the whole block is both the opener and the drag handle */}
                    <div
                      role="button"
                      tabIndex={0}
                      className="tend-schedule-open"
                      aria-label={t('schedule.blockName', {
                        time: start.time,
                        patient: appointment.patientName,
                        provider: column.where,
                      })}
                      aria-describedby={`${describedBy}-type ${describedBy}-status`}
                      onClick={() => onOpen(appointment)}
                      onKeyDown={(event) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          onOpen(appointment);
                        }
                      }}
                    >
                      <Text span size="xs" fw={700} truncate display="block">
                        {start.time} {appointment.patientName}
                      </Text>
                    </div>
                    <StatusBadge status={appointment.status} id={`${describedBy}-status`} />
                  </Group>
                  <Text size="xs" truncate c="dark.6" id={`${describedBy}-type`}>
                    {[type?.name, `${start.time}–${end.time}`].filter(Boolean).join(' · ')}
                  </Text>
                </div>
              );
            }),
        )}
      </div>
    </div>
  );
}
