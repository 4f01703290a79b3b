import { Button, Group, NumberInput, Select, SimpleGrid, Switch, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconReceipt2 } from '@tabler/icons-react';
import { CODE_SYSTEMS, formatCents, parseMoneyToCents, type Service, t, zServiceCreate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { EditModal } from '../components/EditModal';
import { zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { MoneyInput } from '../components/MoneyInput';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
import { useSaveService, useServices } from './api';
import { FeeScheduleModal } from './FeeScheduleModal';

interface ServiceValues {
  code: string;
  codeSystem: string;
  description: string;
  fee: string;
  defaultUnits: number | string;
  diagnosisPrefixes: string;
  active: boolean;
}

function toInput(values: ServiceValues) {
  return {
    code: values.code,
    codeSystem: values.codeSystem,
    description: values.description,
    feeCents: parseMoneyToCents(values.fee) ?? Number.NaN,
    defaultUnits: Number(values.defaultUnits),
    diagnosisPrefixes: values.diagnosisPrefixes
      .split(/[\s,;]+/)
      .map((p) => p.trim())
      .filter(Boolean),
  };
}

const centsToText = (cents: number) => (cents / 100).toFixed(2);

function ServiceForm({
  service,
  onClose,
  currency,
}: {
  service: Service | null;
  onClose: () => void;
  currency: string;
}) {
  const save = useSaveService();
  const form = useForm<ServiceValues>({
    initialValues: {
      code: service?.code ?? '',
      codeSystem: service?.codeSystem ?? 'CPT',
      description: service?.description ?? '',
      fee: service ? centsToText(service.feeCents) : '',
      defaultUnits: service?.defaultUnits ?? 1,
      diagnosisPrefixes: service?.diagnosisPrefixes.join(', ') ?? '',
      active: service?.active ?? true,
    },
    validate: zodValidator(zServiceCreate, toInput, {
      mapPath: (path) =>
        path === 'feeCents' ? 'fee' : path.startsWith('diagnosisPrefixes') ? 'diagnosisPrefixes' : path,
    }),
  });
  const onSave = async (values: ServiceValues) => {
    const input = toInput(values);
    const body = service
      ? {
          description: input.description,
          feeCents: input.feeCents,
          defaultUnits: input.defaultUnits,
          diagnosisPrefixes: input.diagnosisPrefixes,
          active: values.active,
        }
      : input;
    await save.mutateAsync({ id: service?.id, body });
    notifySuccess(t(service ? 'services.saved' : 'services.created', { code: input.code.toUpperCase() }));
  };
  return (
    <RecordForm
      form={form}
      wasActive={service?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={service ? t('common.saveChanges') : t('services.add')}
      deactivate={{
        title: t('services.deactivateTitle', { code: service?.code ?? '' }),
        confirmLabel: t('services.deactivate'),
        body: t('services.deactivateBody'),
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput
          label={t('services.code')}
          required
          data-autofocus
          disabled={service !== null}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          {...form.getInputProps('code')}
        />
        <Select
          label={t('services.system')}
          required
          disabled={service !== null}
          data={CODE_SYSTEMS.map((system) => ({ value: system, label: t(`services.system.${system}`) }))}
          allowDeselect={false}
          {...form.getInputProps('codeSystem')}
        />
      </SimpleGrid>
      <TextInput label={t('services.descriptionLabel')} required {...form.getInputProps('description')} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <MoneyInput label={t('services.fee')} required currency={currency} {...form.getInputProps('fee')} />
        <NumberInput
          label={t('services.defaultUnits')}
          min={1}
          max={99}
          allowDecimal={false}
          {...form.getInputProps('defaultUnits')}
        />
      </SimpleGrid>
      <TextInput
        label={t('services.prefixes')}
        description={t('services.prefixesHint')}
        inputWrapperOrder={['label', 'input', 'description', 'error']}
        {...form.getInputProps('diagnosisPrefixes')}
      />
      {service && (
        <Switch
          label={t('services.active')}
          description={t('services.activeHint')}
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
      )}
    </RecordForm>
  );
}

const searchText = (s: Service) => [s.code, s.codeSystem, s.description].join(' ');

/** The clinic's service catalogue: codes, descriptions and fees the visits bill. */
export function ServicesPage() {
  const { can, clinic } = useSession();
  const services = useServices();
  const [editing, setEditing] = useState<Service | 'new' | null>(null);
  const [fees, setFees] = useState<Service | null>(null);
  const canManage = can('service.manage');
  return (
    <>
      <PageHeader
        title={t('services.title')}
        description={t('services.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('services.add')}</AddButton>}
      />
      <ListCard
        query={services}
        searchText={searchText}
        searchLabel={t('services.search')}
        empty={{ icon: <IconReceipt2 aria-hidden />, title: t('services.none'), description: t('services.noneHint') }}
        columns={[
          t('services.code'),
          t('services.system'),
          t('services.descriptionLabel'),
          t('services.fee'),
          t('services.defaultUnitsShort'),
          t('services.prefixesShort'),
          t('common.status'),
        ]}
        cells={(service) => (
          <>
            <Table.Td ff="monospace" fw={600}>
              {service.code}
            </Table.Td>
            <Table.Td>{service.codeSystem}</Table.Td>
            <Table.Td>{service.description}</Table.Td>
            <Table.Td>{formatCents(service.feeCents, clinic.currency)}</Table.Td>
            <Table.Td>{service.defaultUnits}</Table.Td>
            <Table.Td>
              {service.diagnosisPrefixes.length ? (
                <Text size="sm" ff="monospace">
                  {service.diagnosisPrefixes.join(', ')}
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('services.anyDiagnosis')}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <ActiveBadge active={service.active} />
            </Table.Td>
          </>
        )}
        action={(service) => (
          <Group gap={4} wrap="nowrap">
            <Button
              variant="subtle"
              size="xs"
              onClick={() => setFees(service)}
              aria-label={t('fees.openNamed', { code: service.code })}
            >
              {t('fees.open')}
            </Button>
            {canManage && (
              <EditButton label={t('services.editNamed', { code: service.code })} onClick={() => setEditing(service)} />
            )}
          </Group>
        )}
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('services.addTitle')}
        editTitle={t('services.editTitle')}
        size="lg"
      >
        {(service) => <ServiceForm service={service} onClose={() => setEditing(null)} currency={clinic.currency} />}
      </EditModal>
      <FeeScheduleModal service={fees} currency={clinic.currency} canManage={canManage} onClose={() => setFees(null)} />
    </>
  );
}
