import { SimpleGrid, Switch, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconMapPin } from '@tabler/icons-react';
import { type Location, t, zLocationCreate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import {
  AddressFields,
  type AddressValues,
  addressFromApi,
  addressToInput,
  formatAddress,
} from '../components/AddressFields';
import { EditModal } from '../components/EditModal';
import { orNull, zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
import { TimeZoneSelect } from '../components/selects';
import { useLocations, useSave } from './api';

interface LocationValues {
  name: string;
  timezone: string;
  phone: string;
  placeOfService: string;
  address: AddressValues;
  active: boolean;
}

function toInput(values: LocationValues) {
  return {
    name: values.name,
    timezone: values.timezone,
    phone: orNull(values.phone),
    placeOfService: values.placeOfService.trim(),
    address: addressToInput(values.address),
  };
}

function LocationForm({ location, onClose }: { location: Location | null; onClose: () => void }) {
  const { clinic } = useSession();
  const save = useSave<Location>('locations');
  const form = useForm<LocationValues>({
    initialValues: {
      name: location?.name ?? '',
      timezone: location?.timezone ?? clinic.timezone,
      phone: location?.phone ?? '',
      placeOfService: location?.placeOfService ?? '11',
      address: addressFromApi(location?.address, clinic.country),
      active: location?.active ?? true,
    },
    validate: zodValidator(zLocationCreate, toInput),
  });

  const onSave = async (values: LocationValues) => {
    const body = location ? { ...toInput(values), active: values.active } : toInput(values);
    await save.mutateAsync({ id: location?.id, body });
    notifySuccess(
      location
        ? t('locations.saved', { name: values.name.trim() })
        : t('locations.created', { name: values.name.trim() }),
    );
  };

  return (
    <RecordForm
      form={form}
      wasActive={location?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={location ? t('common.saveChanges') : t('locations.add')}
      deactivate={{
        title: t('locations.deactivateTitle', { name: location?.name ?? '' }),
        confirmLabel: t('locations.deactivate'),
        body: t('locations.deactivateBody'),
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput label={t('locations.name')} required data-autofocus {...form.getInputProps('name')} />
        <TextInput label={t('locations.phone')} type="tel" {...form.getInputProps('phone')} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TimeZoneSelect label={t('locations.timezone')} required {...form.getInputProps('timezone')} />
        <TextInput
          label={t('locations.placeOfService')}
          description={t('locations.placeOfServiceHint')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          inputMode="numeric"
          maxLength={2}
          required
          {...form.getInputProps('placeOfService')}
        />
      </SimpleGrid>
      <Text fw={600} size="sm" mt="xs">
        {t('locations.address')}
      </Text>
      <AddressFields field={(name) => form.getInputProps(`address.${name}`)} country={form.values.address.country} />
      {location && (
        <Switch
          label={t('locations.active')}
          description={t('locations.activeHint')}
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
      )}
    </RecordForm>
  );
}

const searchText = (l: Location) =>
  [l.name, l.timezone, l.phone, ...formatAddress(l.address)].filter(Boolean).join(' ');

export function LocationsPage() {
  const { can } = useSession();
  const locations = useLocations();
  const [editing, setEditing] = useState<Location | 'new' | null>(null);
  const canManage = can('location.manage');

  return (
    <>
      <PageHeader
        title={t('locations.title')}
        description={t('locations.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('locations.add')}</AddButton>}
      />
      <ListCard
        query={locations}
        searchText={searchText}
        searchLabel={t('locations.search')}
        empty={{ icon: <IconMapPin aria-hidden />, title: t('locations.none'), description: t('locations.noneHint') }}
        columns={[
          t('locations.name'),
          t('locations.address'),
          t('locations.timezone'),
          t('locations.phone'),
          t('locations.placeOfServiceShort'),
          t('common.status'),
        ]}
        cells={(location) => (
          <>
            <Table.Td fw={600}>{location.name}</Table.Td>
            <Table.Td>
              <Text size="sm">{formatAddress(location.address).join(', ')}</Text>
            </Table.Td>
            <Table.Td>{location.timezone}</Table.Td>
            <Table.Td>{location.phone ?? ''}</Table.Td>
            <Table.Td>{location.placeOfService}</Table.Td>
            <Table.Td>
              <ActiveBadge active={location.active} />
            </Table.Td>
          </>
        )}
        action={
          canManage
            ? (location) => (
                <EditButton
                  label={t('locations.editNamed', { name: location.name })}
                  onClick={() => setEditing(location)}
                />
              )
            : undefined
        }
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('locations.addTitle')}
        editTitle={t('locations.editTitle')}
        size="lg"
      >
        {(location) => <LocationForm location={location} onClose={() => setEditing(null)} />}
      </EditModal>
    </>
  );
}
