import { Autocomplete, Select, SimpleGrid, Switch, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDoor } from '@tabler/icons-react';
import { t, zRoomCreate } from '@tend/domain';
import { useCallback, useState } from 'react';
import { useSession } from '../auth/session';
import { EditModal } from '../components/EditModal';
import { zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
import { type Room, roomTypeSuggestions, useAppointmentTypes, useRooms, useSaveRoom } from '../schedule/api';
import { useLocations } from './api';

interface RoomValues {
  name: string;
  locationId: string;
  roomType: string;
  active: boolean;
}

const toInput = (values: RoomValues) => ({
  locationId: values.locationId,
  name: values.name,
  roomType: values.roomType,
});

function RoomForm({ room, onClose }: { room: Room | null; onClose: () => void }) {
  const locations = useLocations();
  const rooms = useRooms();
  const types = useAppointmentTypes();
  const save = useSaveRoom();
  const choices = (locations.data ?? []).filter((l) => l.active || l.id === room?.locationId);
  const form = useForm<RoomValues>({
    initialValues: {
      name: room?.name ?? '',
      // One location (the usual case): nothing to choose.
      locationId: room?.locationId ?? (choices.length === 1 ? choices[0].id : ''),
      roomType: room?.roomType ?? '',
      active: room?.active ?? true,
    },
    validate: zodValidator(zRoomCreate, toInput),
  });
  const onSave = async (values: RoomValues) => {
    // The location is fixed once the room exists (its appointments were booked there).
    const body = room ? { name: values.name, roomType: values.roomType, active: values.active } : toInput(values);
    await save.mutateAsync({ id: room?.id, body });
    notifySuccess(t(room ? 'rooms.saved' : 'rooms.created', { name: values.name.trim() }));
  };
  return (
    <RecordForm
      form={form}
      wasActive={room?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={room ? t('common.saveChanges') : t('rooms.add')}
      deactivate={{
        title: t('rooms.deactivateTitle', { name: room?.name ?? '' }),
        confirmLabel: t('rooms.deactivate'),
        body: t('rooms.deactivateBody'),
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput label={t('rooms.name')} required data-autofocus {...form.getInputProps('name')} />
        <Select
          label={t('rooms.location')}
          required
          disabled={room !== null}
          description={room ? t('rooms.locationFixed') : undefined}
          data={choices.map((l) => ({ value: l.id, label: l.name }))}
          allowDeselect={false}
          {...form.getInputProps('locationId')}
        />
      </SimpleGrid>
      <Autocomplete
        label={t('rooms.roomType')}
        description={t('rooms.roomTypeHint')}
        required
        data={roomTypeSuggestions(rooms.data, types.data)}
        {...form.getInputProps('roomType')}
      />
      {room && (
        <Switch
          label={t('rooms.active')}
          description={t('rooms.activeHint')}
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
      )}
    </RecordForm>
  );
}

export function RoomsPage() {
  const { can } = useSession();
  const rooms = useRooms();
  const locations = useLocations();
  const [editing, setEditing] = useState<Room | 'new' | null>(null);
  const canManage = can('schedule.manage');
  const locationName = useCallback(
    (id: string) => locations.data?.find((l) => l.id === id)?.name ?? '',
    [locations.data],
  );
  const searchText = useCallback(
    (room: Room) => [room.name, room.roomType, locationName(room.locationId)].join(' '),
    [locationName],
  );
  return (
    <>
      <PageHeader
        title={t('rooms.title')}
        description={t('rooms.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('rooms.add')}</AddButton>}
      />
      <ListCard
        query={rooms}
        searchText={searchText}
        searchLabel={t('rooms.search')}
        empty={{ icon: <IconDoor aria-hidden />, title: t('rooms.none'), description: t('rooms.noneHint') }}
        columns={[t('rooms.name'), t('rooms.location'), t('rooms.roomType'), t('common.status')]}
        cells={(room) => (
          <>
            <Table.Td fw={600}>{room.name}</Table.Td>
            <Table.Td>{locationName(room.locationId)}</Table.Td>
            <Table.Td>{room.roomType}</Table.Td>
            <Table.Td>
              <ActiveBadge active={room.active} />
            </Table.Td>
          </>
        )}
        action={
          canManage
            ? (room) => (
                <EditButton label={t('rooms.editNamed', { name: room.name })} onClick={() => setEditing(room)} />
              )
            : undefined
        }
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('rooms.addTitle')}
        editTitle={t('rooms.editTitle')}
        size="md"
      >
        {(room) => <RoomForm room={room} onClose={() => setEditing(null)} />}
      </EditModal>
    </>
  );
}
