import { Badge } from '@mantine/core';
import { type AppointmentStatus, type Provider, appointmentStatusLabel as statusLabel } from '@tend/domain';

export { statusLabel };

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
