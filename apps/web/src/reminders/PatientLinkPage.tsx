import { Alert, Button, Checkbox, Stack, Text, Title } from '@mantine/core';
import { type LinkView, t } from '@tend/domain';
import { useEffect, useState } from 'react';
import { api, isApiError } from '../api/client';
import { CenteredCard } from '../components/CenteredCard';
import { Loading } from '../components/states';
import { useDocumentTitle } from '../components/useDocumentTitle';

/**
 * The page behind a link in a message (`/r/<token>`), for a patient without an account: the
 * appointment and one button to confirm or cancel it — or, for a waitlist offer, the offered time
 * with "Take this time" and "No thanks". Opening the page changes nothing.
 */
export function PatientLinkPage({ token }: { token: string }) {
  useDocumentTitle(t('link.title'));
  const [view, setView] = useState<LinkView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [anotherTime, setAnotherTime] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `/public/links/${encodeURIComponent(token)}`;

  useEffect(() => {
    api<LinkView>(path, { authFlow: true })
      .then(setView)
      .catch(() => setProblem(t('link.failed')));
  }, [path]);

  async function act(body: { anotherTime?: boolean; decline?: boolean }) {
    setBusy(true);
    setProblem(null);
    try {
      setView(await api<LinkView>(path, { method: 'POST', body, authFlow: true }));
    } catch (error) {
      setProblem(isApiError(error) ? error.message : t('link.failed'));
    } finally {
      setBusy(false);
    }
  }

  if (!view && !problem) return <Loading label={t('link.loading')} />;
  const appointment = view?.appointment;
  const color = view?.state === 'done' ? 'green' : view?.state === 'ready' ? 'blue' : 'yellow';
  return (
    <CenteredCard width={460}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {appointment?.clinic ?? t('link.title')}
        </Title>
        {view?.action === 'offer' && (
          <Text fw={600} c="dimmed">
            {t('link.offerTitle')}
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
