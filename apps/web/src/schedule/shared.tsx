import { Badge } from '@mantine/core';
import { type AppointmentStatus, type MessageKey, type Provider, t } from '@tend/domain';

/** What the schedule's pieces share: status badges and provider names. */

const STATUS_COLORS: Record<AppointmentStatus, string> = {
  booked: 'blue',
  confirmed: 'indigo',
  checked_in: 'teal',
  in_progress: 'grape',
  completed: 'gray',
  cancelled: 'red',
  no_show: 'orange',
};

const STATUS_LABELS: Record<AppointmentStatus, MessageKey> = {
  booked: 'schedule.status.booked',
  confirmed: 'schedule.status.confirmed',
  checked_in: 'schedule.status.checkedIn',
  in_progress: 'schedule.status.inProgress',
  completed: 'schedule.status.completed',
  cancelled: 'schedule.status.cancelled',
  no_show: 'schedule.status.noShow',
};

export function statusLabel(status: AppointmentStatus): string {
  return t(STATUS_LABELS[status]);
}

export function StatusBadge({ status, id }: { status: AppointmentStatus; id?: string }) {
  return (
    <Badge id={id} color={STATUS_COLORS[status]} variant="light" size="sm" radius="sm" style={{ flexShrink: 0 }}>
      {statusLabel(status)}
    </Badge>
  );
}

export function providerName(provider: Pick<Provider, 'name' | 'title'> | undefined): string {
  if (!provider) return '';
  return [provider.title, provider.name].filter(Boolean).join(' ');
}
