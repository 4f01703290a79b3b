import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCalendarPlus, IconCalendarRepeat, IconPhone } from '@tabler/icons-react';
import { RECALL_VIEWS, type Recall, type RecallView, t } from '@tend/domain';
import { type FormEvent, useState } from 'react';
import { useProviders } from '../admin/api';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { formatDate, formatDateTime } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { useAppointmentTypes } from '../schedule/api';
import { BookDialog, type BookPrefill } from '../schedule/BookDialog';
import { providerName } from '../schedule/shared';
import { useCloseRecall, useLogRecallCall, useRecalls } from './api';

/**
 * The front desk's recall list: the follow-ups providers ordered ("return in 2 weeks"), by due
 * date, in views — due now, upcoming, contacted, booked, closed — with how the patient was last
 * reached. Book (the booking dialog), log a call, or close with a reason.
 */
export function RecallsPage() {
  const { clinic, can, today } = useSession();
  const [view, setView] = useState<RecallView>('due');
  const recalls = useRecalls(view);
  const providers = useProviders();
  const types = useAppointmentTypes();
  const [booking, setBooking] = useState<BookPrefill | null>(null);
  const [acting, setActing] = useState<{ recall: Recall; action: 'close' | 'contact' } | null>(null);
  const providerOf = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));
  const typeOf = new Map((types.data ?? []).map((type) => [type.id, type.name]));
  const canAct = can('appointment.write');
  const day = today();
  const waiting = view === 'due' || view === 'upcoming' || view === 'contacted';

  return (
    <>
      <PageHeader title={t('recalls.title')} description={t('recalls.description')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Stack gap="md">
          <SegmentedControl
            aria-label={t('recalls.view')}
            value={view}
            onChange={(value) => setView(value as RecallView)}
            data={RECALL_VIEWS.map((v) => ({ value: v, label: t(`recalls.view.${v}`) }))}
            style={{ alignSelf: 'flex-start' }}
          />
          <QueryView
            query={recalls}
            isEmpty={(data) => data.length === 0}
            empty={
              <EmptyState
                icon={<IconCalendarRepeat aria-hidden />}
                title={t('recalls.none')}
                description={t(`recalls.none.${view}`)}
              />
            }
          >
            {(data) => (
              <Table.ScrollContainer minWidth={900}>
                <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('recalls.title')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('recalls.due')}</Table.Th>
                      <Table.Th>{t('recalls.patient')}</Table.Th>
                      <Table.Th>{t('recalls.reason')}</Table.Th>
                      <Table.Th>{t('recalls.providerType')}</Table.Th>
                      <Table.Th>{waiting ? t('recalls.lastContact') : t('recalls.outcome')}</Table.Th>
                      {canAct && waiting && <Table.Th>{t('common.actions')}</Table.Th>}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((r) => (
                      <Table.Tr key={r.id}>
                        <Table.Td>
                          <Text
                            size="sm"
                            fw={waiting && r.dueDate <= day ? 700 : undefined}
                            c={waiting && r.dueDate < day ? 'red.9' : undefined}
                          >
                            {formatDate(r.dueDate)}
                          </Text>
                        </Table.Td>
                        <Table.Td fw={600}>{r.patientName}</Table.Td>
                        <Table.Td>{r.reason}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{providerOf.get(r.providerId) ?? ''}</Text>
                          <Text size="xs" c="dimmed">
                            {r.appointmentTypeId ? (typeOf.get(r.appointmentTypeId) ?? '') : t('recalls.anyType')}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {waiting ? (
                            <LastContact recall={r} timezone={clinic.timezone} />
                          ) : r.status === 'closed' ? (
                            <Text size="sm">{t('recalls.closedBecause', { reason: r.closeReason ?? '' })}</Text>
                          ) : (
                            <Badge variant="light" color="green">
                              {t('recalls.status.booked')}
                            </Badge>
                          )}
                        </Table.Td>
                        {canAct && waiting && (
                          <Table.Td>
                            <Group gap={4} wrap="nowrap">
                              <Button
                                size="xs"
                                variant="light"
                                leftSection={<IconCalendarPlus size={14} aria-hidden />}
                                aria-label={t('recalls.bookNamed', { patient: r.patientName })}
                                onClick={() =>
                                  setBooking({
                                    providerId: r.providerId,
                                    date: r.dueDate.localeCompare(day) > 0 ? r.dueDate : day,
                                    time: '00:00',
                                    appointmentTypeId: r.appointmentTypeId,
                                    patient: { id: r.patientId, name: r.patientName },
                                    followUpId: r.id,
                                  })
                                }
                              >
                                {t('recalls.book')}
                              </Button>
                              <Button
                                size="xs"
                                variant="subtle"
                                leftSection={<IconPhone size={14} aria-hidden />}
                                aria-label={t('recalls.logCallNamed', { patient: r.patientName })}
                                onClick={() => setActing({ recall: r, action: 'contact' })}
                              >
                                {t('recalls.logCall')}
                              </Button>
                              <Button
                                size="xs"
                                variant="subtle"
                                color="gray"
                                aria-label={t('recalls.closeNamed', { patient: r.patientName })}
                                onClick={() => setActing({ recall: r, action: 'close' })}
                              >
                                {t('recalls.close')}
                              </Button>
                            </Group>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </QueryView>
        </Stack>
      </Paper>
      <BookDialog
        prefill={booking}
        onClose={() => setBooking(null)}
        onBooked={() => void recalls.refetch()}
        providers={providers.data ?? []}
        types={types.data ?? []}
        timezone={clinic.timezone}
      />
      <RecallNoteDialog acting={acting} onClose={() => setActing(null)} />
    </>
  );
}

/** How the patient was last reached (a message or a call), the latest message's fate, or "call": Tend cannot message them. */
function LastContact({ recall, timezone }: { recall: Recall; timezone: string }) {
  const contact = recall.lastContact;
  const message = recall.lastMessage;
  return (
    <Stack gap={2}>
      {contact ? (
        <Text size="sm">
          {t(`recalls.channel.${contact.channel}`)} · {formatDateTime(contact.at, timezone)}
          {contact.note ? ` — ${contact.note}` : ''}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          {t('recalls.notContacted')}
        </Text>
      )}
      {message && message.status !== 'sent' && message.status !== 'captured' && (
        <Text size="xs" c={message.status === 'failed' ? 'red.9' : 'dimmed'}>
          {t(`recalls.message.${message.status === 'failed' ? 'failed' : 'pending'}`, {
            channel: t(`recalls.channel.${message.channel}`),
          })}
          {message.error ? `: ${message.error}` : ''}
        </Text>
      )}
      {!recall.reachable && (
        <Group gap={4} wrap="nowrap">
          <IconPhone size={14} aria-hidden color="var(--mantine-color-orange-9)" />
          <Text size="xs" fw={600} c="orange.9">
            {t('recalls.unreachable')}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

/** Close a recall (a reason is required) or log a call about it (a short note). */
function RecallNoteDialog({
  acting,
  onClose,
}: {
  acting: { recall: Recall; action: 'close' | 'contact' } | null;
  onClose: () => void;
}) {
  const close = useCloseRecall();
  const call = useLogRecallCall();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const closing = acting?.action === 'close';
  const mutation = closing ? close : call;
  const done = () => {
    setText('');
    setProblem(null);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!acting) return;
    try {
      await mutation.mutateAsync({ id: acting.recall.id, body: closing ? { reason: text } : { note: text } });
      notifySuccess(t(closing ? 'recalls.closed' : 'recalls.callLogged', { patient: acting.recall.patientName }));
      done();
    } catch (error) {
      setProblem(isApiError(error) && error.fields.length ? error.fields[0].message : errorMessage(error));
    }
  };
  const patient = acting?.recall.patientName ?? '';
  return (
    <Modal
      opened={acting !== null}
      onClose={done}
      title={t(closing ? 'recalls.closeTitle' : 'recalls.logCallTitle', { patient })}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">{t(closing ? 'recalls.closeBody' : 'recalls.logCallBody')}</Text>
          <TextInput
            label={t(closing ? 'recalls.closeReason' : 'recalls.callNote')}
            placeholder={t(closing ? 'recalls.closeReasonExample' : 'recalls.callNoteExample')}
            required={closing}
            maxLength={closing ? 200 : 300}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            data-autofocus
          />
          {problem && (
            <Alert color="red" variant="light" role="alert">
              {problem}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={done} disabled={mutation.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={closing ? 'red' : undefined} loading={mutation.isPending}>
              {t(closing ? 'recalls.close' : 'recalls.logCall')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
