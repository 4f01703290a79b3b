import { NativeSelect, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { CONTACT_METHODS, phoneExample, SEXES, t } from '@tend/domain';
import { AddressFields } from '../components/AddressFields';
import { DateField } from '../components/DateField';
import { FormSection } from '../components/FormSection';
import { LanguageSelect } from '../components/selects';
import type { PatientFormValues } from './patientForm';

interface PatientFormFieldsProps {
  form: UseFormReturnType<PatientFormValues>;
  country: string;
  autoFocus?: boolean;
}

/** Registration and the chart's edit mode share these fields, grouped as the front desk asks them. */
export function PatientFormFields({ form, country, autoFocus }: PatientFormFieldsProps) {
  const phonePlaceholder = phoneExample(country);
  const sexOptions = [
    { value: '', label: t('common.choose'), disabled: true },
    ...SEXES.map((sex) => ({ value: sex, label: t(`sex.${sex}`) })),
  ];
  const contactOptions = [
    { value: '', label: t('common.notSet') },
    ...CONTACT_METHODS.map((method) => ({ value: method, label: t(`contactMethod.${method}`) })),
  ];
  return (
    <Stack gap="lg">
      <FormSection title={t('patientForm.identity')}>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          <TextInput
            label={t('patient.givenName')}
            required
            autoFocus={autoFocus}
            {...form.getInputProps('givenName')}
          />
          <TextInput label={t('patient.familyName')} required {...form.getInputProps('familyName')} />
          <TextInput
            label={t('patient.preferredName')}
            description={t('patientForm.preferredNameHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            {...form.getInputProps('preferredName')}
          />
          <DateField
            label={t('patient.birthDate')}
            required
            description={t('date.formatHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            {...form.getInputProps('birthDate')}
          />
          <NativeSelect label={t('patient.sex')} required data={sexOptions} {...form.getInputProps('sex')} />
        </SimpleGrid>
      </FormSection>

      <FormSection title={t('patientForm.contact')} description={t('patientForm.contactHint')}>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          <TextInput
            label={t('patient.mobilePhone')}
            type="tel"
            placeholder={phonePlaceholder}
            {...form.getInputProps('mobilePhone')}
          />
          <TextInput
            label={t('patient.homePhone')}
            type="tel"
            placeholder={phonePlaceholder}
            {...form.getInputProps('homePhone')}
          />
          <TextInput
            label={t('patient.workPhone')}
            type="tel"
            placeholder={phonePlaceholder}
            {...form.getInputProps('workPhone')}
          />
          <TextInput
            label={t('patient.email')}
            type="email"
            placeholder={t('patientForm.emailPlaceholder')}
            {...form.getInputProps('email')}
          />
          <NativeSelect
            label={t('patient.preferredContactMethod')}
            data={contactOptions}
            {...form.getInputProps('preferredContactMethod')}
          />
          <LanguageSelect label={t('patient.preferredLanguage')} {...form.getInputProps('preferredLanguage')} />
        </SimpleGrid>
      </FormSection>

      <FormSection title={t('patientForm.address')} description={t('patientForm.addressHint')}>
        <AddressFields field={(name) => form.getInputProps(`address.${name}`)} country={form.values.address.country} />
      </FormSection>

      <FormSection title={t('patientForm.emergencyContact')}>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <TextInput label={t('patient.emergencyName')} {...form.getInputProps('emergencyContact.name')} />
          <TextInput
            label={t('patient.emergencyRelationship')}
            placeholder={t('patientForm.relationshipPlaceholder')}
            {...form.getInputProps('emergencyContact.relationship')}
          />
          <TextInput
            label={t('patient.emergencyPhone')}
            type="tel"
            placeholder={phonePlaceholder}
            {...form.getInputProps('emergencyContact.phone')}
          />
        </SimpleGrid>
      </FormSection>

      <FormSection title={t('patientForm.frontDeskNotes')} description={t('patientForm.frontDeskNotesHint')}>
        <Textarea
          label={t('patient.frontDeskNotes')}
          autosize
          minRows={3}
          maxRows={10}
          {...form.getInputProps('frontDeskNotes')}
        />
      </FormSection>
    </Stack>
  );
}
