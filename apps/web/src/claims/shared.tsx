import { Badge, type BadgeProps, Group, Text, ThemeIcon } from '@mantine/core';
import { IconChecks } from '@tabler/icons-react';
import { type Claim, type ClaimStatus, type MessageKey, t } from '@tend/domain';

/** A claim's status, one colour each, the same on every claims screen. */

const COLOR: Record<ClaimStatus, string> = {
  draft: 'gray',
  ready: 'blue',
  submitted: 'indigo',
  accepted: 'cyan',
  rejected: 'orange',
  paid: 'green',
  partially_paid: 'yellow',
  denied: 'red',
};

export function statusLabel(status: ClaimStatus): string {
  return t(`claims.status.${status}` as MessageKey);
}

export function ClaimStatusBadge({
  status,
  size = 'sm',
  testId,
}: {
  status: ClaimStatus;
  size?: BadgeProps['size'];
  testId?: string;
}) {
  return (
    <Badge variant="light" color={COLOR[status]} size={size} radius="sm" tt="none" fw={600} data-testid={testId}>
      {statusLabel(status)}
    </Badge>
  );
}

/** When the claim's status last changed (its last history entry). */
export function statusSince(claim: Claim): string {
  return claim.history.at(-1)?.at ?? claim.createdAt;
}

/** Whole days from an instant to now. */
export function daysSince(iso: string, now: number = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 86_400_000));
}

export function daysLabel(days: number): string {
  if (days === 0) return t('claims.today');
  return days === 1 ? t('claims.oneDay') : t('claims.days', { count: days });
}

/** The quiet "nothing here" of a work list: one line, so the lists above and below stay in view. */
export function AllDone({ title, hint }: { title: string; hint: string }) {
  return (
    <Group gap="sm" py="sm" wrap="nowrap">
      <ThemeIcon variant="light" color="teal" radius="xl" size="lg">
        <IconChecks size={18} aria-hidden />
      </ThemeIcon>
      <div>
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
      </div>
    </Group>
  );
}
