import {
  Alert,
  Badge,
  Button,
  Drawer,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconUserMinus } from '@tabler/icons-react';
import { offeredBy, type Provider, t, type WaitlistEntry, type WaitlistOfferStatus } from '@tend/domain';
import { useState } from 'react';
import { useProviders } from '../admin/api';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate } from '../components/format';
import { errorMessage, notifyError, notifySuccess } from '../components/notify';
import { OptionalSelect } from '../components/selects';
import { type AppointmentType, useAppointmentTypes } from '../schedule/api';
import { PatientPicker } from '../schedule/PatientPicker';
import { providerName } from '../schedule/shared';
import { zoned } from '../schedule/time';
import { useAddToWaitlist, useReleaseOffer, useRemoveFromWaitlist, useWaitlist } from './api';

/** The waitlist beside the schedule: who waits for an earlier slot, add and take off. */
export function WaitlistDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { can } = useSession();
  const list = useWaitlist({ enabled: opened });
  const types = useAppointmentTypes();
  const providers = useProviders();
  const [adding, setAdding] = useState(false);
  const canWrite = can('appointment.write');
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title={t('waitlist.title')}>
      <Stack>
        <Text size="sm" c="dimmed">
          {t('waitlist.intro')}
        </Text>
        {canWrite && !adding && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)} w="fit-content">
            {t('waitlist.add')}
          </Button>
        )}
        {adding && (
          <AddToWaitlist types={types.data ?? []} providers={providers.data ?? []} onDone={() => setAdding(false)} />
        )}
        {list.isError && <Alert color="red">{errorMessage(list.error)}</Alert>}
        {list.data && list.data.length === 0 && (
          <Text c="dimmed" role="status">
            {t('waitlist.empty')}
          </Text>
        )}
        {list.data && list.data.length > 0 && (
          <WaitlistTable
            entries={list.data}
            types={types.data ?? []}
            providers={providers.data ?? []}
            canWrite={canWrite}
          />
        )}
      </Stack>
    </Drawer>
  );
}

function WaitlistTable({
  entries,
  types,
  providers,
  canWrite,
}: {
  entries: WaitlistEntry[];
  types: AppointmentType[];
  providers: Provider[];
  canWrite: boolean;
}) {
  const [removing, setRemoving] = useState<WaitlistEntry | null>(null);
  return (
    <>
      <Table striped aria-label={t('waitlist.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('schedule.patient')}</Table.Th>
            <Table.Th>{t('waitlist.wants')}</Table.Th>
            <Table.Th>{t('waitlist.when')}</Table.Th>
            <Table.Th>{t('waitlist.offers')}</Table.Th>
            <Table.Th>{t('waitlist.since')}</Table.Th>
            {canWrite && <Table.Th>{t('common.actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id}>
              <Table.Td>
                <Text fw={600} size="sm">
                  {entry.patientName}
                </Text>
                {entry.note && (
                  <Text size="xs" c="dimmed">
                    {entry.note}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{types.find((type) => type.id === entry.appointmentTypeId)?.name ?? '—'}</Text>
                <Text size="xs" c="dimmed">
                  {entry.providerId
                    ? providerName(providers.find((p) => p.id === entry.providerId))
                    : t('waitlist.anyProvider')}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{windowText(entry)}</Text>
                {entry.nextAppointmentStart && (
                  <Badge variant="light" color="gray" size="sm">
                    {t('waitlist.holds', { date: formatDate(entry.nextAppointmentStart.slice(0, 10)) })}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Offers entry={entry} canWrite={canWrite} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDate(entry.createdAt.slice(0, 10))}</Text>
              </Table.Td>
              {canWrite && (
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    leftSection={<IconUserMinus size={14} aria-hidden />}
                    onClick={() => setRemoving(entry)}
                    aria-label={t('waitlist.removeButton', { patient: entry.patientName })}
                  >
                    {t('waitlist.remove')}
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {removing && <RemoveDialog entry={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}

const OFFER_COLORS: Record<WaitlistOfferStatus, string> = {
  offered: 'blue.8',
  accepted: 'green.8',
  declined: 'dimmed',
  expired: 'orange.9',
  released: 'dimmed',
  taken: 'dimmed',
};

/** The times offered to the patient, newest first: the open one with until when (and Release). */
function Offers({ entry, canWrite }: { entry: WaitlistEntry; canWrite: boolean }) {
  const { clinic } = useSession();
  const release = useReleaseOffer();
  if (!entry.offers.length) return <Text size="sm">—</Text>;
  return (
    <Stack gap={4}>
      {entry.offers.slice(0, 3).map((offer) => {
        const when = whenText(offer.start, clinic.timezone);
        const text =
          offer.status === 'offered'
            ? t('waitlist.offer.offered', { when, until: zoned(offer.holdUntil, clinic.timezone).time })
            : t(`waitlist.offer.${offer.status}`, { when });
        return (
          <Stack key={offer.id} gap={0} align="flex-start">
            <Text size="xs" fw={offer.status === 'offered' ? 600 : undefined} c={OFFER_COLORS[offer.status]}>
              {text}
            </Text>
            {offer.status === 'offered' && canWrite && (
              <Button
                size="compact-xs"
                variant="subtle"
                loading={release.isPending}
                aria-label={t('waitlist.releaseOne', { patient: entry.patientName })}
                onClick={async () => {
                  try {
                    await release.mutateAsync(offer.id);
                    notifySuccess(t('waitlist.releaseHint', { patient: entry.patientName }));
                  } catch (error) {
                    notifyError(error);
                  }
                }}
              >
                {t('waitlist.release')}
              </Button>
            )}
          </Stack>
        );
      })}
    </Stack>
  );
}

function windowText(entry: WaitlistEntry): string {
  if (entry.availableFrom && entry.availableUntil) {
    return t('waitlist.between', { from: formatDate(entry.availableFrom), until: formatDate(entry.availableUntil) });
  }
  if (entry.availableFrom) return t('waitlist.fromDate', { from: formatDate(entry.availableFrom) });
  if (entry.availableUntil) return t('waitlist.untilDate', { until: formatDate(entry.availableUntil) });
  return t('waitlist.anyTime');
}

function RemoveDialog({ entry, onClose }: { entry: WaitlistEntry; onClose: () => void }) {
  const remove = useRemoveFromWaitlist();
  const [reason, setReason] = useState('');
  return (
    <Modal opened onClose={onClose} title={t('waitlist.removeOne', { patient: entry.patientName })}>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          await remove.mutateAsync({ id: entry.id, reason: reason.trim() });
          notifySuccess(t('waitlist.removed', { patient: entry.patientName }));
          onClose();
        }}
      >
        <Stack>
          <TextInput
            label={t('waitlist.removeReason')}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            required
            data-autofocus
          />
          {remove.isError && <Alert color="red">{errorMessage(remove.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" disabled={!reason.trim()} loading={remove.isPending}>
              {t('waitlist.remove')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AddToWaitlist({
  types,
  providers,
  onDone,
}: {
  types: AppointmentType[];
  providers: Provider[];
  onDone: () => void;
}) {
  const { clinic } = useSession();
  const add = useAddToWaitlist();
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(null);
  const [typeId, setTypeId] = useState<string | null>(null);
  const [providerId, setProviderId] = useState<string | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const type = types.find((x) => x.id === typeId);
  const offering = providers.filter((p) => p.active && (!type || offeredBy(type, p.id)));
  const fieldError = (path: string) =>
    isApiError(add.error) ? add.error.fields.find((f) => f.path === path)?.message : undefined;
  return (
    <form
      aria-label={t('waitlist.add')}
      onSubmit={async (event) => {
        event.preventDefault();
        if (!patient || !typeId) return;
        await add.mutateAsync({
          patientId: patient.id,
          appointmentTypeId: typeId,
          providerId,
          availableFrom: from,
          availableUntil: until,
          note: note.trim() || null,
        });
        notifySuccess(t('waitlist.added', { patient: patient.name }));
        onDone();
      }}
    >
      <Stack gap="sm" p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
        <Title order={3} size="h5">
          {t('waitlist.add')}
        </Title>
        <PatientPicker value={patient?.id ?? null} onChange={(id, name) => setPatient({ id, name })} />
        <Select
          label={t('schedule.type')}
          data={types.filter((x) => x.active).map((x) => ({ value: x.id, label: x.name }))}
          value={typeId}
          onChange={setTypeId}
          required
        />
        <OptionalSelect
          label={t('schedule.provider')}
          placeholder={t('waitlist.anyProvider')}
          data={offering.map((p) => ({ value: p.id, label: providerName(p) }))}
          value={providerId}
          onChange={setProviderId}
          clearable
        />
        <Group grow>
          <DateField
            label={t('waitlist.availableFrom')}
            value={from ?? ''}
            onChange={(value) => setFrom(value || null)}
            error={fieldError('availableFrom')}
          />
          <DateField
            label={t('waitlist.availableUntil')}
            value={until ?? ''}
            onChange={(value) => setUntil(value || null)}
            error={fieldError('availableUntil')}
          />
        </Group>
        <Textarea label={t('waitlist.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize />
        {add.isError && <Alert color="red">{errorMessage(add.error)}</Alert>}
        <Text size="xs" c="dimmed">
          {t('waitlist.datesHint', { timezone: clinic.timezone })}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!patient || !typeId} loading={add.isPending}>
            {t('waitlist.addButton')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Mon 10:00" of an instant in the clinic's zone. */
export function whenText(iso: string, timezone: string): string {
  const at = zoned(iso, timezone);
  return `${formatDate(at.date)} ${at.time}`;
}
