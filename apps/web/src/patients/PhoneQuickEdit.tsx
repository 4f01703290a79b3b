import { ActionIcon, Badge, Button, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil, IconPhone } from '@tabler/icons-react';
import { checkPatientInClinic, type Patient, phoneExample, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { applyServerErrors } from '../components/form';
import { displayPhone } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { useUpdatePatient } from './api';

/** The check-in task: correct the primary phone number without leaving the chart header. */
export function PhoneQuickEdit({ patient }: { patient: Patient }) {
  const { can, clinic, today } = useSession();
  const [editing, setEditing] = useState(false);
  const update = useUpdatePatient(patient.id);
  const form = useForm({
    initialValues: { phone: '' },
    validate: {
      phone: (value) => {
        if (!value.trim()) return t('validation.required');
        const { errors } = checkPatientInClinic({ phone: value }, { country: clinic.country, today: today() });
        return errors[0]?.message ?? null;
      },
    },
  });
  const primary = patient.phones[0];

  const start = () => {
    form.setValues({ phone: primary ? displayPhone(primary.number) : '' });
    form.clearErrors();
    setEditing(true);
  };

  const submit = form.onSubmit(async ({ phone }) => {
    try {
      await update.mutateAsync({ phone: phone.trim() });
      notifySuccess(t('quickPhone.saved'));
      setEditing(false);
    } catch (error) {
      if (applyServerErrors(form, error).length === 0 && !form.errors.phone) notifyError(error);
    }
  });

  if (editing) {
    return (
      <form onSubmit={submit} noValidate>
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <TextInput
            label={t('quickPhone.label')}
            type="tel"
            size="sm"
            autoFocus
            placeholder={phoneExample(clinic.country)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                setEditing(false);
              }
            }}
            {...form.getInputProps('phone')}
            w={220}
          />
          <Button type="submit" size="sm" mt={25} loading={update.isPending}>
            {t('common.save')}
          </Button>
          <Button variant="default" size="sm" mt={25} onClick={() => setEditing(false)} disabled={update.isPending}>
            {t('common.cancel')}
          </Button>
        </Group>
      </form>
    );
  }

  return (
    <Group gap={6} wrap="nowrap">
      <IconPhone size={16} aria-hidden color="var(--mantine-color-gray-7)" />
      {primary ? (
        <>
          <Text size="sm" fw={600} data-testid="primary-phone">
            {displayPhone(primary.number)}
          </Text>
          <Badge size="xs" variant="light" color="gray">
            {t(`phoneUse.${primary.use}`)}
          </Badge>
        </>
      ) : (
        <Text size="sm" c="dimmed">
          {t('quickPhone.none')}
        </Text>
      )}
      {can('patient.write') && (
        <Tooltip label={t('quickPhone.edit')} withArrow>
          <ActionIcon variant="subtle" size="sm" aria-label={t('quickPhone.edit')} onClick={start}>
            <IconPencil size={16} aria-hidden />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
