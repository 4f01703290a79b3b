import { NativeSelect, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { COVERAGE_RANKS, type Coverage, type Payer, RELATIONSHIPS, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { FormFooter } from '../components/FormFooter';
import { focusFirstError, saveErrorMessage } from '../components/form';
import { MoneyInput } from '../components/MoneyInput';
import { notifySuccess } from '../components/notify';
import { useSaveCoverage } from './api';
import {
  type CoverageFormValues,
  coveragePath,
  coverageToInput,
  coverageToPatch,
  coverageToValues,
  coverageValidator,
  newCoverageValues,
  type Rank,
} from './coverageForm';

interface CoverageFormProps {
  patientId: string;
  payers: Payer[];
  coverage: Coverage | null;
  /** The rank a new coverage starts with (the first free one). */
  defaultRank: Rank;
  onDone: () => void;
}

export function CoverageForm({ patientId, payers, coverage, defaultRank, onDone }: CoverageFormProps) {
  const { clinic, today } = useSession();
  const save = useSaveCoverage(patientId);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<CoverageFormValues>({
    initialValues: coverage ? coverageToValues(coverage) : newCoverageValues(today(), defaultRank),
    validate: coverageValidator(payers),
  });
  const payer = payers.find((p) => p.id === form.values.payerId);
  const payerOptions = payers
    .filter((p) => p.active || p.id === coverage?.payerId)
    .map((p) => ({ value: p.id, label: p.payerCode ? `${p.name} (${p.payerCode})` : p.name }));
  const self = form.values.subscriberRelationship === 'self';

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      if (coverage) await save.mutateAsync({ id: coverage.id, body: coverageToPatch(values) });
      else await save.mutateAsync({ body: coverageToInput(values) });
      notifySuccess(coverage ? t('coverage.updated') : t('coverage.added'));
      onDone();
    } catch (caught) {
      setError(saveErrorMessage(form, caught, coveragePath));
    }
  }, focusFirstError(form));

  const memberIdHint = payer?.memberIdExample
    ? t('coverage.memberIdExample', { example: payer.memberIdExample })
    : payer?.memberIdPattern
      ? t('coverage.memberIdChecked')
      : undefined;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Select
          label={t('coverage.payer')}
          placeholder={t('coverage.payerPlaceholder')}
          data={payerOptions}
          searchable
          required
          disabled={coverage !== null}
          description={coverage ? t('coverage.payerFixed') : undefined}
          nothingFoundMessage={t('common.nothingFound')}
          data-autofocus={coverage ? undefined : true}
          {...form.getInputProps('payerId')}
          onChange={(value) => form.setFieldValue('payerId', value ?? '')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput
            label={t('coverage.memberId')}
            description={memberIdHint}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            required
            autoCapitalize="characters"
            data-autofocus={coverage ? true : undefined}
            {...form.getInputProps('memberId')}
          />
          <TextInput label={t('coverage.groupNumber')} {...form.getInputProps('groupNumber')} />
          <NativeSelect
            label={t('coverage.rank')}
            data={COVERAGE_RANKS.map((rank) => ({ value: rank, label: t(`rank.${rank}`) }))}
            {...form.getInputProps('rank')}
          />
          <MoneyInput
            label={t('coverage.copay')}
            currency={clinic.currency}
            description={t('coverage.copayHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            {...form.getInputProps('copay')}
          />
          <TextInput
            label={t('coverage.coinsurance')}
            description={t('coverage.coinsuranceHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            rightSection="%"
            inputMode="decimal"
            {...form.getInputProps('coinsurance')}
          />
        </SimpleGrid>
        <NativeSelect
          label={t('coverage.relationship')}
          data={RELATIONSHIPS.map((relationship) => ({
            value: relationship,
            label: t(`relationship.${relationship}`),
          }))}
          {...form.getInputProps('subscriberRelationship')}
        />
        {!self && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput label={t('coverage.subscriberName')} {...form.getInputProps('subscriberName')} />
            <DateField label={t('coverage.subscriberBirthDate')} {...form.getInputProps('subscriberBirthDate')} />
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <DateField label={t('coverage.validFrom')} required {...form.getInputProps('validFrom')} />
          <DateField
            label={t('coverage.validTo')}
            description={t('coverage.validToHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            {...form.getInputProps('validTo')}
          />
        </SimpleGrid>
        <FormFooter
          error={error}
          submitLabel={coverage ? t('common.saveChanges') : t('coverage.add')}
          pending={save.isPending}
          onCancel={onDone}
        />
      </Stack>
    </form>
  );
}
