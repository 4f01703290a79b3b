import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconAlertOctagon, IconCircleCheck, IconPlus, IconX } from '@tabler/icons-react';
import { ALLERGY_SEVERITIES, type Allergy, type Medication, t } from '@tend/domain';
import { type FormEvent, type ReactNode, useState } from 'react';
import { isApiError } from '../api/client';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { errorMessage, notifySuccess } from '../components/notify';
import { useChart, useChartEntry, usePatientVitals } from './api';
import { TrendCharts } from './TrendChart';

/** Active allergies at the top of the visit, red; or, as plainly, that none are known. */
export function AllergyBanner({ patientId }: { patientId: string }) {
  const chart = useChart(patientId);
  if (!chart.data) return null;
  const active = chart.data.allergies.filter((a) => a.active);
  if (active.length === 0) {
    return (
      <Group gap={6} mt="sm" aria-label={t('visit.allergies')}>
        <IconCircleCheck size={16} color="var(--mantine-color-green-8)" aria-hidden />
        <Text size="sm" fw={600} c="green.9">
          {t('visit.noKnownAllergies')}
        </Text>
      </Group>
    );
  }
  return (
    <Alert
      mt="sm"
      color="red"
      variant="filled"
      radius="md"
      py={8}
      icon={<IconAlertOctagon aria-hidden />}
      title={t('visit.allergiesCount', { count: active.length })}
      role="note"
      aria-label={t('visit.allergies')}
    >
      {active
        .map((a) =>
          [a.substance, a.reaction, a.severity !== 'unknown' ? t(`visit.severity.${a.severity}`) : '']
            .filter(Boolean)
            .join(' – '),
        )
        .join(' · ')}
    </Alert>
  );
}

function ColumnCard({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={id}>
      <Title order={2} fz="md" id={id} mb="xs">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** The chart beside the note: allergies, the problem list, medications and the trends. */
export function ChartColumn({ patientId, canEdit }: { patientId: string; canEdit: boolean }) {
  const chart = useChart(patientId);
  const vitals = usePatientVitals(patientId);
  const allergies = (chart.data?.allergies ?? []).filter((a) => a.active);
  const medications = (chart.data?.medications ?? []).filter((m) => m.active);
  const problems = (chart.data?.problems ?? []).filter((p) => p.status === 'active');
  return (
    <Stack gap="md">
      <ColumnCard title={t('visit.allergies')} id="chart-allergies">
        <Stack gap={6}>
          {allergies.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('visit.noKnownAllergies')}
            </Text>
          )}
          {allergies.map((allergy) => (
            <EntryRow
              key={allergy.id}
              patientId={patientId}
              kind="allergies"
              entry={allergy}
              canEdit={canEdit}
              title={allergy.substance}
              detail={[allergy.reaction, allergy.severity !== 'unknown' ? t(`visit.severity.${allergy.severity}`) : '']
                .filter(Boolean)
                .join(', ')}
              danger
            />
          ))}
          {canEdit && <AllergyForm patientId={patientId} />}
        </Stack>
      </ColumnCard>
      <ColumnCard title={t('visit.problems')} id="chart-problems">
        {problems.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('visit.noProblems')}
          </Text>
        ) : (
          <Stack gap={4}>
            {problems.map((problem) => (
              <Group key={problem.id} gap={8} wrap="nowrap" align="baseline">
                <Badge variant="light" color="gray" radius="sm" ff="monospace" style={{ flexShrink: 0 }}>
                  {problem.code}
                </Badge>
                <Text size="sm">{problem.description}</Text>
              </Group>
            ))}
          </Stack>
        )}
      </ColumnCard>
      <ColumnCard title={t('visit.medications')} id="chart-medications">
        <Stack gap={6}>
          {medications.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('visit.noMedications')}
            </Text>
          )}
          {medications.map((medication) => (
            <EntryRow
              key={medication.id}
              patientId={patientId}
              kind="medications"
              entry={medication}
              canEdit={canEdit}
              title={medication.name}
              detail={medication.dose}
            />
          ))}
          {canEdit && <MedicationForm patientId={patientId} />}
        </Stack>
      </ColumnCard>
      <ColumnCard title={t('visit.trends')} id="chart-trends">
        <TrendCharts vitals={vitals.data ?? []} />
      </ColumnCard>
    </Stack>
  );
}

function EntryRow({
  patientId,
  kind,
  entry,
  canEdit,
  title,
  detail,
  danger,
}: {
  patientId: string;
  kind: 'allergies' | 'medications';
  entry: Allergy | Medication;
  canEdit: boolean;
  title: string;
  detail: string;
  danger?: boolean;
}) {
  const save = useChartEntry(patientId, kind);
  const [asking, setAsking] = useState(false);
  const label =
    kind === 'allergies' ? t('visit.allergyRemove', { name: title }) : t('visit.medicationStop', { name: title });
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
      <div>
        <Text size="sm" fw={600} c={danger ? 'red.9' : undefined}>
          {title}
        </Text>
        {detail && (
          <Text size="xs" c="dimmed">
            {detail}
          </Text>
        )}
      </div>
      {canEdit && (
        <Tooltip label={label}>
          <ActionIcon variant="subtle" color="gray" size="sm" aria-label={label} onClick={() => setAsking(true)}>
            <IconX size={14} aria-hidden />
          </ActionIcon>
        </Tooltip>
      )}
      <ConfirmDialog
        opened={asking}
        onClose={() => setAsking(false)}
        title={label}
        confirmLabel={kind === 'allergies' ? t('visit.allergyRemoveConfirm') : t('visit.medicationStopConfirm')}
        danger
        onConfirm={() => save.mutateAsync({ id: entry.id, body: { active: false } })}
      >
        {kind === 'allergies' ? t('visit.allergyRemoveBody') : t('visit.medicationStopBody')}
      </ConfirmDialog>
    </Group>
  );
}

/**
 * An "Add …" link that opens a small form; saving shows the server's message on the first field
 * (`error`) or, once saved, a confirmation and closes it (the fields are the caller's).
 */
function InlineEntryForm({
  addLabel,
  saveLabel,
  pending,
  onSave,
  children,
}: {
  addLabel: string;
  saveLabel: string;
  pending: boolean;
  /** Saves and returns the confirmation to show. */
  onSave: () => Promise<string>;
  children: (error: string | null) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <Button
        variant="subtle"
        size="xs"
        leftSection={<IconPlus size={14} aria-hidden />}
        onClick={() => setOpen(true)}
        w="fit-content"
      >
        {addLabel}
      </Button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      notifySuccess(await onSave());
      setOpen(false);
    } catch (caught) {
      setError(isApiError(caught) && caught.fields.length ? caught.fields[0].message : errorMessage(caught));
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap={6}>
        {children(error)}
        <Group gap="xs" justify="flex-end">
          <Button size="xs" variant="default" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </Button>
          <Button size="xs" type="submit" loading={pending}>
            {saveLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AllergyForm({ patientId }: { patientId: string }) {
  const save = useChartEntry(patientId, 'allergies');
  const [substance, setSubstance] = useState('');
  const [reaction, setReaction] = useState('');
  const [severity, setSeverity] = useState<string>('unknown');
  return (
    <InlineEntryForm
      addLabel={t('visit.allergyAdd')}
      saveLabel={t('visit.allergySave')}
      pending={save.isPending}
      onSave={async () => {
        await save.mutateAsync({ body: { substance, reaction, severity } });
        setSubstance('');
        setReaction('');
        setSeverity('unknown');
        return t('visit.allergyAdded', { name: substance.trim() });
      }}
    >
      {(error) => (
        <>
          <TextInput
            size="xs"
            label={t('visit.allergySubstance')}
            value={substance}
            onChange={(e) => setSubstance(e.currentTarget.value)}
            error={error}
            data-autofocus
            required
          />
          <TextInput
            size="xs"
            label={t('visit.allergyReaction')}
            value={reaction}
            onChange={(e) => setReaction(e.currentTarget.value)}
          />
          <Select
            size="xs"
            label={t('visit.allergySeverity')}
            data={ALLERGY_SEVERITIES.map((s) => ({ value: s, label: t(`visit.severity.${s}`) }))}
            value={severity}
            onChange={(value) => setSeverity(value ?? 'unknown')}
            allowDeselect={false}
          />
        </>
      )}
    </InlineEntryForm>
  );
}

function MedicationForm({ patientId }: { patientId: string }) {
  const save = useChartEntry(patientId, 'medications');
  const [name, setName] = useState('');
  const [dose, setDose] = useState('');
  return (
    <InlineEntryForm
      addLabel={t('visit.medicationAdd')}
      saveLabel={t('visit.medicationSave')}
      pending={save.isPending}
      onSave={async () => {
        await save.mutateAsync({ body: { name, dose } });
        setName('');
        setDose('');
        return t('visit.medicationAdded', { name: name.trim() });
      }}
    >
      {(error) => (
        <>
          <TextInput
            size="xs"
            label={t('visit.medicationName')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error}
            data-autofocus
            required
          />
          <TextInput
            size="xs"
            label={t('visit.medicationDose')}
            placeholder={t('visit.medicationDoseExample')}
            value={dose}
            onChange={(e) => setDose(e.currentTarget.value)}
          />
        </>
      )}
    </InlineEntryForm>
  );
}
