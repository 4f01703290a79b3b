import { Button, DataList, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil } from '@tabler/icons-react';
import { type Patient, t } from '@tend/domain';
import { type ReactNode, useState } from 'react';
import { useSession } from '../auth/session';
import { formatAddress } from '../components/AddressFields';
import { FormFooter } from '../components/FormFooter';
import { focusFirstError, saveErrorMessage } from '../components/form';
import { displayPhone, formatBirthDate, formatDateTime } from '../components/format';
import { notifySuccess } from '../components/notify';
import { UnsavedChangesGuard } from '../components/UnsavedChangesGuard';
import { useUpdatePatient } from './api';
import { PatientFormFields } from './PatientFormFields';
import {
  type PatientFormValues,
  patientPathMapper,
  patientToInput,
  patientToValues,
  patientValidator,
} from './patientForm';

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section">
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Item({ label, value }: { label: string; value: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>
        {value || value === 0 ? (
          value
        ) : (
          <Text span c="dimmed" size="sm">
            {t('common.none')}
          </Text>
        )}
      </DataList.ItemValue>
    </DataList.Item>
  );
}

function languageName(code: string | null): string {
  if (!code) return '';
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function DetailsView({ patient }: { patient: Patient }) {
  const { today, clinic } = useSession();
  const address = formatAddress(patient.address);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Card title={t('patientForm.identity')}>
        <DataList labelWidth={170}>
          <Item label={t('patient.givenName')} value={patient.givenName} />
          <Item label={t('patient.familyName')} value={patient.familyName} />
          <Item label={t('patient.preferredName')} value={patient.preferredName} />
          <Item label={t('patient.birthDate')} value={formatBirthDate(patient.birthDate, today())} />
          <Item label={t('patient.sex')} value={t(`sex.${patient.sex}`)} />
        </DataList>
      </Card>
      <Card title={t('patientForm.contact')}>
        <DataList labelWidth={170}>
          {patient.phones.length === 0 && <Item label={t('patient.phone')} value={null} />}
          {patient.phones.map((phone, index) => (
            <Item
              key={`${phone.use}-${phone.number}`}
              label={
                t(`phoneLabel.${phone.use}`) +
                (index === 0 && patient.phones.length > 1 ? ` ${t('chart.primary')}` : '')
              }
              value={displayPhone(phone.number)}
            />
          ))}
          <Item label={t('patient.email')} value={patient.email} />
          <Item
            label={t('patient.preferredContactMethod')}
            value={patient.preferredContactMethod ? t(`contactMethod.${patient.preferredContactMethod}`) : null}
          />
          <Item label={t('patient.preferredLanguage')} value={languageName(patient.preferredLanguage)} />
        </DataList>
      </Card>
      <Card title={t('patientForm.address')}>
        {address.length ? (
          <Text size="sm" component="address" style={{ fontStyle: 'normal' }}>
            {address.map((line) => (
              <div key={line}>{line}</div>
            ))}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('chart.noAddress')}
          </Text>
        )}
      </Card>
      <Card title={t('patientForm.emergencyContact')}>
        {patient.emergencyContact ? (
          <DataList labelWidth={170}>
            <Item label={t('patient.emergencyName')} value={patient.emergencyContact.name} />
            <Item label={t('patient.emergencyRelationship')} value={patient.emergencyContact.relationship} />
            <Item label={t('patient.emergencyPhone')} value={displayPhone(patient.emergencyContact.phone)} />
          </DataList>
        ) : (
          <Text size="sm" c="dimmed">
            {t('chart.noEmergencyContact')}
          </Text>
        )}
      </Card>
      <Card title={t('patientForm.frontDeskNotes')}>
        {patient.frontDeskNotes ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {patient.frontDeskNotes}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('chart.noNotes')}
          </Text>
        )}
      </Card>
      <Card title={t('chart.record')}>
        <DataList labelWidth={170}>
          <Item label={t('chart.registered')} value={formatDateTime(patient.createdAt, clinic.timezone)} />
          <Item label={t('chart.updated')} value={formatDateTime(patient.updatedAt, clinic.timezone)} />
        </DataList>
      </Card>
    </SimpleGrid>
  );
}

function DetailsEdit({ patient, onDone }: { patient: Patient; onDone: () => void }) {
  const session = useSession();
  const update = useUpdatePatient(patient.id);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<PatientFormValues>({
    initialValues: patientToValues(patient, session.clinic.country),
    validate: patientValidator({ country: session.clinic.country, today: session.today }),
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await update.mutateAsync(patientToInput(values));
      notifySuccess(t('chart.saved'));
      onDone();
    } catch (caught) {
      setError(saveErrorMessage(form, caught, patientPathMapper(values)));
    }
  }, focusFirstError(form));
  return (
    <form onSubmit={submit} noValidate aria-label={t('chart.editFormLabel')}>
      <UnsavedChangesGuard when={() => !update.isPending && form.isDirty()} />
      <Stack gap="lg">
        <PatientFormFields form={form} country={session.clinic.country} autoFocus />
        <FormFooter error={error} submitLabel={t('chart.saveChanges')} pending={update.isPending} onCancel={onDone} />
      </Stack>
    </form>
  );
}

export function PatientDetails({ patient }: { patient: Patient }) {
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  if (editing) return <DetailsEdit patient={patient} onDone={() => setEditing(false)} />;
  return (
    <Stack gap="md">
      {can('patient.write') && (
        <Group justify="flex-end">
          <Button variant="light" leftSection={<IconPencil size={16} aria-hidden />} onClick={() => setEditing(true)}>
            {t('chart.edit')}
          </Button>
        </Group>
      )}
      <DetailsView patient={patient} />
    </Stack>
  );
}
