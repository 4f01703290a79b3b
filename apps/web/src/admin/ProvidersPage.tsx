import {
  Alert,
  Button,
  ColorInput,
  ColorSwatch,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconPencil, IconPlus, IconStethoscope } from '@tabler/icons-react';
import { type Provider, t, zProviderCreate } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { applyServerErrors, focusFirstError, orNull, zodValidator } from '../components/form';
import { ActiveBadge, ListSearch } from '../components/ListParts';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useClientList } from '../components/useClientList';
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
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<ProviderValues | null>(null);
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

  const send = async (values: ProviderValues) => {
    setError(null);
    try {
      const body = provider ? { ...toInput(values), active: values.active } : toInput(values);
      await save.mutateAsync({ id: provider?.id, body });
      notifySuccess(
        provider
          ? t('providers.saved', { name: values.name.trim() })
          : t('providers.created', { name: values.name.trim() }),
      );
      onClose();
    } catch (caught) {
      const leftovers = applyServerErrors(form, caught);
      if (!isApiError(caught) || !caught.fields.length || leftovers.length) {
        setError(leftovers.length ? leftovers.join(' ') : errorMessage(caught));
      }
    }
  };
  const submit = form.onSubmit((values) => {
    if (provider?.active && !values.active) setConfirming(values);
    else void send(values);
  }, focusFirstError(form));

  const userOptions = (users.data ?? [])
    .filter((user) => user.active || user.id === provider?.userId)
    .map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));

  return (
    <>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
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
            <Select
              label={t('providers.user')}
              description={t('providers.userHint')}
              placeholder={t('providers.noUser')}
              data={userOptions}
              searchable
              clearable
              allowDeselect
              nothingFoundMessage={t('common.nothingFound')}
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
          {error && (
            <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={save.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {provider ? t('common.saveChanges') : t('providers.add')}
            </Button>
          </Group>
        </Stack>
      </form>
      <ConfirmDialog
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={t('providers.deactivateTitle', { name: provider?.name ?? '' })}
        confirmLabel={t('providers.deactivate')}
        danger
        onConfirm={() => (confirming ? send(confirming) : undefined)}
      >
        {t('providers.deactivateBody')}
      </ConfirmDialog>
    </>
  );
}

const searchText = (p: Provider) => [p.name, p.title, p.credentials, p.npi].filter(Boolean).join(' ');

export function ProvidersPage() {
  const { can } = useSession();
  const providers = useProviders();
  const users = useUsers({ enabled: can('user.read') });
  const list = useClientList(providers.data, searchText);
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  const canManage = can('provider.manage');
  const userName = (id: string | null) => (id ? (users.data?.find((u) => u.id === id)?.name ?? '') : '');

  return (
    <>
      <PageHeader
        title={t('providers.title')}
        description={t('providers.description')}
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
              {t('providers.add')}
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <ListSearch label={t('providers.search')} value={list.query} onChange={list.setQuery} count={list.total} />
        {providers.isPending ? (
          <Loading />
        ) : providers.isError ? (
          <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
        ) : list.total === 0 ? (
          <EmptyState
            icon={<IconStethoscope aria-hidden />}
            title={list.query ? t('list.noMatch') : t('providers.none')}
            description={list.query ? undefined : t('providers.noneHint')}
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('providers.name')}</Table.Th>
                    <Table.Th>{t('providers.credentials')}</Table.Th>
                    <Table.Th>{t('providers.npi')}</Table.Th>
                    <Table.Th>{t('providers.user')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    {canManage && (
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.pageItems.map((provider) => (
                    <Table.Tr key={provider.id}>
                      <Table.Td>
                        <Group gap="sm" wrap="nowrap">
                          <ColorSwatch color={provider.color} size={16} aria-hidden />
                          <span style={{ fontWeight: 600 }}>
                            {[provider.title, provider.name].filter(Boolean).join(' ')}
                          </span>
                        </Group>
                      </Table.Td>
                      <Table.Td>{provider.credentials ?? ''}</Table.Td>
                      <Table.Td ff="monospace">{provider.npi ?? ''}</Table.Td>
                      <Table.Td>{userName(provider.userId)}</Table.Td>
                      <Table.Td>
                        <ActiveBadge active={provider.active} />
                      </Table.Td>
                      {canManage && (
                        <Table.Td ta="right">
                          <Button
                            variant="subtle"
                            size="xs"
                            leftSection={<IconPencil size={14} aria-hidden />}
                            onClick={() => setEditing(provider)}
                            aria-label={t('providers.editNamed', { name: provider.name })}
                          >
                            {t('common.edit')}
                          </Button>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <TotalPager page={list.page} pageSize={list.pageSize} total={list.total} onChange={list.setPage} />
          </>
        )}
      </Paper>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('providers.addTitle') : t('providers.editTitle')}
        size="lg"
      >
        {editing !== null && (
          <ProviderForm provider={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
        )}
      </Modal>
    </>
  );
}
