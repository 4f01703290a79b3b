import { Badge, type BadgeProps } from '@mantine/core';
import { type EncounterStatus, t } from '@tend/domain';

/** In progress (amber) or signed (green), the same on the visit screen and on My day. */
export function VisitStatusBadge({ status, size = 'sm' }: { status: EncounterStatus; size?: BadgeProps['size'] }) {
  return (
    <Badge variant="light" color={status === 'signed' ? 'green' : 'yellow'} size={size} radius="sm">
      {status === 'signed' ? t('visit.status.signed') : t('visit.status.inProgress')}
    </Badge>
  );
}
