import { Button, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCash } from '@tabler/icons-react';
import { type Coverage, type FieldError, formatCents, parseMoneyToCents, t, zPaymentCreate } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { FormError } from '../components/FormFooter';
import { orNull } from '../components/form';
import { MoneyInput } from '../components/MoneyInput';
import { errorMessage } from '../components/notify';
import { useCoverages } from '../insurance/api';
import { type PaymentBody, usePatientBalance, usePostPayment } from './api';
import { allocateOldestFirst, type PostedPayment } from './PaymentForm';
import { PaymentPosted } from './PaymentPosted';

type Method = 'card' | 'cash' | 'check';

/** The primary coverage in force on `date`, if any. */
export function primaryCoverageOn(coverages: readonly Coverage[] | undefined, date: string): Coverage | undefined {
  return coverages?.find(
    (c) => c.rank === 'primary' && c.validFrom <= date && (c.validTo === null || c.validTo >= date),
  );
}

/**
 * The front desk takes the copay at check-in: the amount from the primary coverage, a method and
 * reference, posted as the patient's payment. It pays the visit's own charges when the visit is
 * signed already; otherwise it stays as credit for the visit (never an older balance).
 */
export function CopayForm({
  patientId,
  patientName,
  serviceDate,
  onDone,
}: {
  patientId: string;
  patientName: string;
  serviceDate: string;
  onDone: () => void;
}) {
  const { clinic } = useSession();
  const coverages = useCoverages(patientId);
  const balance = usePatientBalance(patientId);
  const post = usePostPayment();
  const coverage = primaryCoverageOn(coverages.data, serviceDate);
  const [amount, setAmount] = useState<string | null>(null);
  const [method, setMethod] = useState<Method>('card');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [posted, setPosted] = useState<PostedPayment | null>(null);
  const copay = coverage?.copayCents ?? null;
  const shown = amount ?? (copay ? (copay / 100).toFixed(2) : '');

  if (posted) return <PaymentPosted posted={posted} onDone={onDone} />;

  const submit = async () => {
    setFormError(null);
    const cents = parseMoneyToCents(shown);
    const issues: FieldError[] = [];
    if (cents === null || cents === 0) issues.push({ path: 'amountCents', message: t('validation.positiveAmount') });
    if (method === 'check' && !reference.trim())
      issues.push({ path: 'reference', message: t('payments.referenceRequired') });
    // Only this visit's own open portions (signed already): a copay never pays an older balance.
    const visitLines = (balance.data?.charges ?? []).filter(
      (line) => line.serviceDate === serviceDate && line.patientBalanceCents > 0,
    );
    const allocation = allocateOldestFirst(
      cents ?? 0,
      visitLines.map((line) => ({ chargeId: line.chargeId, owedCents: line.patientBalanceCents })),
    );
    const body: PaymentBody = {
      source: 'patient',
      patientId,
      method,
      reference: orNull(reference),
      amountCents: cents ?? 0,
      receivedOn: serviceDate,
      note: t('copay.note'),
      allocations: visitLines
        .filter((line) => (allocation[line.chargeId] ?? 0) > 0)
        .map((line) => ({
          chargeId: line.chargeId,
          responsibility: 'patient' as const,
          amountCents: allocation[line.chargeId],
        })),
    };
    const parsed = zPaymentCreate.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push({ path: String(issue.path[0] ?? ''), message: issue.message });
    }
    const found: Record<string, string> = {};
    for (const issue of issues) found[issue.path] ??= issue.message;
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const payment = await post.mutateAsync(body);
      setPosted({
        payment,
        patientName,
        payerName: null,
      });
    } catch (error) {
      if (isApiError(error) && error.fields.length) {
        const next: Record<string, string> = {};
        for (const field of error.fields) next[field.path.split('.')[0]] ??= field.message;
        setErrors(next);
        const known = ['amountCents', 'reference'];
        const other = error.fields.filter((f) => !known.includes(f.path.split('.')[0]));
        setFormError(
          error.code === 'duplicate_payment'
            ? error.message
            : other.length
              ? other.map((f) => f.message).join(' ')
              : null,
        );
      } else {
        setFormError(errorMessage(error));
      }
    }
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      aria-labelledby="copay-title"
    >
      <Stack gap="sm">
        <div>
          <Title order={3} fz="md" id="copay-title">
            {t('copay.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {coverages.isPending
              ? t('common.loading')
              : coverage
                ? copay
                  ? t('copay.fromCoverage', { payer: coverage.payerName, amount: formatCents(copay, clinic.currency) })
                  : t('copay.noCopay', { payer: coverage.payerName })
                : t('copay.noCoverage')}
          </Text>
        </div>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <MoneyInput
            currency={clinic.currency}
            label={t('copay.amount')}
            required
            value={shown}
            onChange={(value) => {
              setAmount(value);
              setErrors(({ amountCents: _, ...rest }) => rest);
            }}
            error={errors.amountCents}
            data-autofocus
          />
          <Select
            label={t('payments.method')}
            data={(['card', 'cash', 'check'] as const).map((m) => ({ value: m, label: t(`payments.method.${m}`) }))}
            value={method}
            onChange={(value) => value && setMethod(value as Method)}
            allowDeselect={false}
          />
          <TextInput
            label={
              method === 'check'
                ? t('payments.referenceCheck')
                : method === 'card'
                  ? t('payments.referenceCard')
                  : t('payments.reference')
            }
            required={method === 'check'}
            value={reference}
            onChange={(event) => {
              setReference(event.currentTarget.value);
              setErrors(({ reference: _, ...rest }) => rest);
            }}
            error={errors.reference}
            autoComplete="off"
          />
        </SimpleGrid>
        <FormError error={formError} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={post.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={post.isPending} leftSection={<IconCash size={18} aria-hidden />}>
            {parseMoneyToCents(shown)
              ? t('copay.take', { amount: formatCents(parseMoneyToCents(shown) ?? 0, clinic.currency) })
              : t('copay.takeShort')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
