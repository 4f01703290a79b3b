import { Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { ROLES, type Role, SLOT_GRID_CHOICES, t, zClinicSettingsPatch } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { AddressFields, type AddressValues, addressFromApi, addressToInput } from '../components/AddressFields';
import { FormFooter } from '../components/FormFooter';
import { FormSection } from '../components/FormSection';
import { focusFirstError, orNull, saveErrorMessage, zodValidator } from '../components/form';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { CountrySelect, CurrencySelect, TimeZoneSelect } from '../components/selects';
import { useUpdateClinic } from './api';

interface ClinicValues {
  name: string;
  timezone: string;
  currency: string;
  country: string;
  address: AddressValues;
  idleTimeoutMinutes: number | string;
  slotGridMinutes: string;
  unitSystem: 'us' | 'metric';
  billingNpi: string;
  taxId: string;
  phone: string;
  quietHoursStart: string;
  quietHoursEnd: string;
  waitlistOffersEnabled: boolean;
  waitlistHoldMinutes: number | string;
  waitlistOfferLeadMinutes: number | string;
  onTimeGraceMinutes: number | string;
  lateCancelHours: number | string;
  mfaRequiredRoles: Role[];
  emergencyAccessMinutes: number | string;
}

const minutes = (value: number | string) => (typeof value === 'number' ? value : Number.NaN);

function toInput(values: ClinicValues) {
  return {
    name: values.name,
    timezone: values.timezone,
    currency: values.currency,
    country: values.country,
    address: addressToInput(values.address),
    idleTimeoutMinutes: typeof values.idleTimeoutMinutes === 'number' ? values.idleTimeoutMinutes : Number.NaN,
    slotGridMinutes: Number(values.slotGridMinutes),
    unitSystem: values.unitSystem,
    billingNpi: orNull(values.billingNpi),
    taxId: orNull(values.taxId),
    phone: orNull(values.phone),
    quietHoursStart: values.quietHoursStart,
    quietHoursEnd: values.quietHoursEnd,
    waitlistOffersEnabled: values.waitlistOffersEnabled,
    waitlistHoldMinutes: minutes(values.waitlistHoldMinutes),
    waitlistOfferLeadMinutes: minutes(values.waitlistOfferLeadMinutes),
    onTimeGraceMinutes: minutes(values.onTimeGraceMinutes),
    lateCancelHours: minutes(values.lateCancelHours),
    mfaRequiredRoles: values.mfaRequiredRoles,
    emergencyAccessMinutes: minutes(values.emergencyAccessMinutes),
  };
}

/** 123456789 → 12-3456789, as an EIN is written. */
function formatTaxId(taxId: string): string {
  return /^\d{9}$/.test(taxId) ? `${taxId.slice(0, 2)}-${taxId.slice(2)}` : taxId;
}

export function ClinicSettingsPage() {
  const { clinic, setClinic } = useSession();
  const update = useUpdateClinic();
  const [error, setError] = useState<string | null>(null);
  const initial = (): ClinicValues => ({
    name: clinic.name,
    timezone: clinic.timezone,
    currency: clinic.currency,
    country: clinic.country,
    address: addressFromApi(clinic.address, clinic.country),
    idleTimeoutMinutes: clinic.idleTimeoutMinutes,
    slotGridMinutes: String(clinic.slotGridMinutes),
    unitSystem: clinic.unitSystem,
    billingNpi: clinic.billingNpi ?? '',
    taxId: clinic.taxId ? formatTaxId(clinic.taxId) : '',
    phone: clinic.phone ?? '',
    quietHoursStart: clinic.quietHoursStart,
    quietHoursEnd: clinic.quietHoursEnd,
    waitlistOffersEnabled: clinic.waitlistOffersEnabled,
    waitlistHoldMinutes: clinic.waitlistHoldMinutes,
    waitlistOfferLeadMinutes: clinic.waitlistOfferLeadMinutes,
    onTimeGraceMinutes: clinic.onTimeGraceMinutes,
    lateCancelHours: clinic.lateCancelHours,
    mfaRequiredRoles: clinic.mfaRequiredRoles,
    emergencyAccessMinutes: clinic.emergencyAccessMinutes,
  });
  const form = useForm<ClinicValues>({
    initialValues: initial(),
    validate: zodValidator(zClinicSettingsPatch, toInput, {
      extra: (input) =>
        Number.isInteger(input.idleTimeoutMinutes) && input.idleTimeoutMinutes >= 1 && input.idleTimeoutMinutes <= 240
          ? []
          : [{ path: 'idleTimeoutMinutes', message: t('clinic.idleRange') }],
    }),
  });

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      const saved = await update.mutateAsync(toInput(values));
      setClinic(saved);
      form.setValues({
        billingNpi: saved.billingNpi ?? '',
        taxId: saved.taxId ? formatTaxId(saved.taxId) : '',
        phone: saved.phone ?? '',
      });
      form.resetDirty();
      notifySuccess(t('clinic.saved'));
    } catch (caught) {
      setError(saveErrorMessage(form, caught, (path) => (path === 'address' ? 'address.line1' : path)));
    }
  }, focusFirstError(form));

  return (
    <>
      <PageHeader title={t('clinic.title')} description={t('clinic.description')} />
      <form onSubmit={submit} noValidate>
        <Stack gap="lg" maw={880}>
          <FormSection title={t('clinic.general')}>
            <TextInput label={t('clinic.name')} required {...form.getInputProps('name')} />
            <TimeZoneSelect
              label={t('clinic.timezone')}
              description={t('clinic.timezoneHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              required
              {...form.getInputProps('timezone')}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <CountrySelect
                label={t('clinic.country')}
                description={t('clinic.countryHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                required
                {...form.getInputProps('country')}
              />
              <CurrencySelect label={t('clinic.currency')} required {...form.getInputProps('currency')} />
            </SimpleGrid>
          </FormSection>
          <FormSection title={t('clinic.address')} description={t('clinic.addressHint')}>
            <AddressFields
              field={(name) => form.getInputProps(`address.${name}`)}
              country={form.values.address.country}
            />
          </FormSection>
          <FormSection title={t('clinic.billing')} description={t('clinic.billingHint')}>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
              <TextInput
                label={t('clinic.billingNpi')}
                description={t('clinic.billingNpiHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                inputMode="numeric"
                maxLength={10}
                {...form.getInputProps('billingNpi')}
              />
              <TextInput
                label={t('clinic.taxId')}
                description={t('clinic.taxIdHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                maxLength={10}
                {...form.getInputProps('taxId')}
              />
              <TextInput
                label={t('clinic.phone')}
                description={t('clinic.phoneHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                type="tel"
                {...form.getInputProps('phone')}
              />
            </SimpleGrid>
          </FormSection>
          <FormSection title={t('clinic.scheduling')}>
            <Select
              label={t('clinic.slotGrid')}
              description={t('clinic.slotGridHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              data={SLOT_GRID_CHOICES.map((minutes) => ({
                value: String(minutes),
                label: t('clinic.slotGridMinutes', { minutes: String(minutes) }),
              }))}
              allowDeselect={false}
              styles={{ wrapper: { maxWidth: 220 } }}
              {...form.getInputProps('slotGridMinutes')}
            />
            <Switch
              label={t('clinic.waitlistOffers')}
              description={t('clinic.waitlistOffersHint')}
              {...form.getInputProps('waitlistOffersEnabled', { type: 'checkbox' })}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <NumberInput
                label={t('clinic.waitlistHold')}
                description={t('clinic.waitlistHoldHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                min={5}
                max={1440}
                allowDecimal={false}
                allowNegative={false}
                disabled={!form.values.waitlistOffersEnabled}
                styles={{ wrapper: { maxWidth: 220 } }}
                {...form.getInputProps('waitlistHoldMinutes')}
              />
              <NumberInput
                label={t('clinic.waitlistLead')}
                description={t('clinic.waitlistLeadHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                min={0}
                max={10080}
                allowDecimal={false}
                allowNegative={false}
                disabled={!form.values.waitlistOffersEnabled}
                styles={{ wrapper: { maxWidth: 220 } }}
                {...form.getInputProps('waitlistOfferLeadMinutes')}
              />
            </SimpleGrid>
          </FormSection>
          <FormSection title={t('clinic.messaging')} description={t('clinic.quietHoursHint')}>
            <Group gap="md" align="flex-start">
              <TextInput
                type="time"
                label={t('clinic.quietHoursStart')}
                required
                w={180}
                {...form.getInputProps('quietHoursStart')}
              />
              <TextInput
                type="time"
                label={t('clinic.quietHoursEnd')}
                required
                w={180}
                {...form.getInputProps('quietHoursEnd')}
              />
            </Group>
          </FormSection>
          <FormSection title={t('clinic.reportsSection')}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <NumberInput
                label={t('clinic.onTimeGrace')}
                description={t('clinic.onTimeGraceHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                min={0}
                max={120}
                allowDecimal={false}
                allowNegative={false}
                styles={{ wrapper: { maxWidth: 220 } }}
                {...form.getInputProps('onTimeGraceMinutes')}
              />
              <NumberInput
                label={t('clinic.lateCancelHours')}
                description={t('clinic.lateCancelHoursHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                min={0}
                max={168}
                allowDecimal={false}
                allowNegative={false}
                styles={{ wrapper: { maxWidth: 220 } }}
                {...form.getInputProps('lateCancelHours')}
              />
            </SimpleGrid>
          </FormSection>
          <FormSection title={t('clinic.clinical')}>
            <Select
              label={t('clinic.unitSystem')}
              description={t('clinic.unitSystemHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              data={[
                { value: 'us', label: t('clinic.unitSystem.us') },
                { value: 'metric', label: t('clinic.unitSystem.metric') },
              ]}
              allowDeselect={false}
              styles={{ wrapper: { maxWidth: 320 } }}
              {...form.getInputProps('unitSystem')}
            />
          </FormSection>
          <FormSection title={t('clinic.privacy')}>
            <NumberInput
              label={t('clinic.idleTimeout')}
              description={t('clinic.idleTimeoutHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              min={1}
              max={240}
              step={1}
              allowDecimal={false}
              allowNegative={false}
              required
              styles={{ wrapper: { maxWidth: 220 } }}
              {...form.getInputProps('idleTimeoutMinutes')}
            />
            <Checkbox.Group
              label={t('clinic.mfaRequiredRoles')}
              description={t('clinic.mfaRequiredRolesHint')}
              inputWrapperOrder={['label', 'description', 'input', 'error']}
              {...form.getInputProps('mfaRequiredRoles')}
            >
              <Group gap="md" mt="xs">
                {ROLES.map((role) => (
                  <Checkbox key={role} value={role} label={t(`role.${role}`)} />
                ))}
              </Group>
            </Checkbox.Group>
            <NumberInput
              label={t('clinic.emergencyAccessMinutes')}
              description={t('clinic.emergencyAccessMinutesHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              min={5}
              max={720}
              step={5}
              allowDecimal={false}
              allowNegative={false}
              required
              styles={{ wrapper: { maxWidth: 220 } }}
              {...form.getInputProps('emergencyAccessMinutes')}
            />
          </FormSection>
          <FormFooter
            error={error}
            submitLabel={t('common.saveChanges')}
            pending={update.isPending}
            onCancel={() => form.setValues(initial())}
            cancelLabel={t('clinic.discard')}
            cancelDisabled={!form.isDirty() || update.isPending}
          />
        </Stack>
      </form>
    </>
  );
}
