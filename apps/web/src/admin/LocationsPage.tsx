import {
  Alert,
  Button,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconMapPin, IconPencil, IconPlus } from '@tabler/icons-react';
import { type Location, t, zLocationCreate } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import {
  AddressFields,
  type AddressValues,
  addressFromApi,
  addressToInput,
  formatAddress,
} from '../components/AddressFields';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { applyServerErrors, focusFirstError, orNull, zodValidator } from '../components/form';
import { ActiveBadge, ListSearch } from '../components/ListParts';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { TimeZoneSelect } from '../components/selects';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useClientList } from '../components/useClientList';
import { useLocations, useSave } from './api';

interface LocationValues {
  name: string;
  timezone: string;
  phone: string;
  address: AddressValues;
  active: boolean;
}

function toInput(values: LocationValues) {
  return {
    name: values.name,
    timezone: values.timezone,
    phone: orNull(values.phone),
    address: addressToInput(values.address),
  };
}

function LocationForm({ location, onClose }: { location: Location | null; onClose: () => void }) {
  const { clinic } = useSession();
  const save = useSave<Location>('locations');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<LocationValues | null>(null);
  const form = useForm<LocationValues>({
    initialValues: {
      name: location?.name ?? '',
      timezone: location?.timezone ?? clinic.timezone,
      phone: location?.phone ?? '',
      address: addressFromApi(location?.address, clinic.country),
      active: location?.active ?? true,
    },
    validate: zodValidator(zLocationCreate, toInput),
  });

  const send = async (values: LocationValues) => {
    setError(null);
    try {
      const body = location ? { ...toInput(values), active: values.active } : toInput(values);
      await save.mutateAsync({ id: location?.id, body });
      notifySuccess(
        location
          ? t('locations.saved', { name: values.name.trim() })
          : t('locations.created', { name: values.name.trim() }),
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
    if (location?.active && !values.active) setConfirming(values);
    else void send(values);
  }, focusFirstError(form));

  return (
    <>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput label={t('locations.name')} required data-autofocus {...form.getInputProps('name')} />
            <TextInput label={t('locations.phone')} type="tel" {...form.getInputProps('phone')} />
          </SimpleGrid>
          <TimeZoneSelect label={t('locations.timezone')} required {...form.getInputProps('timezone')} />
          <Text fw={600} size="sm" mt="xs">
            {t('locations.address')}
          </Text>
          <AddressFields
            field={(name) => form.getInputProps(`address.${name}`)}
            country={form.values.address.country}
          />
          {location && (
            <Switch
              label={t('locations.active')}
              description={t('locations.activeHint')}
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
              {location ? t('common.saveChanges') : t('locations.add')}
            </Button>
          </Group>
        </Stack>
      </form>
      <ConfirmDialog
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={t('locations.deactivateTitle', { name: location?.name ?? '' })}
        confirmLabel={t('locations.deactivate')}
        danger
        onConfirm={() => (confirming ? send(confirming) : undefined)}
      >
        {t('locations.deactivateBody')}
      </ConfirmDialog>
    </>
  );
}

const searchText = (l: Location) =>
  [l.name, l.timezone, l.phone, ...formatAddress(l.address)].filter(Boolean).join(' ');

export function LocationsPage() {
  const { can } = useSession();
  const locations = useLocations();
  const list = useClientList(locations.data, searchText);
  const [editing, setEditing] = useState<Location | 'new' | null>(null);
  const canManage = can('location.manage');

  return (
    <>
      <PageHeader
        title={t('locations.title')}
        description={t('locations.description')}
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
              {t('locations.add')}
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <ListSearch label={t('locations.search')} value={list.query} onChange={list.setQuery} count={list.total} />
        {locations.isPending ? (
          <Loading />
        ) : locations.isError ? (
          <ErrorState error={locations.error} onRetry={() => void locations.refetch()} />
        ) : list.total === 0 ? (
          <EmptyState
            icon={<IconMapPin aria-hidden />}
            title={list.query ? t('list.noMatch') : t('locations.none')}
            description={list.query ? undefined : t('locations.noneHint')}
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('locations.name')}</Table.Th>
                    <Table.Th>{t('locations.address')}</Table.Th>
                    <Table.Th>{t('locations.timezone')}</Table.Th>
                    <Table.Th>{t('locations.phone')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    {canManage && (
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.pageItems.map((location) => (
                    <Table.Tr key={location.id}>
                      <Table.Td fw={600}>{location.name}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatAddress(location.address).join(', ')}</Text>
                      </Table.Td>
                      <Table.Td>{location.timezone}</Table.Td>
                      <Table.Td>{location.phone ?? ''}</Table.Td>
                      <Table.Td>
                        <ActiveBadge active={location.active} />
                      </Table.Td>
                      {canManage && (
                        <Table.Td ta="right">
                          <Button
                            variant="subtle"
                            size="xs"
                            leftSection={<IconPencil size={14} aria-hidden />}
                            onClick={() => setEditing(location)}
                            aria-label={t('locations.editNamed', { name: location.name })}
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
        title={editing === 'new' ? t('locations.addTitle') : t('locations.editTitle')}
        size="lg"
      >
        {editing !== null && (
          <LocationForm location={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
        )}
      </Modal>
    </>
  );
}
