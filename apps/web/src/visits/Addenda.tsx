import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Timeline,
} from '@mantine/core';
import { IconAlertTriangle, IconFilePlus, IconTrash } from '@tabler/icons-react';
import { type Encounter, formatCents, type Service, t } from '@tend/domain';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../api/client';
import { formatDateTime } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { useAddAddendum, useCharges } from './api';
import { DiagnosisPicker, PointerPicker } from './CodesSections';
import { Section } from './Section';

/** Corrections after signing, under the original note: who, when, why, what changed. */
export function AddendaList({ encounter, timezone }: { encounter: Encounter; timezone: string }) {
  if (encounter.addenda.length === 0) return null;
  return (
    <Section id="visit-addenda" title={t('visit.addenda')} description={t('visit.addendaHint')}>
      <Timeline bulletSize={14} lineWidth={2} active={encounter.addenda.length}>
        {encounter.addenda.map((addendum) => {
          const diagnoses = encounter.diagnoses.filter((d) => d.addendumId === addendum.id);
          const added = encounter.services.filter((l) => l.addedByAddendumId === addendum.id);
          const removed = encounter.services.filter((l) => l.removedByAddendumId === addendum.id);
          return (
            <Timeline.Item
              key={addendum.id}
              title={
                <Text size="sm" fw={700}>
                  {t('visit.addendumBy', {
                    author: addendum.authorName,
                    at: formatDateTime(addendum.createdAt, timezone),
                  })}
                </Text>
              }
            >
              <Text size="sm">
                <Text span fw={600}>
                  {t('visit.addendumReason')}:
                </Text>{' '}
                {addendum.reason}
              </Text>
              {addendum.text && (
                <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                  {addendum.text}
                </Text>
              )}
              <Group gap={6} mt={4}>
                {diagnoses.map((d) => (
                  <Badge key={d.code} variant="light" color="blue" size="sm">
                    + {d.code}
                  </Badge>
                ))}
                {added.map((l) => (
                  <Badge key={l.id} variant="light" color="teal" size="sm">
                    + {l.code}
                  </Badge>
                ))}
                {removed.map((l) => (
                  <Badge key={l.id} variant="light" color="red" size="sm">
                    − {l.code}
                  </Badge>
                ))}
              </Group>
            </Timeline.Item>
          );
        })}
      </Timeline>
    </Section>
  );
}

interface NewLine {
  key: number;
  serviceId: string;
  code: string;
  units: number;
  feeCents: number;
  diagnosisPointers: number[];
}

let lineKey = 0;

export function AddendumForm({
  encounter,
  services: catalogue,
  currency,
}: {
  encounter: Encounter;
  services: Service[];
  currency: string;
}) {
  const add = useAddAddendum(encounter.id);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  const [diagnoses, setDiagnoses] = useState<{ code: string; description: string }[]>([]);
  const [lines, setLines] = useState<NewLine[]>([]);
  const [remove, setRemove] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ reason?: string; text?: string; form?: string }>({});
  const existing = [...encounter.diagnoses].sort((a, b) => a.position - b.position);
  const all = [...existing, ...diagnoses];
  const billed = encounter.services.filter((l) => !l.removedByAddendumId);
  const active = catalogue.filter((s) => s.active);

  const reset = () => {
    setReason('');
    setText('');
    setDiagnoses([]);
    setLines([]);
    setRemove([]);
    setErrors({});
    setOpen(false);
  };

  if (!open) {
    return (
      <Paper withBorder radius="md" p="md">
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t('visit.addendumIntro')}
          </Text>
          <Button variant="light" leftSection={<IconFilePlus size={18} aria-hidden />} onClick={() => setOpen(true)}>
            {t('visit.addendumAdd')}
          </Button>
        </Group>
      </Paper>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await add.mutateAsync({
        reason,
        text,
        addDiagnoses: diagnoses.map((d) => ({ code: d.code, chronic: false })),
        addServices: lines.map((l) => ({
          serviceId: l.serviceId,
          units: l.units,
          diagnosisPointers: l.diagnosisPointers,
        })),
        removeServiceLineIds: remove,
      });
      notifySuccess(t('visit.addendumSaved'));
      reset();
    } catch (caught) {
      if (isApiError(caught) && caught.fields.length) {
        const next: typeof errors = {};
        for (const field of caught.fields) {
          if (field.path === 'reason') next.reason = field.message;
          else if (field.path === 'text') next.text = field.message;
          else next.form = [next.form, field.message].filter(Boolean).join(' ');
        }
        setErrors(next);
      } else setErrors({ form: errorMessage(caught) });
    }
  };

  return (
    <Section id="visit-addendum-form" title={t('visit.addendumAdd')} description={t('visit.addendumFormHint')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('visit.addendumReason')}
            placeholder={t('visit.addendumReasonExample')}
            required
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.reason}
            data-autofocus
          />
          <Textarea
            label={t('visit.addendumText')}
            autosize
            minRows={3}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={errors.text}
          />
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t('visit.addendumDiagnoses')}
            </Text>
            <Group gap={6} mb={6}>
              {diagnoses.map((d, i) => (
                <Badge
                  key={d.code}
                  variant="light"
                  rightSection={
                    <ActionIcon
                      size="xs"
                      variant="transparent"
                      aria-label={t('visit.removeNamed', { code: d.code })}
                      onClick={() => {
                        const position = existing.length + i + 1;
                        setDiagnoses(diagnoses.filter((_, j) => j !== i));
                        setLines(
                          lines.map((l) => ({
                            ...l,
                            diagnosisPointers: l.diagnosisPointers
                              .filter((p) => p !== position)
                              .map((p) => (p > position ? p - 1 : p)),
                          })),
                        );
                      }}
                    >
                      <IconTrash size={10} aria-hidden />
                    </ActionIcon>
                  }
                >
                  {d.code} {d.description}
                </Badge>
              ))}
            </Group>
            <DiagnosisPicker
              label={t('visit.addendumDiagnosisSearch')}
              taken={all.map((d) => d.code)}
              onPick={(code) => setDiagnoses([...diagnoses, code])}
            />
          </div>
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t('visit.addendumServices')}
            </Text>
            {lines.map((line, index) => (
              <Group key={line.key} gap="sm" mb={6} wrap="wrap" align="center">
                <Text size="sm" ff="monospace" fw={600} w={70}>
                  {line.code}
                </Text>
                <PointerPicker
                  diagnoses={all}
                  value={line.diagnosisPointers}
                  lineLabel={line.code}
                  onChange={(pointers) =>
                    setLines(lines.map((l, i) => (i === index ? { ...l, diagnosisPointers: pointers } : l)))
                  }
                />
                <NumberInput
                  size="xs"
                  w={70}
                  min={1}
                  max={99}
                  allowDecimal={false}
                  aria-label={t('visit.unitsFor', { service: line.code })}
                  value={line.units}
                  onChange={(value) => {
                    const units = Number(value);
                    if (Number.isInteger(units) && units >= 1)
                      setLines(lines.map((l, i) => (i === index ? { ...l, units } : l)));
                  }}
                />
                <Text size="sm">{formatCents(line.units * line.feeCents, currency)}</Text>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('visit.removeNamed', { code: line.code })}
                  onClick={() => setLines(lines.filter((_, i) => i !== index))}
                >
                  <IconTrash size={16} aria-hidden />
                </ActionIcon>
              </Group>
            ))}
            <Select
              label={t('visit.serviceAdd')}
              placeholder={t('visit.servicePick')}
              data={active.map((s) => ({
                value: s.id,
                label: `${s.code} — ${s.description} (${formatCents(s.feeCents, currency)})`,
              }))}
              searchable
              value={null}
              disabled={all.length === 0}
              onChange={(value) => {
                const service = active.find((s) => s.id === value);
                if (!service) return;
                lineKey += 1;
                setLines([
                  ...lines,
                  {
                    key: lineKey,
                    serviceId: service.id,
                    code: service.code,
                    units: service.defaultUnits,
                    feeCents: service.feeCents,
                    diagnosisPointers: [1],
                  },
                ]);
              }}
            />
          </div>
          {billed.length > 0 && (
            <div>
              <Text size="sm" fw={600} mb={4}>
                {t('visit.addendumRemove')}
              </Text>
              <Stack gap={4}>
                {billed.map((line) => (
                  <Checkbox
                    key={line.id}
                    label={`${line.code} — ${line.description} (${formatCents(line.units * line.feeCents, currency)})`}
                    checked={remove.includes(line.id)}
                    onChange={(e) =>
                      setRemove(e.currentTarget.checked ? [...remove, line.id] : remove.filter((id) => id !== line.id))
                    }
                  />
                ))}
              </Stack>
            </div>
          )}
          {errors.form && (
            <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
              {errors.form}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={reset}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending}>
              {t('visit.addendumSave')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/** The charges signing (and addenda) made; voided ones stay, struck through, with the reason. */
export function VisitCharges({ encounterId, currency }: { encounterId: string; currency: string }) {
  const charges = useCharges({ encounterId });
  const rows = charges.data ?? [];
  return (
    <Section id="visit-charges" title={t('visit.charges')} description={t('visit.chargesHint')}>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {charges.isPending ? t('common.loading') : t('visit.chargesNone')}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={6} aria-label={t('visit.charges')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('visit.serviceCode')}</Table.Th>
              <Table.Th>{t('visit.serviceDescription')}</Table.Th>
              <Table.Th>{t('charges.diagnoses')}</Table.Th>
              <Table.Th ta="right">{t('visit.units')}</Table.Th>
              <Table.Th ta="right">{t('charges.amount')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((charge) => (
              <Table.Tr key={charge.id} c={charge.status === 'void' ? 'dimmed' : undefined}>
                <Table.Td ff="monospace" fw={600}>
                  {charge.code}
                </Table.Td>
                <Table.Td>{charge.description}</Table.Td>
                <Table.Td ff="monospace">{charge.diagnosisCodes.join(', ')}</Table.Td>
                <Table.Td ta="right">{charge.units}</Table.Td>
                <Table.Td ta="right" td={charge.status === 'void' ? 'line-through' : undefined}>
                  {formatCents(charge.amountCents, currency)}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" size="sm" color={charge.status === 'void' ? 'red' : 'green'}>
                    {charge.status === 'void' ? t('charges.void') : t('charges.statusOpen')}
                  </Badge>
                  {charge.voidReason && (
                    <Text size="xs" c="dimmed">
                      {charge.voidReason}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
