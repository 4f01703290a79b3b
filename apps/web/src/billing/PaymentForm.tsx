import {
  Alert,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconArrowsSort, IconUser } from '@tabler/icons-react';
import {
  type ChargeBalance,
  type FieldError,
  formatCents,
  type Invoice,
  type MessageKey,
  type Payment,
  parseMoneyToCents,
  t,
  zPaymentCreate,
} from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { FormFooter } from '../components/FormFooter';
import { orNull } from '../components/form';
import { formatDate } from '../components/format';
import { MoneyInput } from '../components/MoneyInput';
import { errorMessage } from '../components/notify';
import { Loading } from '../components/states';
import { usePayers } from '../insurance/api';
import { PatientPicker } from '../schedule/PatientPicker';
import { useCharges } from '../visits/api';
import { type PaymentBody, usePatientBalance, usePostPayment } from './api';
import { Money, useMoney } from './shared';

type Source = 'patient' | 'insurer';
type Method = PaymentBody['method'];

const METHODS: Record<Source, Method[]> = {
  patient: ['card', 'cash', 'check', 'other'],
  insurer: ['check', 'eft', 'other'],
};

const REFERENCE_LABEL: Record<Method, MessageKey> = {
  cash: 'payments.reference',
  card: 'payments.referenceCard',
  check: 'payments.referenceCheck',
  eft: 'payments.referenceEft',
  other: 'payments.reference',
};

/** What a payment form can start from: a patient, an invoice to pay, an amount (a copay). */
export interface PaymentPrefill {
  patientId?: string;
  patientName?: string;
  invoice?: Invoice | null;
  amountCents?: number;
  source?: Source;
  /** The patient is given (a chart, an invoice): no patient search. */
  lockPatient?: boolean;
}

/** A payment just posted, with whose it is. */
export interface PostedPayment {
  payment: Payment;
  patientName: string | null;
  payerName: string | null;
}

const money = (cents: number) => (cents / 100).toFixed(2);

/** The side of a charge this payment pays. */
function owed(line: ChargeBalance, source: Source): number {
  return source === 'patient' ? line.patientBalanceCents : line.insurerBalanceCents;
}

/** Spreads an amount over the open lines in order (oldest first; the invoice's lines before others). */
export function allocateOldestFirst(
  amountCents: number,
  lines: readonly { chargeId: string; owedCents: number }[],
): Record<string, number> {
  const result: Record<string, number> = {};
  let left = Math.max(0, amountCents);
  for (const line of lines) {
    const take = Math.min(left, line.owedCents);
    result[line.chargeId] = take;
    left -= take;
  }
  return result;
}

/**
 * Posts a patient's or an insurer's payment: the open charges of the patient (from the ledger)
 * receive the amount oldest first, each line editable; what is not allocated stays as credit.
 */
export function PaymentForm({
  prefill = {},
  onPosted,
  onCancel,
}: {
  prefill?: PaymentPrefill;
  onPosted: (posted: PostedPayment) => void;
  onCancel: () => void;
}) {
  const { today, can, clinic } = useSession();
  const format = useMoney();
  const [source, setSource] = useState<Source>(prefill.source ?? 'patient');
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(
    prefill.patientId ? { id: prefill.patientId, name: prefill.patientName ?? '' } : null,
  );
  const [choosing, setChoosing] = useState(!prefill.patientId);
  const [payerId, setPayerId] = useState<string | null>(null);
  const [method, setMethod] = useState<Method>('card');
  const [reference, setReference] = useState('');
  const initialAmount = prefill.amountCents ?? prefill.invoice?.balanceCents;
  const [amount, setAmount] = useState(initialAmount ? money(initialAmount) : '');
  const [receivedOn, setReceivedOn] = useState(today());
  const [note, setNote] = useState('');
  /** Amounts typed per line once the user edits one; until then the allocation follows the amount. */
  const [manual, setManual] = useState<Record<string, string> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ title?: string; message: string } | null>(null);
  const post = usePostPayment();
  const payers = usePayers({ enabled: source === 'insurer' });
  const balance = usePatientBalance(patient?.id ?? null);
  // Which insurer each charge is billed to (billing staff read charges; the front desk does not need it).
  const charges = useCharges(
    { patientId: patient?.id },
    patient !== null && source === 'insurer' && can('charge.read'),
  );
  const payerOf = new Map((charges.data ?? []).map((c) => [c.id, c.payerId]));

  const invoiceCharges = new Set(prefill.invoice?.lines.map((line) => line.chargeId) ?? []);
  const open = (balance.data?.charges ?? [])
    .filter((line) => owed(line, source) > 0)
    .filter(
      (line) =>
        source === 'patient' || !payerId || !payerOf.has(line.chargeId) || payerOf.get(line.chargeId) === payerId,
    )
    .sort((a, b) => Number(invoiceCharges.has(b.chargeId)) - Number(invoiceCharges.has(a.chargeId)));
  const amountCents = parseMoneyToCents(amount);
  const auto = allocateOldestFirst(
    amountCents ?? 0,
    open.map((line) => ({ chargeId: line.chargeId, owedCents: owed(line, source) })),
  );
  const lineValue = (chargeId: string) => (manual ? (manual[chargeId] ?? '') : money(auto[chargeId] ?? 0));
  const lineCents = (chargeId: string) => parseMoneyToCents(lineValue(chargeId) || '0');
  const allocated = open.reduce((sum, line) => sum + (lineCents(line.chargeId) ?? 0), 0);
  const credit = (amountCents ?? 0) - allocated;

  const reset = () => {
    setManual(null);
    setErrors({});
    setFormError(null);
  };

  const editLine = (chargeId: string, value: string) => {
    const current = manual ?? Object.fromEntries(open.map((line) => [line.chargeId, money(auto[line.chargeId] ?? 0)]));
    setManual({ ...current, [chargeId]: value });
    setErrors(({ [`line:${chargeId}`]: _, allocations: __, ...rest }) => rest);
  };

  const build = (): { body: PaymentBody; sent: string[]; issues: FieldError[] } => {
    const issues: FieldError[] = [];
    if (amountCents === null) issues.push({ path: 'amountCents', message: t('validation.money') });
    const sent: string[] = [];
    const allocations: PaymentBody['allocations'] = [];
    for (const line of open) {
      const cents = lineCents(line.chargeId);
      if (cents === null) {
        issues.push({ path: `line:${line.chargeId}`, message: t('validation.money') });
        continue;
      }
      if (cents > owed(line, source)) {
        issues.push({
          path: `line:${line.chargeId}`,
          message: t('payments.lineTooMuch', { amount: format(owed(line, source)) }),
        });
      }
      if (cents > 0) {
        sent.push(line.chargeId);
        allocations.push({ chargeId: line.chargeId, responsibility: source, amountCents: cents });
      }
    }
    if ((method === 'check' || method === 'eft') && !reference.trim()) {
      issues.push({ path: 'reference', message: t('payments.referenceRequired') });
    }
    const body: PaymentBody = {
      source,
      patientId: source === 'patient' ? patient?.id : undefined,
      payerId: source === 'insurer' ? (payerId ?? undefined) : undefined,
      method,
      reference: orNull(reference),
      amountCents: amountCents ?? 0,
      receivedOn,
      note: orNull(note),
      allocations,
    };
    return { body, sent, issues };
  };

  /** Field paths of the API (`allocations.2.amountCents`) → this form's fields. */
  const toErrors = (issues: FieldError[], sent: string[]): Record<string, string> => {
    const next: Record<string, string> = {};
    for (const issue of issues) {
      const line = /^allocations\.(\d+)/.exec(issue.path);
      const key = line && sent[Number(line[1])] ? `line:${sent[Number(line[1])]}` : issue.path.split('.')[0];
      next[key] ??= issue.message;
    }
    return next;
  };

  const submit = async () => {
    setFormError(null);
    const { body, sent, issues } = build();
    const parsed = zPaymentCreate.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ path: issue.path.map(String).join('.'), message: issue.message });
      }
    }
    const found = toErrors(issues, sent);
    setErrors(found);
    if (Object.keys(found).length) {
      focusFirst(found);
      return;
    }
    try {
      const payment = await post.mutateAsync(body);
      onPosted({
        payment,
        patientName: source === 'patient' ? (patient?.name ?? null) : null,
        payerName: source === 'insurer' ? (payers.data?.find((p) => p.id === payerId)?.name ?? null) : null,
      });
    } catch (error) {
      if (isApiError(error) && error.code === 'duplicate_payment') {
        setErrors({ reference: t('payments.duplicateField') });
        setFormError({ title: t('payments.duplicateTitle'), message: error.message });
        focusFirst({ reference: '' });
        return;
      }
      const fieldErrors = isApiError(error) ? toErrors(error.fields, sent) : {};
      setErrors(fieldErrors);
      const known = new Set(['patientId', 'payerId', 'reference', 'amountCents', 'receivedOn', 'note', 'allocations']);
      const orphan = Object.entries(fieldErrors).filter(([key]) => !known.has(key) && !key.startsWith('line:'));
      if (!Object.keys(fieldErrors).length || orphan.length) {
        setFormError({ message: orphan.length ? orphan.map(([, m]) => m).join(' ') : errorMessage(error) });
      }
      focusFirst(fieldErrors);
    }
  };

  const focusFirst = (found: Record<string, string>) => {
    const first = Object.keys(found)[0];
    if (!first) return;
    const id = `payment-${first.replace(':', '-')}`;
    requestAnimationFrame(() => document.getElementById(id)?.focus());
  };

  const sourceOptions = [
    { value: 'patient', label: t('payments.sourcePatient') },
    { value: 'insurer', label: t('payments.sourceInsurer') },
  ];

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="md">
        <div>
          <Text size="sm" fw={500} mb={4} id="payment-source-label">
            {t('payments.source')}
          </Text>
          <SegmentedControl
            aria-labelledby="payment-source-label"
            data={sourceOptions}
            value={source}
            onChange={(value) => {
              const next = value as Source;
              setSource(next);
              setMethod(next === 'patient' ? 'card' : 'check');
              reset();
            }}
          />
        </div>

        {source === 'insurer' && (
          <Select
            id="payment-payerId"
            label={t('payments.payer')}
            placeholder={t('common.choose')}
            data={(payers.data ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: p.name }))}
            value={payerId}
            onChange={(value) => {
              setPayerId(value);
              reset();
            }}
            searchable
            required
            error={errors.payerId}
            nothingFoundMessage={t('common.nothingFound')}
          />
        )}

        {patient && !choosing ? (
          <Group gap="sm" align="center">
            <IconUser size={18} aria-hidden />
            <Text size="sm">
              {source === 'patient' ? t('payments.paidBy') : t('payments.forPatient')}{' '}
              <Text span fw={700}>
                {patient.name}
              </Text>
            </Text>
            {!prefill.lockPatient && (
              <Button variant="subtle" size="xs" onClick={() => setChoosing(true)}>
                {t('payments.changePatient')}
              </Button>
            )}
          </Group>
        ) : (
          <div id="payment-patientId" tabIndex={-1}>
            <PatientPicker
              value={patient?.id ?? null}
              onChange={(id, name) => {
                setPatient({ id, name });
                setChoosing(false);
                reset();
              }}
            />
            {errors.patientId && (
              <Text size="sm" c="red.8" mt={4} role="alert">
                {errors.patientId}
              </Text>
            )}
            {source === 'insurer' && (
              <Text size="xs" c="dimmed" mt={4}>
                {t('payments.insurerPatientHint')}
              </Text>
            )}
          </div>
        )}

        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Select
            id="payment-method"
            label={t('payments.method')}
            data={METHODS[source].map((m) => ({ value: m, label: t(`payments.method.${m}`) }))}
            value={method}
            onChange={(value) => value && setMethod(value as Method)}
            allowDeselect={false}
            error={errors.method}
          />
          <TextInput
            id="payment-reference"
            label={t(REFERENCE_LABEL[method])}
            description={method === 'cash' ? t('payments.referenceCashHint') : undefined}
            required={method === 'check' || method === 'eft'}
            value={reference}
            onChange={(event) => {
              setReference(event.currentTarget.value);
              setErrors(({ reference: _, ...rest }) => rest);
            }}
            error={errors.reference}
            autoComplete="off"
          />
          <MoneyInput
            id="payment-amountCents"
            currency={clinic.currency}
            label={t('payments.amount')}
            required
            value={amount}
            onChange={(value) => {
              setAmount(value);
              setErrors(({ amountCents: _, allocations: __, ...rest }) => rest);
            }}
            error={errors.amountCents}
          />
          <DateField
            id="payment-receivedOn"
            label={t('payments.receivedOn')}
            required
            value={receivedOn}
            onChange={setReceivedOn}
            error={errors.receivedOn}
          />
        </SimpleGrid>
        <TextInput
          id="payment-note"
          label={t('payments.note')}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={errors.note}
        />

        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="payment-allocations-title">
          <Group justify="space-between" align="flex-start" mb="xs" gap="sm">
            <div>
              <Title order={3} fz="md" id="payment-allocations-title">
                {t('payments.allocations')}
              </Title>
              <Text size="xs" c="dimmed">
                {source === 'patient' ? t('payments.allocationsHintPatient') : t('payments.allocationsHintInsurer')}
              </Text>
            </div>
            {manual && (
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconArrowsSort size={14} aria-hidden />}
                onClick={() => setManual(null)}
              >
                {t('payments.reallocate')}
              </Button>
            )}
          </Group>
          {!patient ? (
            <Text size="sm" c="dimmed">
              {t('payments.choosePatientFirst')}
            </Text>
          ) : balance.isPending ? (
            <Loading />
          ) : balance.isError ? (
            <Text size="sm" c="red.8">
              {errorMessage(balance.error)}
            </Text>
          ) : open.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="no-open-charges">
              {source === 'patient' ? t('payments.nothingOwedPatient') : t('payments.nothingOwedInsurer')}
            </Text>
          ) : (
            <Table fz="sm" verticalSpacing={6} aria-label={t('payments.allocations')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('payments.lineDate')}</Table.Th>
                  <Table.Th>{t('payments.lineService')}</Table.Th>
                  <Table.Th ta="right">{t('payments.lineOwed')}</Table.Th>
                  <Table.Th ta="right" w={160}>
                    {t('payments.lineApply')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {open.map((line) => (
                  <Table.Tr key={line.chargeId}>
                    <Table.Td>{formatDate(line.serviceDate)}</Table.Td>
                    <Table.Td>
                      <Text span size="sm" ff="monospace" fw={600}>
                        {line.code}
                      </Text>{' '}
                      <Text span size="xs" c="dimmed">
                        {line.description}
                      </Text>
                      {invoiceCharges.has(line.chargeId) && (
                        <Text span size="xs" c="tend.9" fw={600} ml={6}>
                          {t('payments.onInvoice', { number: prefill.invoice?.number ?? '' })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money cents={owed(line, source)} />
                    </Table.Td>
                    <Table.Td>
                      <MoneyInput
                        id={`payment-line-${line.chargeId}`}
                        currency={clinic.currency}
                        size="xs"
                        aria-label={t('payments.applyTo', { code: line.code, date: formatDate(line.serviceDate) })}
                        value={lineValue(line.chargeId)}
                        onChange={(value) => editLine(line.chargeId, value)}
                        error={errors[`line:${line.chargeId}`]}
                        styles={{ input: { textAlign: 'right' } }}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group justify="flex-end" gap="lg" mt="sm" data-testid="allocation-summary">
            <Text size="sm">
              {t('payments.allocated')}{' '}
              <Text span fw={700}>
                {format(allocated)}
              </Text>
            </Text>
            <Text size="sm" c={credit < 0 ? 'red.8' : undefined}>
              {credit < 0 ? t('payments.overBy') : t('payments.credit')}{' '}
              <Text span fw={700}>
                {format(Math.abs(credit))}
              </Text>
            </Text>
          </Group>
          {errors.allocations && (
            <Text size="sm" c="red.8" ta="right" role="alert">
              {errors.allocations}
            </Text>
          )}
        </Paper>

        {formError?.title ? (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={formError.title}
            role="alert"
          >
            {formError.message}
          </Alert>
        ) : null}
        <FormFooter
          error={formError && !formError.title ? formError.message : null}
          pending={post.isPending}
          onCancel={onCancel}
          submitLabel={
            amountCents
              ? t('payments.postAmount', { amount: formatCents(amountCents, clinic.currency) })
              : t('payments.post')
          }
        />
      </Stack>
    </form>
  );
}
