import { Alert, Button, Group, SimpleGrid, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { borderlineFlags, type Encounter, t, toStoredVitals, type UnitSystem, type Vitals } from '@tend/domain';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { errorMessage, notifySuccess } from '../components/notify';
import { zoned } from '../schedule/time';
import { usePatientVitals, useRecordVitals } from './api';
import { Section } from './Section';
import {
  bmiFromInput,
  flagField,
  isFlagged,
  showHeight,
  showTemperature,
  showWeight,
  UNITS,
  unitSystemOf,
} from './units';

const FIELDS = [
  'systolic',
  'diastolic',
  'heartRate',
  'respiratoryRate',
  'temperature',
  'spo2',
  'height',
  'weight',
  'pain',
] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

/** Borderline readings: a dark amber that keeps 4.5:1 contrast on white and on orange-0. */
const FLAG = '#9a3b06';

const EMPTY: Values = {
  systolic: '',
  diastolic: '',
  heartRate: '',
  respiratoryRate: '',
  temperature: '',
  spo2: '',
  height: '',
  weight: '',
  pain: '',
};

const num = (value: string): number | null => {
  const trimmed = value.trim().replace(',', '.');
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : Number.NaN;
};

/** The API body: whole numbers as typed, temperature/height/weight with the clinic's units named. */
function toBody(values: Values, system: UnitSystem) {
  const units = UNITS[system];
  const measured = <U extends string>(value: string, unit: U) => {
    const n = num(value);
    return n === null ? undefined : { value: n, unit };
  };
  const whole = (value: string) => num(value) ?? undefined;
  return {
    systolic: whole(values.systolic),
    diastolic: whole(values.diastolic),
    heartRate: whole(values.heartRate),
    respiratoryRate: whole(values.respiratoryRate),
    temperature: measured(values.temperature, units.temperature),
    spo2: whole(values.spo2),
    height: measured(values.height, units.height),
    weight: measured(values.weight, units.weight),
    pain: whole(values.pain),
  };
}

/** The fields whose typed value is plausible but borderline (shown before saving). */
function liveFlags(values: Values, system: UnitSystem): Set<string> {
  const body = toBody(values, system);
  if (Object.values(body).some((v) => typeof v === 'number' && Number.isNaN(v))) return new Set();
  try {
    return new Set(borderlineFlags(toStoredVitals(body)).map(flagField));
  } catch {
    return new Set();
  }
}

export function VitalsSection({ encounter, canRecord }: { encounter: Encounter; canRecord: boolean }) {
  const { clinic } = useSession();
  const system = unitSystemOf(clinic);
  const units = UNITS[system];
  const vitals = usePatientVitals(encounter.patientId);
  const record = useRecordVitals(encounter.id, encounter.patientId);
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const thisVisit = (vitals.data ?? [])
    .filter((v) => v.encounterId === encounter.id)
    .sort((a, b) => b.takenAt.localeCompare(a.takenAt));
  const flags = liveFlags(values, system);
  const bmi = bmiFromInput(num(values.height), num(values.weight), system);

  const set = (field: Field) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    setErrors({});
    const body = toBody(values, system);
    const notNumbers = FIELDS.filter((field) => {
      const n = num(values[field]);
      return n !== null && Number.isNaN(n);
    });
    if (notNumbers.length) {
      setErrors(Object.fromEntries(notNumbers.map((field) => [field, t('visit.vitals.notNumber')])));
      return;
    }
    try {
      await record.mutateAsync(body);
      notifySuccess(t('visit.vitals.recorded'));
      setValues(EMPTY);
    } catch (caught) {
      if (isApiError(caught) && caught.fields.length) {
        const next: Partial<Record<Field, string>> = {};
        const leftovers: string[] = [];
        for (const field of caught.fields) {
          const name = field.path.split('.')[0] as Field;
          if ((FIELDS as readonly string[]).includes(name)) next[name] ??= field.message;
          else leftovers.push(field.message);
        }
        setErrors(next);
        if (leftovers.length) setFormError(leftovers.join(' '));
      } else {
        setFormError(errorMessage(caught));
      }
    }
  };

  const input = (field: Field, label: string, unit: string, width?: number) => {
    const flagged = flags.has(field) && !errors[field];
    return (
      <TextInput
        label={label}
        inputMode="decimal"
        autoComplete="off"
        value={values[field]}
        onChange={set(field)}
        error={errors[field]}
        rightSection={
          <Text size="xs" c="dimmed" aria-hidden>
            {unit}
          </Text>
        }
        rightSectionWidth={unit.length > 3 ? 52 : 40}
        description={flagged ? t('visit.vitals.borderline') : undefined}
        inputWrapperOrder={['label', 'input', 'description', 'error']}
        styles={
          flagged
            ? {
                input: { borderColor: 'var(--mantine-color-orange-6)', background: 'var(--mantine-color-orange-0)' },
                description: { color: FLAG, fontWeight: 600 },
              }
            : undefined
        }
        w={width}
      />
    );
  };

  return (
    <Section
      id="visit-vitals"
      title={t('visit.vitals')}
      description={system === 'us' ? t('visit.vitals.unitsUs') : t('visit.vitals.unitsMetric')}
    >
      {canRecord && (
        <form onSubmit={submit} noValidate aria-label={t('visit.vitals.record')}>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" verticalSpacing="xs">
            {input('systolic', t('visit.systolic'), 'mmHg')}
            {input('diastolic', t('visit.diastolic'), 'mmHg')}
            {input('heartRate', t('visit.heartRate'), '/min')}
            {input('respiratoryRate', t('visit.respiratoryRate'), '/min')}
            {input('temperature', t('visit.temperature'), `°${units.temperature}`)}
            {input('spo2', t('visit.spo2'), '%')}
            {input('height', t('visit.height'), units.height)}
            {input('weight', t('visit.weight'), units.weight)}
            <TextInput
              label={t('visit.bmi')}
              readOnly
              variant="filled"
              value={bmi === null ? '' : String(bmi)}
              placeholder={t('visit.vitals.bmiHint')}
              data-testid="vitals-bmi"
              styles={flags.has('bmi') ? { input: { color: FLAG, fontWeight: 700 } } : undefined}
            />
            {input('pain', t('visit.pain'), '0–10')}
          </SimpleGrid>
          {formError && (
            <Alert color="red" variant="light" mt="sm" icon={<IconAlertTriangle aria-hidden />} role="alert">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end" mt="sm">
            <Button type="submit" variant="light" loading={record.isPending}>
              {t('visit.vitals.save')}
            </Button>
          </Group>
        </form>
      )}
      <VitalsTable rows={thisVisit} system={system} timezone={clinic.timezone} />
    </Section>
  );
}

function Cell({ vitals, field, children }: { vitals: Vitals; field: string; children: string }) {
  const flagged = isFlagged(vitals, field);
  return (
    <Table.Td fw={flagged ? 700 : undefined} c={flagged ? FLAG : undefined}>
      {children}
      {flagged && children && (
        <>
          {' '}
          <IconAlertTriangle size={12} aria-hidden style={{ verticalAlign: -1 }} />
          <VisuallyHidden>{t('visit.vitals.borderlineShort')}</VisuallyHidden>
        </>
      )}
    </Table.Td>
  );
}

function VitalsTable({ rows, system, timezone }: { rows: Vitals[]; system: UnitSystem; timezone: string }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" mt="sm">
        {t('visit.vitals.none')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={600} mt="md">
      <Table fz="sm" verticalSpacing={6} horizontalSpacing={8} aria-label={t('visit.vitals.thisVisit')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('visit.vitals.time')}</Table.Th>
            <Table.Th>{t('visit.bp')}</Table.Th>
            <Table.Th>{t('visit.heartRateShort')}</Table.Th>
            <Table.Th>{t('visit.respiratoryRateShort')}</Table.Th>
            <Table.Th>{t('visit.temperatureShort')}</Table.Th>
            <Table.Th>{t('visit.spo2')}</Table.Th>
            <Table.Th>{t('visit.height')}</Table.Th>
            <Table.Th>{t('visit.weight')}</Table.Th>
            <Table.Th>{t('visit.bmi')}</Table.Th>
            <Table.Th>{t('visit.pain')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((v) => {
            const bpFlag = isFlagged(v, 'systolic') || isFlagged(v, 'diastolic');
            return (
              <Table.Tr key={v.id}>
                <Table.Td>{zoned(v.takenAt, timezone).time}</Table.Td>
                <Table.Td fw={bpFlag ? 700 : undefined} c={bpFlag ? FLAG : undefined}>
                  {v.systolic !== null ? `${v.systolic}/${v.diastolic}` : ''}
                  {bpFlag && (
                    <>
                      {' '}
                      <IconAlertTriangle size={12} aria-hidden style={{ verticalAlign: -1 }} />
                      <VisuallyHidden>{t('visit.vitals.borderlineShort')}</VisuallyHidden>
                    </>
                  )}
                </Table.Td>
                <Cell vitals={v} field="heartRate">
                  {v.heartRate === null ? '' : String(v.heartRate)}
                </Cell>
                <Cell vitals={v} field="respiratoryRate">
                  {v.respiratoryRate === null ? '' : String(v.respiratoryRate)}
                </Cell>
                <Cell vitals={v} field="temperature">
                  {showTemperature(v.temperatureC, system)}
                </Cell>
                <Cell vitals={v} field="spo2">
                  {v.spo2 === null ? '' : `${v.spo2} %`}
                </Cell>
                <Table.Td>{showHeight(v.heightCm, system)}</Table.Td>
                <Table.Td>{showWeight(v.weightKg, system)}</Table.Td>
                <Cell vitals={v} field="bmi">
                  {v.bmi === null ? '' : String(v.bmi)}
                </Cell>
                <Table.Td>{v.pain === null ? '' : String(v.pain)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
