import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconPrinter } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { receiptPdfUrl } from './api';
import type { PostedPayment } from './PaymentForm';
import { plural, useMoney } from './shared';

/** After a payment is posted: what it paid, what stays as credit, and its receipt. */
export function PaymentPosted({
  posted,
  onAnother,
  onDone,
  doneLabel = t('common.close'),
}: {
  posted: PostedPayment;
  onAnother?: () => void;
  onDone: () => void;
  doneLabel?: string;
}) {
  const money = useMoney();
  const { payment } = posted;
  const applied = payment.allocations.reduce((sum, a) => sum + a.amountCents, 0);
  const credit = payment.amountCents - applied;
  return (
    <Stack gap="md">
      <Alert
        color="green"
        variant="light"
        icon={<IconCircleCheck aria-hidden />}
        title={t('payments.postedTitle', { amount: money(payment.amountCents) })}
        role="status"
      >
        <Text size="sm">
          {t('payments.postedFrom', { who: posted.patientName ?? posted.payerName ?? '' })}{' '}
          {applied > 0
            ? plural(payment.allocations.length, 'payments.postedApplied', { amount: money(applied) })
            : t('payments.postedNoneApplied')}{' '}
          {credit > 0 && t('payments.postedCredit', { amount: money(credit) })}
        </Text>
      </Alert>
      <Group justify="flex-end" gap="sm">
        {onAnother && (
          <Button variant="default" onClick={onAnother}>
            {t('payments.another')}
          </Button>
        )}
        <Button variant="default" onClick={onDone}>
          {doneLabel}
        </Button>
        <Button
          component="a"
          href={receiptPdfUrl(payment.id)}
          target="_blank"
          rel="noopener"
          leftSection={<IconPrinter size={18} aria-hidden />}
          data-autofocus
        >
          {t('payments.printReceipt')}
        </Button>
      </Group>
    </Stack>
  );
}
