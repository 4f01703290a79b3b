import { Alert, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCopy } from '@tabler/icons-react';
import { type Claim, formatCents, parseMoneyToCents, t } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { FormFooter } from '../components/FormFooter';
import { MoneyInput } from '../components/MoneyInput';
import { errorMessage, notifySuccess } from '../components/notify';
import { useClaimAction } from './api';
import { eobLine } from './eob';
import { statusLabel } from './shared';

interface LineValues {
  claimLineId: string;
  include: boolean;
  allowed: string;
  paid: string;
  patient: string;
  denied: boolean;
  reasonCode: string;
}

type Errors = Record<string, string>;

const toDollars = (cents: number) => (cents / 100).toFixed(2);

/** "50" → "50.00" when the field is left; anything not an amount stays as typed (and is flagged on Post). */
function tidy(value: string): string {
  const cents = value.trim() ? parseMoneyToCents(value) : null;
  return cents === null ? value : toDollars(cents);
}

/**
 * The insurer's EOB for this claim, line by line: what it allowed and paid, the patient's
 * responsibility, denials with their reason codes; the contractual write-off each line leaves.
 */
export function RemittanceModal({ claim, onClose }: { claim: Claim; onClose: () => void }) {
  const { clinic, today } = useSession();
  const action = useClaimAction(claim.id);
  const money = (value: number) => formatCents(value, clinic.currency);
  const allPosted = claim.lines.every((line) => line.adjudication === 'paid');
  const [reference, setReference] = useState('');
  const [method, setMethod] = useState<'check' | 'eft' | 'other'>('check');
  const [receivedOn, setReceivedOn] = useState(today());
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<LineValues[]>(() =>
    claim.lines.map((line) => ({
      claimLineId: line.id,
      include: allPosted || line.adjudication !== 'paid',
      allowed: line.allowedCents === null ? '' : toDollars(line.allowedCents),
      paid: '',
      patient: '',
      denied: false,
      reasonCode: '',
    })),
  );
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState<string | null>(null);

  const set = (index: number, change: Partial<LineValues>) => {
    setLines((current) => current.map((line, i) => (i === index ? { ...line, ...change } : line)));
    // A corrected line loses its old messages (they are checked again on Post).
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith(`${index}.`))));
  };

  /** Per line: the amounts as cents, the write-off it leaves, and what stays owed under a contract. */
  const computed = claim.lines.map((line, index) => {
    const values = lines[index];
    const figures = eobLine({
      billedCents: line.chargeCents,
      contractCents: line.allowedCents,
      allowed: values.allowed,
      paid: values.paid,
      patient: values.patient,
      denied: values.denied,
    });
    return {
      line,
      values,
      paid: figures.paidCents,
      patient: figures.patientCents,
      allowed: figures.allowedCents,
      writeOff: values.include ? figures.writeOffCents : 0,
      underpaid: values.include ? figures.underpaidCents : 0,
    };
  });
  const included = computed.filter((c) => c.values.include);
  const sum = (pick: (c: (typeof computed)[number]) => number | null) =>
    included.reduce((total, c) => total + (pick(c) ?? 0), 0);

  const validate = (): Errors => {
    const found: Errors = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(receivedOn)) found.receivedOn = t('validation.date');
    if (included.length === 0) found.form = t('claims.eobNoLines');
    computed.forEach((c, index) => {
      if (!c.values.include) return;
      if (c.paid === null) found[`${index}.paid`] = t('validation.money');
      if (c.patient === null) found[`${index}.patient`] = t('validation.money');
      if (c.allowed === null && c.values.allowed.trim() !== '') found[`${index}.allowed`] = t('validation.money');
      if (c.paid !== null && c.patient !== null && c.paid + c.patient > c.line.chargeCents) {
        found[`${index}.paid`] = t('claims.eobOverBilled', { billed: money(c.line.chargeCents) });
      }
      if (c.values.denied && c.paid) found[`${index}.paid`] = t('claims.eobDeniedPaid');
    });
    return found;
  };

  const save = async () => {
    setError(null);
    setDuplicate(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) {
      if (found.form) setError(found.form);
      return;
    }
    const sent = computed.map((c, index) => ({ c, index })).filter(({ c }) => c.values.include);
    try {
      const saved = await action.mutateAsync({
        kind: 'remittance',
        body: {
          reference: reference.trim() || null,
          method,
          receivedOn,
          note: note.trim() || null,
          lines: sent.map(({ c }) => ({
            claimLineId: c.line.id,
            paidCents: c.paid ?? 0,
            patientCents: c.patient ?? 0,
            denied: c.values.denied,
            reasonCode: c.values.reasonCode.trim() || null,
          })),
        },
      });
      notifySuccess(t('claims.eobPosted', { number: saved.number, status: statusLabel(saved.status) }));
      onClose();
    } catch (caught) {
      if (isApiError(caught) && caught.status === 409 && caught.fields.some((f) => f.path === 'reference')) {
        setDuplicate(caught.message);
        setErrors({ reference: caught.fields.find((f) => f.path === 'reference')?.message ?? caught.message });
        return;
      }
      if (isApiError(caught) && caught.fields.length) {
        const byField: Errors = {};
        const rest: string[] = [];
        for (const field of caught.fields) {
          const match = /^lines\.(\d+)(?:\.(\w+))?$/.exec(field.path);
          if (match) {
            const row = sent[Number(match[1])]?.index ?? 0;
            const where = match[2] === 'patientCents' ? 'patient' : 'paid';
            byField[`${row}.${where}`] = field.message;
          } else if (['reference', 'receivedOn', 'note'].includes(field.path)) {
            byField[field.path] = field.message;
          } else {
            rest.push(field.message);
          }
        }
        setErrors(byField);
        setError(rest.length ? rest.join(' ') : null);
        return;
      }
      setError(errorMessage(caught));
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('claims.eobTitle', { number: claim.number })} size={1180}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('claims.eobHint', { payer: claim.payerName })}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="md">
            <TextInput
              label={t('claims.eobReference')}
              description={t('claims.eobReferenceHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              value={reference}
              onChange={(event) => {
                setReference(event.currentTarget.value);
                setErrors(({ reference: _, ...rest }) => rest);
                setDuplicate(null);
              }}
              error={errors.reference}
              maxLength={80}
              data-autofocus
            />
            <Select
              label={t('claims.eobMethod')}
              value={method}
              onChange={(value) => setMethod((value as typeof method) ?? 'check')}
              allowDeselect={false}
              data={[
                { value: 'check', label: t('claims.method.check') },
                { value: 'eft', label: t('claims.method.eft') },
                { value: 'other', label: t('claims.method.other') },
              ]}
            />
            <DateField
              label={t('claims.eobReceived')}
              value={receivedOn}
              onChange={setReceivedOn}
              error={errors.receivedOn}
              required
            />
            <TextInput
              label={t('claims.eobNote')}
              value={note}
              onChange={(event) => setNote(event.currentTarget.value)}
              error={errors.note}
              maxLength={500}
            />
          </SimpleGrid>
          {duplicate && (
            <Alert color="red" variant="light" icon={<IconCopy aria-hidden />} title={t('claims.eobDuplicate')}>
              {duplicate}
            </Alert>
          )}
          <Table.ScrollContainer minWidth={1080}>
            <Table fz="sm" verticalSpacing={6} aria-label={t('claims.eobLines')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={52}>{t('claims.eobInclude')}</Table.Th>
                  <Table.Th>{t('claims.eobLine')}</Table.Th>
                  <Table.Th ta="right">{t('claims.billed')}</Table.Th>
                  <Table.Th>{t('claims.allowed')}</Table.Th>
                  <Table.Th>{t('claims.paid')}</Table.Th>
                  <Table.Th>{t('claims.patientResp')}</Table.Th>
                  <Table.Th>{t('claims.denied')}</Table.Th>
                  <Table.Th>{t('claims.reasonCode')}</Table.Th>
                  <Table.Th ta="right">{t('claims.writeOff')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {computed.map((c, index) => {
                  const n = c.line.lineNumber;
                  const off = !c.values.include;
                  return (
                    <Table.Tr key={c.line.id} style={{ verticalAlign: 'top' }}>
                      <Table.Td pt={14}>
                        <Checkbox
                          aria-label={t('claims.eobIncludeLine', { n, code: c.line.code })}
                          checked={c.values.include}
                          onChange={(event) => set(index, { include: event.currentTarget.checked })}
                        />
                      </Table.Td>
                      <Table.Td pt={10}>
                        <Text size="sm" fw={700} ff="monospace">
                          {n}. {c.line.code}
                          {c.line.modifiers.length ? `-${c.line.modifiers.join('-')}` : ''}
                        </Text>
                        <Text size="xs" c="dimmed" maw={180} lineClamp={2}>
                          {c.line.adjudication === 'paid' ? t('claims.eobPostedBefore') : c.line.description}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right" pt={14} fw={600}>
                        {money(c.line.chargeCents)}
                      </Table.Td>
                      <Table.Td w={130}>
                        <MoneyInput
                          currency={clinic.currency}
                          aria-label={t('claims.allowedFor', { n })}
                          value={c.values.allowed}
                          onChange={(allowed) => set(index, { allowed })}
                          onBlur={() =>
                            tidy(c.values.allowed) !== c.values.allowed &&
                            set(index, { allowed: tidy(c.values.allowed) })
                          }
                          error={errors[`${index}.allowed`]}
                          disabled={off || c.values.denied}
                          size="sm"
                        />
                        <Text size="xs" c="dimmed" mt={2}>
                          {c.line.allowedCents === null ? t('claims.noContract') : t('claims.contracted')}
                        </Text>
                      </Table.Td>
                      <Table.Td w={150}>
                        <MoneyInput
                          currency={clinic.currency}
                          aria-label={t('claims.paidFor', { n })}
                          value={c.values.paid}
                          onChange={(paid) => set(index, { paid })}
                          onBlur={() =>
                            tidy(c.values.paid) !== c.values.paid && set(index, { paid: tidy(c.values.paid) })
                          }
                          error={errors[`${index}.paid`]}
                          disabled={off || c.values.denied}
                          size="sm"
                        />
                      </Table.Td>
                      <Table.Td w={150}>
                        <MoneyInput
                          currency={clinic.currency}
                          aria-label={t('claims.patientFor', { n })}
                          value={c.values.patient}
                          onChange={(patient) => set(index, { patient })}
                          onBlur={() =>
                            tidy(c.values.patient) !== c.values.patient &&
                            set(index, { patient: tidy(c.values.patient) })
                          }
                          error={errors[`${index}.patient`]}
                          disabled={off}
                          size="sm"
                        />
                      </Table.Td>
                      <Table.Td pt={14}>
                        <Checkbox
                          aria-label={t('claims.deniedFor', { n })}
                          checked={c.values.denied}
                          disabled={off}
                          onChange={(event) =>
                            set(index, {
                              denied: event.currentTarget.checked,
                              paid: event.currentTarget.checked ? '' : c.values.paid,
                            })
                          }
                        />
                      </Table.Td>
                      <Table.Td w={120}>
                        <TextInput
                          aria-label={t('claims.reasonFor', { n })}
                          placeholder="CO-45"
                          value={c.values.reasonCode}
                          onChange={(event) => set(index, { reasonCode: event.currentTarget.value.toUpperCase() })}
                          disabled={off}
                          maxLength={40}
                          size="sm"
                        />
                      </Table.Td>
                      <Table.Td ta="right" pt={14} data-testid={`write-off-${n}`}>
                        {off ? '—' : c.values.denied ? t('claims.eobDeniedNone') : money(c.writeOff)}
                        {c.underpaid > 0 && (
                          <Text size="xs" c="var(--mantine-color-orange-light-color)" mt={2} maw={160} ml="auto">
                            {t('claims.eobUnderpaid', { amount: money(c.underpaid) })}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                <Table.Tr>
                  <Table.Td />
                  <Table.Td fw={700}>{t('claims.total')}</Table.Td>
                  <Table.Td ta="right" fw={700}>
                    {money(included.reduce((total, c) => total + c.line.chargeCents, 0))}
                  </Table.Td>
                  <Table.Td fw={700} pl="md">
                    {included.some((c) => c.allowed !== null) ? money(sum((c) => c.allowed)) : '—'}
                  </Table.Td>
                  <Table.Td fw={700} pl="md" data-testid="eob-total-paid">
                    {money(sum((c) => c.paid))}
                  </Table.Td>
                  <Table.Td fw={700} pl="md" data-testid="eob-total-patient">
                    {money(sum((c) => c.patient))}
                  </Table.Td>
                  <Table.Td />
                  <Table.Td />
                  <Table.Td ta="right" fw={700} data-testid="eob-total-write-off">
                    {money(sum((c) => c.writeOff))}
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <IconAlertTriangle size={16} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
            <Text size="xs" c="dimmed">
              {t('claims.eobExplain')}
            </Text>
          </Group>
          <FormFooter error={error} submitLabel={t('claims.eobPost')} pending={action.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
