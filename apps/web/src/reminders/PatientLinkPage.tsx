import { Alert, Button, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import { type LinkView, t } from '@tend/domain';
import { useEffect, useState } from 'react';
import { api, isApiError } from '../api/client';
import { CenteredCard } from '../components/CenteredCard';
import { Loading } from '../components/states';
import { useDocumentTitle } from '../components/useDocumentTitle';

/**
 * The page behind a link in a message (`/r/<token>`), for a patient without an account: the
 * appointment and one button to confirm or cancel it — for a waitlist offer, the offered time
 * with "Take this time" and "No thanks"; for a recall, the open times to book one (or the
 * clinic's number to call). Opening the page changes nothing.
 */
export function PatientLinkPage({ token }: { token: string }) {
  useDocumentTitle(t('link.title'));
  const [view, setView] = useState<LinkView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [anotherTime, setAnotherTime] = useState(false);
  const [busy, setBusy] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const path = `/public/links/${encodeURIComponent(token)}`;

  useEffect(() => {
    api<LinkView>(path, { authFlow: true })
      .then(setView)
      .catch(() => setProblem(t('link.failed')));
  }, [path]);

  async function act(body: { anotherTime?: boolean; decline?: boolean; start?: string }) {
    setBusy(true);
    setProblem(null);
    try {
      setView(await api<LinkView>(path, { method: 'POST', body, authFlow: true }));
    } catch (error) {
      setProblem(isApiError(error) ? error.message : t('link.failed'));
      // A time someone else took meanwhile is gone from the refreshed list.
      if (view?.action === 'book') {
        setChosen(null);
        api<LinkView>(path, { authFlow: true })
          .then(setView)
          .catch(() => undefined);
      }
    } finally {
      setBusy(false);
    }
  }

  if (!view && !problem) return <Loading label={t('link.loading')} />;
  const appointment = view?.appointment;
  const booking = view?.booking;
  const picked = booking?.slots.find((slot) => slot.start === chosen);
  const color = view?.state === 'done' ? 'green' : view?.state === 'ready' ? 'blue' : 'yellow';
  return (
    <CenteredCard width={booking ? 560 : 460}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {booking?.clinic ?? appointment?.clinic ?? t('link.title')}
        </Title>
        {view?.action === 'offer' && (
          <Text fw={600} c="dimmed">
            {t('link.offerTitle')}
          </Text>
        )}
        {booking && !appointment && (
          <Text c="dimmed">
            {t('link.bookTitle')} · {t('link.with', { provider: booking.provider })}
          </Text>
        )}
        {appointment && (
          <Stack gap={2}>
            <Text fw={600} size="lg">
              {appointment.date}, {appointment.time}
            </Text>
            <Text c="dimmed">
              {t('link.with', { provider: appointment.provider })} · {appointment.location}
            </Text>
            {view?.state === 'ready' && appointment.holdUntil && (
              <Text size="sm">{t('link.heldUntil', { time: appointment.holdUntil })}</Text>
            )}
          </Stack>
        )}
        {view && (
          <Alert color={color} variant="light" role="status">
            {view.message}
          </Alert>
        )}
        {problem && (
          <Alert color="red" variant="light" role="alert">
            {problem}
          </Alert>
        )}
        {view?.state === 'ready' && view.action === 'cancel' && (
          <Checkbox
            label={t('link.anotherTime')}
            checked={anotherTime}
            onChange={(event) => setAnotherTime(event.currentTarget.checked)}
          />
        )}
        {view?.state === 'ready' && view.action === 'offer' && (
          <Stack gap="sm">
            <Button size="md" loading={busy} onClick={() => act({})}>
              {t('link.takeTime')}
            </Button>
            <Button size="md" variant="default" disabled={busy} onClick={() => act({ decline: true })}>
              {t('link.noThanks')}
            </Button>
          </Stack>
        )}
        {view?.state === 'ready' && booking && booking.slots.length > 0 && (
          <TimePicker slots={booking.slots} chosen={chosen} onChoose={setChosen} />
        )}
        {view?.state === 'ready' && booking && (
          <Button size="md" loading={busy} disabled={!picked} onClick={() => act({ start: chosen ?? undefined })}>
            {picked ? t('link.book', { date: picked.date, time: picked.time }) : t('link.chooseTime')}
          </Button>
        )}
        {view?.state === 'closed' && booking?.clinicPhone && (
          <Button size="md" variant="light" component="a" href={`tel:${booking.clinicPhone.replace(/[^+\d]/g, '')}`}>
            {t('link.callUs', { phone: booking.clinicPhone })}
          </Button>
        )}
        {view?.state === 'ready' &&
          (view.action === 'confirm' || view.action === 'cancel') &&
          !(view.action === 'confirm' && appointment?.status === 'confirmed') && (
            <Button
              size="md"
              color={view.action === 'cancel' ? 'red' : undefined}
              loading={busy}
              onClick={() => act({ anotherTime })}
            >
              {view.action === 'confirm' ? t('link.confirm') : t('link.cancel')}
            </Button>
          )}
      </Stack>
    </CenteredCard>
  );
}

type Slots = NonNullable<LinkView['booking']>['slots'];

/** The open times, day by day; one is chosen. */
function TimePicker({
  slots,
  chosen,
  onChoose,
}: {
  slots: Slots;
  chosen: string | null;
  onChoose: (start: string) => void;
}) {
  const [shown, setShown] = useState(3);
  const days = new Map<string, Slots>();
  for (const slot of slots) days.set(slot.date, [...(days.get(slot.date) ?? []), slot]);
  return (
    <Stack gap="sm" role="group" aria-label={t('link.chooseTime')}>
      {[...days].slice(0, shown).map(([date, times]) => (
        <Stack key={date} gap={6}>
          <Text fw={600} size="sm">
            {date}
          </Text>
          <Group gap={6}>
            {times.map((slot) => (
              <Button
                key={slot.start}
                size="xs"
                variant={slot.start === chosen ? 'filled' : 'default'}
                aria-pressed={slot.start === chosen}
                aria-label={`${slot.date}, ${slot.time}`}
                onClick={() => onChoose(slot.start)}
              >
                {slot.time}
              </Button>
            ))}
          </Group>
        </Stack>
      ))}
      {days.size > shown && (
        <Button variant="subtle" size="sm" onClick={() => setShown(shown + 3)} style={{ alignSelf: 'flex-start' }}>
          {t('link.moreDays')}
        </Button>
      )}
    </Stack>
  );
}
