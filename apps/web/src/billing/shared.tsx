import { Alert, Button, Stack, Text, type TextProps } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconFileTypePdf, IconMailbox } from '@tabler/icons-react';
import { daysBetween, formatCents, type MessageKey, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { formatDate, formatDateTime } from '../components/format';
import { AnchorLink } from '../components/links';
import type { EmailOutcome } from './api';

/** Shared parts of the billing screens: money, ages, the outcome of an email, PDF links. */

/** Formats cents in the clinic's currency. */
export function useMoney(): (cents: number) => string {
  const { clinic } = useSession();
  return (cents: number) => formatCents(cents, clinic.currency);
}

/** An amount, in the clinic's currency, with digits that line up in columns. */
export function Money({ cents, ...props }: { cents: number } & TextProps) {
  const money = useMoney();
  return (
    <Text span size="sm" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} {...props}>
      {money(cents)}
    </Text>
  );
}

/** "1 invoice" or "3 invoices": the `.one` key of a message when the count is one. */
export function plural(count: number, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const one = `${key}.one` as MessageKey;
  return count === 1 && t(one) !== one ? t(one, { count, ...vars }) : t(key, { count, ...vars });
}

/** An instant on two lines, date then time (in the clinic's zone), to keep table columns narrow. */
export function StackedDateTime({ iso }: { iso: string }) {
  const { clinic } = useSession();
  const instant = new Date(iso);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: clinic.timezone }).format(instant);
  const time = new Intl.DateTimeFormat('en-US', { timeStyle: 'short', timeZone: clinic.timezone }).format(instant);
  return (
    <>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatDate(date)}
      </Text>
      <Text size="xs" c="dimmed">
        {time}
      </Text>
    </>
  );
}

/** Whole days from a date to today (never negative). */
export function daysSince(date: string, today: string): number {
  return Math.max(0, daysBetween(date, today));
}

/** "2026-03" → "March 2026". */
export function formatMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  if (!year || !m) return month;
  return new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, m - 1, 1)),
  );
}

/** The month before `today`'s (`YYYY-MM`): statements are run for the month that ended. */
export function previousMonth(today: string): string {
  const [year, month] = today.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 2, 1));
  return date.toISOString().slice(0, 7);
}

/** What became of an email Tend just sent: sent, kept in the outbox, or failed with the server's words. */
export function SendOutcome({
  status,
  error,
  to,
  at,
}: {
  status: EmailOutcome;
  error: string | null;
  to: string | null;
  at: string | null;
}) {
  const { clinic, can } = useSession();
  const when = at ? formatDateTime(at, clinic.timezone) : '';
  const outbox = can('email.read') && (
    <AnchorLink to="/admin/outbox" size="sm" fw={600} c="inherit" underline="always">
      {t('send.openOutbox')}
    </AnchorLink>
  );
  if (status === 'sent') {
    return (
      <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} title={t('send.sentTitle')}>
        <Stack gap={4} align="flex-start">
          <span>{t('send.sent', { to: to ?? t('send.thePatient'), at: when })}</span>
          {outbox}
        </Stack>
      </Alert>
    );
  }
  if (status === 'captured') {
    return (
      <Alert color="grape" variant="light" icon={<IconMailbox aria-hidden />} title={t('send.capturedTitle')}>
        <Stack gap={4} align="flex-start">
          <span>{t('send.captured', { at: when })}</span>
          {outbox}
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('send.failedTitle')}>
      <Stack gap={4} align="flex-start">
        <span>{error ?? t('send.failed')}</span>
        {outbox}
      </Stack>
    </Alert>
  );
}

/** Opens a PDF (an invoice, a receipt, a statement) in a new tab, where it can be printed. */
export function PdfButton({
  href,
  label,
  accessibleLabel,
  size = 'xs',
  variant = 'default',
}: {
  href: string;
  label: string;
  accessibleLabel?: string;
  size?: 'xs' | 'sm';
  variant?: 'default' | 'light' | 'subtle';
}) {
  return (
    <Button
      component="a"
      href={href}
      target="_blank"
      rel="noopener"
      size={size}
      variant={variant}
      leftSection={<IconFileTypePdf size={16} aria-hidden />}
      aria-label={accessibleLabel}
    >
      {label}
    </Button>
  );
}
