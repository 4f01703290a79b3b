import {
  Alert,
  Autocomplete,
  ColorInput,
  ColorSwatch,
  Group,
  MultiSelect,
  NumberInput,
  SimpleGrid,
  Switch,
  Table,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCalendarCog } from '@tabler/icons-react';
import { t, zAppointmentTypeCreate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { EditModal } from '../components/EditModal';
import { zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
import {
  type AppointmentType,
  roomTypeSuggestions,
  useAppointmentTypes,
  useRooms,
  useSaveAppointmentType,
} from '../schedule/api';
import { providerName } from '../schedule/shared';
import { useProviders } from './api';

const SWATCHES = ['#2f9e44', '#1c7ed6', '#7048e8', '#e8590c', '#c2255c', '#0f7c8c', '#f59f00', '#495057'];

interface TypeValues {
  name: string;
  durationMinutes: number | string;
  color: string;
  providerIds: string[];
  bufferAfterMinutes: number | string;
  roomType: string;
  reminders: boolean;
  active: boolean;
}

function toInput(values: TypeValues) {
  return {
    name: values.name,
    durationMinutes: Number(values.durationMinutes),
    color: values.color,
    providerIds: values.providerIds,
    bufferAfterMinutes: Number(values.bufferAfterMinutes || 0),
    roomType: values.roomType,
    reminders: values.reminders,
  };
}

function TypeForm({ type, onClose }: { type: AppointmentType | null; onClose: () => void }) {
  const providers = useProviders();
  const rooms = useRooms();
  const types = useAppointmentTypes();
  const save = useSaveAppointmentType();
  const form = useForm<TypeValues>({
    initialValues: type
      ? {
          name: type.name,
          durationMinutes: type.durationMinutes,
          color: type.color,
          providerIds: type.providerIds,
          bufferAfterMinutes: type.bufferAfterMinutes,
          roomType: type.roomType ?? '',
          reminders: type.reminders,
          active: type.active,
        }
      : {
          name: '',
          durationMinutes: 30,
          color: SWATCHES[0],
          providerIds: [],
          bufferAfterMinutes: 0,
          roomType: '',
          reminders: true,
          active: true,
        },
    validate: zodValidator(zAppointmentTypeCreate, toInput),
  });
  const onSave = async (values: TypeValues) => {
    const body = type ? { ...toInput(values), active: values.active } : toInput(values);
    await save.mutateAsync({ id: type?.id, body });
    notifySuccess(t(type ? 'schedule.types.saved' : 'schedule.types.created', { name: values.name.trim() }));
  };
  const options = (providers.data ?? [])
    .filter((p) => p.active || type?.providerIds.includes(p.id))
    .map((p) => ({ value: p.id, label: providerName(p) }));
  const roomType = form.values.roomType.trim();
  // Bookings match the room type exactly: say so when no room in use has the one typed.
  const noRoom =
    roomType !== '' && rooms.data !== undefined && !rooms.data.some((r) => r.active && r.roomType === roomType);
  return (
    <RecordForm
      form={form}
      wasActive={type?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={type ? t('common.saveChanges') : t('schedule.types.add')}
      deactivate={{
        title: t('schedule.types.deactivateTitle', { name: type?.name ?? '' }),
        confirmLabel: t('schedule.types.deactivate'),
        body: t('schedule.types.deactivateBody'),
      }}
    >
      <TextInput label={t('schedule.types.name')} required data-autofocus {...form.getInputProps('name')} />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <NumberInput
          label={t('schedule.types.duration')}
          required
          min={5}
          max={480}
          step={5}
          {...form.getInputProps('durationMinutes')}
        />
        <NumberInput
          label={t('schedule.types.buffer')}
          min={0}
          max={120}
          step={5}
          {...form.getInputProps('bufferAfterMinutes')}
        />
        <ColorInput
          label={t('schedule.types.color')}
          format="hex"
          swatches={SWATCHES}
          swatchesPerRow={8}
          eyeDropperButtonProps={{ 'aria-label': t('providers.pickColor') }}
          {...form.getInputProps('color')}
        />
      </SimpleGrid>
      <MultiSelect
        label={t('schedule.types.providers')}
        description={t('schedule.types.providersHint')}
        data={options}
        searchable
        nothingFoundMessage={t('common.nothingFound')}
        {...form.getInputProps('providerIds')}
      />
      <Autocomplete
        label={t('schedule.types.roomType')}
        description={t('schedule.types.roomTypeHint')}
        data={roomTypeSuggestions(rooms.data, types.data)}
        {...form.getInputProps('roomType')}
      />
      {noRoom && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} py="xs">
          {t('schedule.types.noRoomOfType')}
        </Alert>
      )}
      <Switch
        label={t('schedule.types.reminders')}
        description={t('schedule.types.remindersHint')}
        {...form.getInputProps('reminders', { type: 'checkbox' })}
      />
      {type && <Switch label={t('schedule.types.active')} {...form.getInputProps('active', { type: 'checkbox' })} />}
    </RecordForm>
  );
}

export function AppointmentTypesPage() {
  const { can } = useSession();
  const types = useAppointmentTypes();
  const providers = useProviders();
  const [editing, setEditing] = useState<AppointmentType | 'new' | null>(null);
  const canManage = can('schedule.manage');
  const names = (ids: string[]) =>
    ids
      .map((id) => providerName(providers.data?.find((p) => p.id === id)))
      .filter(Boolean)
      .join(', ');
  return (
    <>
      <PageHeader
        title={t('schedule.types.title')}
        description={t('schedule.types.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('schedule.types.add')}</AddButton>}
      />
      <ListCard
        query={types}
        searchText={(type) => type.name}
        searchLabel={t('schedule.types.search')}
        empty={{
          icon: <IconCalendarCog aria-hidden />,
          title: t('schedule.types.none'),
          description: t('schedule.types.noneHint'),
        }}
        columns={[
          t('schedule.types.name'),
          t('schedule.types.duration'),
          t('schedule.types.buffer'),
          t('schedule.types.providers'),
          t('schedule.types.room'),
          t('common.status'),
        ]}
        cells={(type) => (
          <>
            <Table.Td>
              <Group gap="sm" wrap="nowrap">
                <ColorSwatch color={type.color} size={16} aria-hidden />
                <span style={{ fontWeight: 600 }}>{type.name}</span>
              </Group>
            </Table.Td>
            <Table.Td>{t('schedule.minutes', { count: type.durationMinutes })}</Table.Td>
            <Table.Td>{t('schedule.minutes', { count: type.bufferAfterMinutes })}</Table.Td>
            <Table.Td>{names(type.providerIds)}</Table.Td>
            <Table.Td>{type.roomType ?? ''}</Table.Td>
            <Table.Td>
              <ActiveBadge active={type.active} />
            </Table.Td>
          </>
        )}
        action={
          canManage
            ? (type) => (
                <EditButton
                  label={t('schedule.types.editNamed', { name: type.name })}
                  onClick={() => setEditing(type)}
                />
              )
            : undefined
        }
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('schedule.types.addTitle')}
        editTitle={t('schedule.types.editTitle')}
        size="lg"
      >
        {(type) => <TypeForm type={type} onClose={() => setEditing(null)} />}
      </EditModal>
    </>
  );
}
