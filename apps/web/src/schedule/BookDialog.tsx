import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconSearch } from '@tabler/icons-react';
import { offeredBy, type Provider, t } from '@tend/domain';
import { useEffect, useState } from 'react';
import { useLocations } from '../admin/api';
import { isApiError } from '../api/client';
import { formatDate } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { OptionalSelect } from '../components/selects';
import { type AppointmentType, fetchNextSlot, fetchSlots, type Override, type Slot, useBook } from './api';
import { OverrideFields } from './OverrideFields';
import { PatientPicker } from './PatientPicker';
import { SlotPicker, slotKey } from './SlotPicker';
import { providerName } from './shared';
import { addDays, instantIso, laterIso, zoned } from './time';

export interface BookPrefill {
  providerId: string | null;
  /** Search from this wall-clock date and time (clinic time); from now when absent. */
  date: string | null;
  time: string | null;
  /** Search at this location (the day view's, when it shows one). */
  locationId?: string | null;
  /** Opened from a greyed cell: the time is outside the provider's working hours. */
  outside?: boolean;
  /** Booking a follow-up from the to-book list: its type, its patient, and the follow-up it books. */
  appointmentTypeId?: string | null;
  patient?: { id: string; name: string } | null;
  followUpId?: string | null;
}

const MAX_SLOTS = 12;

/** Open slots from `from`: the first day that has any, for one provider or for everyone (at one location or any). */
async function searchSlots(
  appointmentTypeId: string,
  providerId: string | null,
  locationId: string | null,
  from: string,
  timezone: string,
) {
  const where = locationId ? { locationId } : {};
  if (providerId) {
    const to = new Date(Date.parse(from) + 31 * 86_400_000).toISOString();
    const all = await fetchSlots({ appointmentTypeId, providerId, from, to, ...where });
    const first = all[0];
    if (!first) return [];
    const day = zoned(first.start, timezone).date;
    return all.filter((slot) => zoned(slot.start, timezone).date === day).slice(0, MAX_SLOTS);
  }
  const next = await fetchNextSlot({ appointmentTypeId, from, ...where });
  if (!next) return [];
  const day = zoned(next.start, timezone).date;
  const slots = await fetchSlots({
    appointmentTypeId,
    from: next.start,
    to: instantIso(addDays(day, 1), '00:00', timezone),
    ...where,
  });
  return slots.slice(0, MAX_SLOTS);
}

/** "Find next available": type (and provider) → open slots → patient → book. */
export function BookDialog({
  prefill,
  onClose,
  onBooked,
  providers,
  types,
  timezone,
}: {
  prefill: BookPrefill | null;
  onClose: () => void;
  /** After booking: the clinic date of the new appointment (the day view shows it). */
  onBooked: (date: string) => void;
  providers: Provider[];
  types: AppointmentType[];
  timezone: string;
}) {
  return (
    <Modal opened={prefill !== null} onClose={onClose} title={t('schedule.bookTitle')} size="lg">
      {prefill && (
        <BookForm
          prefill={prefill}
          onClose={onClose}
          onBooked={onBooked}
          providers={providers}
          types={types}
          timezone={timezone}
        />
      )}
    </Modal>
  );
}

function BookForm({
  prefill,
  onClose,
  onBooked,
  providers,
  types,
  timezone,
}: {
  prefill: BookPrefill;
  onClose: () => void;
  onBooked: (date: string) => void;
  providers: Provider[];
  types: AppointmentType[];
  timezone: string;
}) {
  const activeTypes = types.filter((type) => type.active);
  const offered = prefill.providerId
    ? activeTypes.filter((type) => offeredBy(type, prefill.providerId ?? ''))
    : activeTypes;
  const [typeId, setTypeId] = useState<string | null>(
    prefill.appointmentTypeId && activeTypes.some((type) => type.id === prefill.appointmentTypeId)
      ? prefill.appointmentTypeId
      : offered.length === 1
        ? offered[0].id
        : null,
  );
  const [providerId, setProviderId] = useState<string | null>(prefill.providerId);
  const [locationId, setLocationId] = useState<string | null>(prefill.locationId ?? null);
  const locations = (useLocations().data ?? []).filter((location) => location.active);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [slot, setSlot] = useState<string | null>(null);
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(prefill.patient ?? null);
  const [bookError, setBookError] = useState<{ code: string; message: string } | null>(null);
  const [lastOverride, setLastOverride] = useState<Override | null>(null);
  const book = useBook();

  const type = activeTypes.find((item) => item.id === typeId);
  const providerOptions = providers
    .filter((p) => !type || offeredBy(type, p.id))
    .map((p) => ({ value: p.id, label: providerName(p) }));

  const search = async (forType: string | null = typeId, forProvider: string | null = providerId) => {
    if (!forType) return;
    setSearching(true);
    setSearchError(null);
    setSlot(null);
    try {
      const now = new Date().toISOString();
      const from = prefill.date && prefill.time ? instantIso(prefill.date, prefill.time, timezone) : now;
      const result = await searchSlots(forType, forProvider, locationId, laterIso(from, now), timezone);
      // A greyed cell was clicked: offer exactly that time first (booking it needs an override).
      const type = activeTypes.find((item) => item.id === forType);
      if (prefill.outside && forProvider && type && from > now && !result.some((item) => item.start === from)) {
        const end = new Date(Date.parse(from) + type.durationMinutes * 60_000).toISOString();
        result.unshift({ providerId: forProvider, locationId: '', start: from, end, outside: true });
      }
      setSlots(result);
      if (result[0]) setSlot(slotKey(result[0]));
    } catch (error) {
      setSearchError(errorMessage(error));
    } finally {
      setSearching(false);
    }
  };

  const chosen = slots?.find((item) => slotKey(item) === slot) ?? null;

  // Opened from a cell with the type already known: show that provider's times at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the dialog opens
  useEffect(() => {
    if (typeId && prefill.time) void search(typeId);
  }, []);

  const submit = async (allowPatientOverlap = false, override: Override | null = lastOverride) => {
    if (!chosen || !patient || !typeId) return;
    setBookError(null);
    setLastOverride(override);
    try {
      await book.mutateAsync({
        patientId: patient.id,
        providerId: chosen.providerId,
        appointmentTypeId: typeId,
        start: chosen.start,
        allowPatientOverlap,
        override,
        followUpId: prefill.followUpId ?? null,
      });
      const at = zoned(chosen.start, timezone);
      notifySuccess(t('schedule.booked', { patient: patient.name, date: formatDate(at.date), time: at.time }));
      onBooked(at.date);
      onClose();
    } catch (error) {
      setBookError({ code: isApiError(error) ? error.code : 'unexpected', message: errorMessage(error) });
      if (isApiError(error) && error.code === 'slot_taken') void search();
    }
  };

  return (
    <Stack gap="md">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label={t('schedule.type')}
          placeholder={t('common.choose')}
          data={offered.map((item) => ({
            value: item.id,
            label: `${item.name} (${t('schedule.minutes', { count: item.durationMinutes })})`,
          }))}
          value={typeId}
          onChange={(value) => {
            setTypeId(value);
            setSlots(null);
            // Opened from an empty cell: show that provider's times at once.
            if (value && prefill.time) void search(value);
          }}
          required
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          style={{ flex: 2, minWidth: 200 }}
          data-autofocus
        />
        <OptionalSelect
          label={t('schedule.provider')}
          placeholder={t('schedule.anyProvider')}
          data={providerOptions}
          value={providerId}
          onChange={(value) => {
            setProviderId(value);
            setSlots(null);
          }}
          style={{ flex: 1, minWidth: 180 }}
        />
        {locations.length > 1 && (
          <OptionalSelect
            label={t('schedule.location')}
            placeholder={t('schedule.anyLocation')}
            data={locations.map((location) => ({ value: location.id, label: location.name }))}
            value={locationId}
            onChange={(value) => {
              setLocationId(value);
              setSlots(null);
            }}
            style={{ flex: 1, minWidth: 160 }}
          />
        )}
        <Button
          onClick={() => void search()}
          loading={searching}
          disabled={!typeId}
          leftSection={<IconSearch size={16} aria-hidden />}
        >
          {t('schedule.search')}
        </Button>
      </Group>
      {prefill.date && prefill.time && (
        <Text size="sm" c="dimmed">
          {t(prefill.outside ? 'schedule.searchFromOutside' : 'schedule.searchFrom', {
            date: formatDate(prefill.date),
            time: prefill.time,
          })}
        </Text>
      )}
      {searchError && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
          {searchError}
        </Alert>
      )}
      {slots && (
        <SlotPicker
          slots={slots}
          providers={providers}
          timezone={timezone}
          value={slot}
          onChange={setSlot}
          label={t('schedule.openSlots')}
        />
      )}
      {chosen &&
        (prefill.patient ? (
          <Text size="sm">
            {t('schedule.patient')}: <strong>{prefill.patient.name}</strong>
          </Text>
        ) : (
          <PatientPicker value={patient?.id ?? null} onChange={(id, name) => setPatient({ id, name })} />
        ))}
      {bookError && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          role="alert"
          title={t('schedule.notBooked')}
        >
          <Stack gap="xs" align="flex-start">
            <span>{bookError.message}</span>
            {bookError.code === 'patient_overlap' && (
              <Button size="xs" variant="default" onClick={() => void submit(true)}>
                {t('schedule.bookAnyway')}
              </Button>
            )}
            {bookError.code === 'outside_availability' && (
              <OverrideFields
                label={t('schedule.override.book')}
                confirm={t('schedule.override.bookConfirm')}
                loading={book.isPending}
                onConfirm={(reason) => void submit(false, { reason })}
              />
            )}
          </Stack>
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button onClick={() => void submit(false, null)} disabled={!chosen || !patient} loading={book.isPending}>
          {t('schedule.book')}
        </Button>
      </Group>
    </Stack>
  );
}
