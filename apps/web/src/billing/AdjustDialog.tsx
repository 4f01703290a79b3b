import {
  Alert,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { type ChargeBalance, type MessageKey, parseMoneyToCents, t } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { FormError } from '../components/FormFooter';
import { formatDate } from '../components/format';
import { MoneyInput } from '../components/MoneyInput';
import { errorMessage, notifySuccess } from '../components/notify';
import { usePostAdjustment, useReverseAdjustment } from './api';
import { useMoney } from './shared';

type Kind = 'contractual' | 'discount' | 'bad_debt' | 'correction' | 'transfer';
type Side = 'insurer' | 'patient';

const KINDS: { value: Kind; label: MessageKey }[] = [
  { value: 'contractual', label: 'adjust.kind.contractual' },
  { value: 'discount', label: 'adjust.kind.discount' },
  { value: 'bad_debt', label: 'adjust.kind.bad_debt' },
  { value: 'correction', label: 'adjust.kind.correction' },
  { value: 'transfer', label: 'adjust.kind.transfer' },
];

/**
 * Lowers what one side owes on a charge (a write-off, a discount, bad debt, a correction) or moves
 * it to the other side (the insurer denied it: the patient owes it). An adjustment posted by
 * mistake is reversed here at once; nothing is ever deleted.
 */
export function AdjustDialog({ charge, onClose }: { charge: ChargeBalance | null; onClose: () => void }) {
  return (
    <Modal opened={charge !== null} onClose={onClose} title={t('adjust.title')} size="lg">
      {charge && <AdjustForm key={charge.chargeId} charge={charge} onClose={onClose} />}
    </Modal>
  );
}

function AdjustForm({ charge, onClose }: { charge: ChargeBalance; onClose: () => void }) {
  const { clinic } = useSession();
  const money = useMoney();
  const post = usePostAdjustment();
  const reverse = useReverseAdjustment();
  const [kind, setKind] = useState<Kind>(charge.insurerBalanceCents > 0 ? 'contractual' : 'discount');
  const [side, setSide] = useState<Side>(charge.insurerBalanceCents > 0 ? 'insurer' : 'patient');
  const owed = side === 'insurer' ? charge.insurerBalanceCents : charge.patientBalanceCents;
  const [amount, setAmount] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<{ id: string | null; text: string } | null>(null);
  const [undoReason, setUndoReason] = useState('');
  const [undone, setUndone] = useState(false);
  const shown = amount ?? (owed > 0 ? (owed / 100).toFixed(2) : '');

  const submit = async () => {
    setFormError(null);
    const cents = parseMoneyToCents(shown);
    const found: Record<string, string> = {};
    if (!cents) found.amountCents = t('validation.positiveAmount');
    else if (cents > owed) found.amountCents = t('adjust.tooMuch', { amount: money(owed) });
    if (!reason.trim()) found.reason = t('validation.required');
    setErrors(found);
    if (Object.keys(found).length || !cents) return;
    try {
      const result = await post.mutateAsync(
        kind === 'transfer'
          ? {
              transfer: true,
              body: { chargeId: charge.chargeId, from: side, amountCents: cents, reason: reason.trim() },
            }
          : {
              transfer: false,
              body: {
                chargeId: charge.chargeId,
                responsibility: side,
                kind,
                amountCents: cents,
                reason: reason.trim(),
              },
            },
      );
      const text =
        kind === 'transfer'
          ? t(side === 'insurer' ? 'adjust.movedToPatient' : 'adjust.movedToInsurer', { amount: money(cents) })
          : t('adjust.posted', { amount: money(cents), kind: t(`adjust.kind.${kind}`) });
      notifySuccess(text);
      setDone({ id: result?.id ?? null, text });
    } catch (error) {
      if (isApiError(error) && error.fields.length) {
        const next: Record<string, string> = {};
        for (const field of error.fields) next[field.path === 'amountCents' ? 'amountCents' : 'form'] ??= field.message;
        setErrors(next);
        if (next.form) setFormError(next.form);
      } else {
        setFormError(errorMessage(error));
      }
    }
  };

  const undo = async () => {
    if (!done?.id) return;
    if (undoReason.trim().length < 3) {
      setErrors({ undo: t('payments.reverseReasonNeeded') });
      return;
    }
    try {
      await reverse.mutateAsync({ id: done.id, reason: undoReason.trim() });
      notifySuccess(t('adjust.reversed'));
      setUndone(true);
    } catch (error) {
      setErrors({ undo: errorMessage(error) });
    }
  };

  const header = (
    <Text size="sm">
      <Text span ff="monospace" fw={700}>
        {charge.code}
      </Text>{' '}
      {charge.description} · {formatDate(charge.serviceDate)}
      <br />
      <Text span c="dimmed" size="sm">
        {t('adjust.owed', { insurer: money(charge.insurerBalanceCents), patient: money(charge.patientBalanceCents) })}
      </Text>
    </Text>
  );

  if (done) {
    return (
      <Stack gap="md">
        {header}
        <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status">
          {undone ? t('adjust.reversed') : done.text}
        </Alert>
        {done.id && !undone && (
          <Group align="flex-end" gap="sm">
            <Textarea
              label={t('adjust.undoReason')}
              autosize
              minRows={1}
              value={undoReason}
              onChange={(event) => setUndoReason(event.currentTarget.value)}
              error={errors.undo}
              style={{ flex: 1 }}
            />
            <Button variant="subtle" color="red" onClick={() => void undo()} loading={reverse.isPending}>
              {t('adjust.undo')}
            </Button>
          </Group>
        )}
        <Group justify="flex-end">
          <Button onClick={onClose} data-autofocus>
            {t('common.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="md">
        {header}
        <Select
          label={t('adjust.kind')}
          data={KINDS.map((k) => ({ value: k.value, label: t(k.label) }))}
          value={kind}
          onChange={(value) => value && setKind(value as Kind)}
          allowDeselect={false}
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="adjust-side-label">
            {kind === 'transfer' ? t('adjust.from') : t('adjust.side')}
          </Text>
          <SegmentedControl
            aria-labelledby="adjust-side-label"
            value={side}
            onChange={(value) => {
              setSide(value as Side);
              setAmount(null);
            }}
            data={[
              { value: 'insurer', label: t('adjust.sideInsurer', { amount: money(charge.insurerBalanceCents) }) },
              { value: 'patient', label: t('adjust.sidePatient', { amount: money(charge.patientBalanceCents) }) },
            ]}
          />
        </div>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <MoneyInput
            currency={clinic.currency}
            label={t('adjust.amount')}
            required
            value={shown}
            onChange={(value) => {
              setAmount(value);
              setErrors(({ amountCents: _, ...rest }) => rest);
            }}
            error={errors.amountCents}
          />
        </SimpleGrid>
        <Textarea
          label={t('adjust.reason')}
          description={kind === 'transfer' ? t('adjust.reasonTransferHint') : t('adjust.reasonHint')}
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(event) => {
            setReason(event.currentTarget.value);
            setErrors(({ reason: _, ...rest }) => rest);
          }}
          error={errors.reason}
        />
        <FormError error={formError} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={post.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={post.isPending}>
            {kind === 'transfer' ? t('adjust.submitTransfer') : t('adjust.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
