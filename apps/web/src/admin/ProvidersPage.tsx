import { ColorInput, ColorSwatch, Group, SimpleGrid, Switch, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconStethoscope } from '@tabler/icons-react';
import { type Provider, t, zProviderCreate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { EditModal } from '../components/EditModal';
import { orNull, zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
import { OptionalSelect } from '../components/selects';
import { useProviders, useSave, useUsers } from './api';

const SWATCHES = ['#1c7ed6', '#0f7c8c', '#2f9e44', '#e8590c', '#c2255c', '#7048e8', '#f59f00', '#495057'];

interface ProviderValues {
  name: string;
  title: string;
  credentials: string;
  npi: string;
  color: string;
  userId: string | null;
  active: boolean;
}

function toInput(values: ProviderValues) {
  return {
    name: values.name,
    title: orNull(values.title),
    credentials: orNull(values.credentials),
    npi: orNull(values.npi),
    color: values.color,
    userId: values.userId || null,
  };
}

function ProviderForm({ provider, onClose }: { provider: Provider | null; onClose: () => void }) {
  const { can } = useSession();
  const users = useUsers({ enabled: can('user.read') });
  const save = useSave<Provider>('providers');
  const form = useForm<ProviderValues>({
    initialValues: provider
      ? {
          name: provider.name,
          title: provider.title ?? '',
          credentials: provider.credentials ?? '',
          npi: provider.npi ?? '',
          color: provider.color,
          userId: provider.userId,
          active: provider.active,
        }
      : { name: '', title: '', credentials: '', npi: '', color: SWATCHES[0], userId: null, active: true },
    validate: zodValidator(zProviderCreate, toInput),
  });

  const onSave = async (values: ProviderValues) => {
    const body = provider ? { ...toInput(values), active: values.active } : toInput(values);
    await save.mutateAsync({ id: provider?.id, body });
    notifySuccess(
      provider
        ? t('providers.saved', { name: values.name.trim() })
        : t('providers.created', { name: values.name.trim() }),
    );
  };

  const userOptions = (users.data ?? [])
    .filter((user) => user.active || user.id === provider?.userId)
    .map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));

  return (
    <RecordForm
      form={form}
      wasActive={provider?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={provider ? t('common.saveChanges') : t('providers.add')}
      deactivate={{
        title: t('providers.deactivateTitle', { name: provider?.name ?? '' }),
        confirmLabel: t('providers.deactivate'),
        body: t('providers.deactivateBody'),
      }}
    >
      <TextInput label={t('providers.name')} required data-autofocus {...form.getInputProps('name')} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput
          label={t('providers.titleField')}
          placeholder={t('providers.titlePlaceholder')}
          {...form.getInputProps('title')}
        />
        <TextInput
          label={t('providers.credentials')}
          placeholder={t('providers.credentialsPlaceholder')}
          {...form.getInputProps('credentials')}
        />
        <TextInput
          label={t('providers.npi')}
          description={t('providers.npiHint')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          inputMode="numeric"
          maxLength={10}
          {...form.getInputProps('npi')}
        />
        <ColorInput
          label={t('providers.color')}
          description={t('providers.colorHint')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          format="hex"
          swatches={SWATCHES}
          swatchesPerRow={8}
          eyeDropperButtonProps={{ 'aria-label': t('providers.pickColor') }}
          {...form.getInputProps('color')}
        />
      </SimpleGrid>
      {can('user.read') && (
        <OptionalSelect
          label={t('providers.user')}
          description={t('providers.userHint')}
          placeholder={t('providers.noUser')}
          data={userOptions}
          {...form.getInputProps('userId')}
        />
      )}
      {provider && (
        <Switch
          label={t('providers.active')}
          description={t('providers.activeHint')}
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
      )}
    </RecordForm>
  );
}

const searchText = (p: Provider) => [p.name, p.title, p.credentials, p.npi].filter(Boolean).join(' ');

export function ProvidersPage() {
  const { can } = useSession();
  const providers = useProviders();
  const users = useUsers({ enabled: can('user.read') });
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  const canManage = can('provider.manage');
  const userName = (id: string | null) => (id ? (users.data?.find((u) => u.id === id)?.name ?? '') : '');

  return (
    <>
      <PageHeader
        title={t('providers.title')}
        description={t('providers.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('providers.add')}</AddButton>}
      />
      <ListCard
        query={providers}
        searchText={searchText}
        searchLabel={t('providers.search')}
        empty={{
          icon: <IconStethoscope aria-hidden />,
          title: t('providers.none'),
          description: t('providers.noneHint'),
        }}
        columns={[
          t('providers.name'),
          t('providers.credentials'),
          t('providers.npi'),
          t('providers.user'),
          t('common.status'),
        ]}
        cells={(provider) => (
          <>
            <Table.Td>
              <Group gap="sm" wrap="nowrap">
                <ColorSwatch color={provider.color} size={16} aria-hidden />
                <span style={{ fontWeight: 600 }}>{[provider.title, provider.name].filter(Boolean).join(' ')}</span>
              </Group>
            </Table.Td>
            <Table.Td>{provider.credentials ?? ''}</Table.Td>
            <Table.Td ff="monospace">{provider.npi ?? ''}</Table.Td>
            <Table.Td>{userName(provider.userId)}</Table.Td>
            <Table.Td>
              <ActiveBadge active={provider.active} />
            </Table.Td>
          </>
        )}
        action={
          canManage
            ? (provider) => (
                <EditButton
                  label={t('providers.editNamed', { name: provider.name })}
                  onClick={() => setEditing(provider)}
                />
              )
            : undefined
        }
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('providers.addTitle')}
        editTitle={t('providers.editTitle')}
        size="lg"
      >
        {(provider) => <ProviderForm provider={provider} onClose={() => setEditing(null)} />}
      </EditModal>
    </>
  );
}
