import { Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from '@tanstack/react-router';
import { type DuplicateCandidate, t, zDuplicateCandidate } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { FormFooter } from '../components/FormFooter';
import { focusFirstError, saveErrorMessage } from '../components/form';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { UnsavedChangesGuard } from '../components/UnsavedChangesGuard';
import { patientName, useRegisterPatient } from './api';
import { DuplicateDialog } from './DuplicateDialog';
import { PatientFormFields } from './PatientFormFields';
import {
  emptyPatientValues,
  type PatientFormValues,
  patientPathMapper,
  patientToInput,
  patientValidator,
} from './patientForm';

function duplicateCandidates(error: unknown): DuplicateCandidate[] | null {
  if (!isApiError(error) || error.code !== 'possible_duplicate') return null;
  const details = error.details as { candidates?: unknown } | undefined;
  const parsed = zDuplicateCandidate.array().safeParse(details?.candidates);
  return parsed.success ? parsed.data : [];
}

export function RegisterPatientPage() {
  const session = useSession();
  const navigate = useNavigate();
  const register = useRegisterPatient();
  const [candidates, setCandidates] = useState<DuplicateCandidate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<PatientFormValues>({
    initialValues: emptyPatientValues(session.clinic.country),
    validate: patientValidator({ country: session.clinic.country, today: session.today }),
  });

  const save = async (values: PatientFormValues, allowDuplicate: boolean) => {
    setError(null);
    try {
      const patient = await register.mutateAsync({ ...patientToInput(values), allowDuplicate });
      setCandidates(null);
      form.resetDirty();
      notifySuccess(t('register.done', { name: patientName(patient), mrn: patient.mrn }));
      await navigate({ to: '/patients/$patientId', params: { patientId: patient.id } });
    } catch (caught) {
      const duplicates = duplicateCandidates(caught);
      if (duplicates) {
        setCandidates(duplicates);
        return;
      }
      setCandidates(null);
      setError(saveErrorMessage(form, caught, patientPathMapper(values)));
    }
  };

  return (
    <>
      <PageHeader title={t('register.title')} description={t('register.description')} />
      <form onSubmit={form.onSubmit((values) => save(values, false), focusFirstError(form))} noValidate>
        <Stack gap="lg">
          <PatientFormFields form={form} country={session.clinic.country} autoFocus />
          <FormFooter
            error={error}
            submitLabel={t('register.submit')}
            pending={register.isPending && candidates === null}
            onCancel={() => navigate({ to: '/patients' })}
            cancelDisabled={false}
          />
        </Stack>
      </form>
      <UnsavedChangesGuard when={() => candidates === null && !register.isPending && form.isDirty()} />
      <DuplicateDialog
        candidates={candidates}
        busy={register.isPending}
        onClose={() => setCandidates(null)}
        onRegisterAnyway={() => void save(form.getValues(), true)}
        onOpenChart={(patientId) => void navigate({ to: '/patients/$patientId', params: { patientId } })}
      />
    </>
  );
}
