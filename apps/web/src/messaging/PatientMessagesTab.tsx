import { Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconMessages, IconRefresh } from '@tabler/icons-react';
import { type Channel, type MessageSummary, type Patient, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { displayPhone, formatDateTime } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { TotalPager } from '../components/Pager';
import { EmptyState, QueryView } from '../components/states';
import { useUpdatePatient } from '../patients/api';
import { usePatientMessages, useRetryMessage } from './api';
import { ChannelIcon, kindLabel, MessageStatusBadge } from './parts';

const PAGE_SIZE = 20;

/** The chart's Messages tab: whether the patient takes texts and email, and what was sent to them. */
export function PatientMessagesTab({ patient }: { patient: Patient }) {
  return (
    <Stack gap="lg">
      <ContactPreferences patient={patient} />
      <MessageLog patientId={patient.id} />
    </Stack>
  );
}

function ContactPreferences({ patient }: { patient: Patient }) {
  const { can, clinic } = useSession();
  const update = useUpdatePatient(patient.id);
  const editable = can('patient.write');
  const set = async (field: 'smsOptOut' | 'emailOptOut', value: boolean) => {
    try {
      await update.mutateAsync({ [field]: value });
      notifySuccess(t('messages.optOutSaved'));
    } catch (caught) {
      notifyError(caught);
    }
  };
  return (
    <Paper withBorder radius="md" p="lg" component="section">
      <Title order={2} size="h4" mb="sm">
        {t('messages.preferences')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Switch
          label={t('messages.smsOptOut')}
          description={
            patient.smsOptOutAt
              ? `${t('messages.smsOptOutHint')} ${t('messages.smsOptOutSince', { when: formatDateTime(patient.smsOptOutAt, clinic.timezone) })}`
              : t('messages.smsOptOutHint')
          }
          checked={patient.smsOptOut}
          disabled={!editable || update.isPending}
          onChange={(event) => void set('smsOptOut', event.currentTarget.checked)}
        />
        <Switch
          label={t('messages.emailOptOut')}
          description={t('messages.emailOptOutHint')}
          checked={patient.emailOptOut}
          disabled={!editable || update.isPending}
          onChange={(event) => void set('emailOptOut', event.currentTarget.checked)}
        />
      </SimpleGrid>
    </Paper>
  );
}

function MessageLog({ patientId }: { patientId: string }) {
  const { clinic, can } = useSession();
  const [channel, setChannel] = useState<Channel | 'all'>('all');
  const [page, setPage] = useState(1);
  const messages = usePatientMessages(patientId, {
    channel: channel === 'all' ? null : channel,
    page,
    pageSize: PAGE_SIZE,
  });
  return (
    <Paper withBorder radius="md" p="lg" component="section">
      <Group justify="space-between" align="flex-end" mb="md">
        <Title order={2} size="h4">
          {t('messages.log')}
        </Title>
        <SegmentedControl
          aria-label={t('messages.channel')}
          size="xs"
          value={channel}
          onChange={(value) => {
            setChannel(value as Channel | 'all');
            setPage(1);
          }}
          data={[
            { value: 'all', label: t('messages.channel.all') },
            { value: 'sms', label: t('messages.channel.sms') },
            { value: 'email', label: t('messages.channel.email') },
          ]}
        />
      </Group>
      <QueryView
        query={messages}
        isEmpty={(data) => data.total === 0}
        empty={
          <EmptyState
            icon={<IconMessages aria-hidden />}
            title={t('messages.none')}
            description={t('messages.noneHint')}
          />
        }
      >
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table fz="sm" verticalSpacing={8} aria-label={t('messages.logLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('messages.when')}</Table.Th>
                    <Table.Th>{t('messages.channel')}</Table.Th>
                    <Table.Th>{t('messages.kind')}</Table.Th>
                    <Table.Th>{t('messages.to')}</Table.Th>
                    <Table.Th>{t('messages.status')}</Table.Th>
                    <Table.Th>{t('messages.notes')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((message) => (
                    <Table.Tr key={message.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(message.sentAt ?? message.createdAt, clinic.timezone)}
                        {message.status === 'queued' && (
                          <Text size="xs" c="dimmed">
                            {t('messages.dueAt', { when: formatDateTime(message.sendAfter, clinic.timezone) })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <ChannelIcon channel={message.channel} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{kindLabel(message)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {message.channel === 'sms' ? displayPhone(message.to) : message.to}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Stack gap={2} align="flex-start">
                          <MessageStatusBadge status={message.status} />
                          {message.deliveryStatus && (
                            <Text size="xs" c="dimmed">
                              {t('messages.delivery', { status: message.deliveryStatus })}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={6} align="flex-start">
                          <Text size="sm" c={message.status === 'failed' ? 'red.8' : 'dimmed'} maw={320}>
                            {message.withdrawnReason ?? message.error ?? ''}
                          </Text>
                          {message.status === 'failed' && can('email.send') && <RetryButton message={message} />}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <TotalPager page={page} pageSize={PAGE_SIZE} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryView>
    </Paper>
  );
}

/** A failed message goes back to the queue; the list shows it going out. */
function RetryButton({ message }: { message: MessageSummary }) {
  const retry = useRetryMessage();
  const send = async () => {
    try {
      await retry.mutateAsync(message.id);
      notifySuccess(t('messages.retried'));
    } catch (caught) {
      notifyError(caught, t('messages.retryFailed'));
    }
  };
  const to = message.channel === 'sms' ? displayPhone(message.to) : message.to;
  return (
    <Button
      size="compact-xs"
      variant="light"
      leftSection={<IconRefresh size={14} aria-hidden />}
      onClick={() => void send()}
      loading={retry.isPending}
      aria-label={t('messages.retryOf', { kind: kindLabel(message).toLowerCase(), to })}
    >
      {t('messages.retry')}
    </Button>
  );
}
