import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { type Patient, t } from '@tend/domain';
import type { ReactNode } from 'react';
import { useSession } from '../auth/session';
import { formatBirthDate } from '../components/format';
import { RestrictButton } from '../emergency/RestrictButton';
import { patientName } from './api';
import { ExportRecordMenu } from './ExportRecordMenu';
import { PhoneQuickEdit } from './PhoneQuickEdit';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" className="tend-section-title">
        {label}
      </Text>
      <Text size="sm" fw={600} component="div">
        {children}
      </Text>
    </div>
  );
}

/** Who this is, at a glance: name, MRN, birth date and age, sex, and the phone (editable). */
export function PatientHeader({ patient }: { patient: Patient }) {
  const { today, can } = useSession();
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} mb="lg">
      <Stack gap="md">
        <Group gap="sm" align="baseline">
          <Title order={1}>{patientName(patient)}</Title>
          {patient.preferredName && (
            <Badge variant="light" color="gray" size="lg" tt="none" fw={500}>
              {t('chart.preferred', { name: patient.preferredName })}
            </Badge>
          )}
          {patient.restricted && (
            <Badge color="red" variant="light" size="lg" leftSection={<IconLock size={14} aria-hidden />}>
              {t('emergency.restrictedBadge')}
            </Badge>
          )}
          {can('patient.restrict') && <RestrictButton patient={patient} />}
          {can('patient.export') && <ExportRecordMenu patientId={patient.id} />}
        </Group>
        <Group gap="xl" align="flex-start" wrap="wrap">
          <Fact label={t('patient.mrn')}>
            <span data-testid="patient-mrn">{patient.mrn}</span>
          </Fact>
          <Fact label={t('patient.birthDate')}>{formatBirthDate(patient.birthDate, today())}</Fact>
          <Fact label={t('patient.sex')}>{t(`sex.${patient.sex}`)}</Fact>
          <Fact label={t('patient.phone')}>
            <PhoneQuickEdit patient={patient} />
          </Fact>
        </Group>
      </Stack>
    </Paper>
  );
}
