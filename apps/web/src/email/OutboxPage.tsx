import {
  Alert,
  Anchor,
  Button,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconAlertCircle,
  IconDownload,
  IconMailbox,
  IconPaperclip,
  IconRefresh,
  IconSearch,
} from '@tabler/icons-react';
import {
  type Channel,
  EMAIL_STATUSES,
  type EmailMessage,
  type EmailMessageSummary,
  type EmailStatus,
  t,
} from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { displayPhone, formatDateTime } from '../components/format';
import { errorMessage, notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { EmptyState, QueryView } from '../components/states';
import { useRetryMessage } from '../messaging/api';
import { ChannelIcon, kindLabel, MessageStatusBadge } from '../messaging/parts';
import { attachmentUrl, useEmailMessage, useEmailMessages } from './api';

const PAGE_SIZE = 25;

/** An email's subject; a text has none, so what it is (a reminder…) stands in. */
function subjectOf(message: Pick<EmailMessageSummary, 'subject' | 'channel' | 'kind'>): string {
  if (message.channel === 'email') return message.subject;
  return message.kind ? `${t('outbox.textMessage')}: ${kindLabel(message)}` : t('outbox.textMessage');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return t('outbox.size.bytes', { size: bytes });
  if (bytes < 1024 * 1024) return t('outbox.size.kb', { size: Math.round(bytes / 102.4) / 10 });
  return t('outbox.size.mb', { size: Math.round(bytes / (1024 * 102.4)) / 10 });
}

/** The outbox: every email, sent, failed or captured; open one to read it and download its files. */
export function OutboxPage() {
  const { clinic } = useSession();
  const [status, setStatus] = useState<EmailStatus | 'all'>('all');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [channel, setChannel] = useState<Channel | 'all'>('all');
  const [open, setOpen] = useState<{ id: string; channel: Channel } | null>(null);
  const messages = useEmailMessages({
    status: status === 'all' ? null : status,
    channel: channel === 'all' ? null : channel,
    q,
    page,
    pageSize: PAGE_SIZE,
  });
  const filtered = status !== 'all' || channel !== 'all' || q !== '';

  return (
    <>
      <PageHeader title={t('outbox.title')} description={t('outbox.description')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Group justify="space-between" align="flex-end" mb="md" gap="md">
          <TextInput
            label={t('outbox.search')}
            type="search"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={{ base: '100%', sm: 340 }}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="outbox-channel">
              {t('outbox.channel')}
            </Text>
            <SegmentedControl
              aria-labelledby="outbox-channel"
              value={channel}
              onChange={(value) => {
                setChannel(value as Channel | 'all');
                setPage(1);
              }}
              data={[
                { value: 'all', label: t('messages.channel.all') },
                { value: 'email', label: t('messages.channel.email') },
                { value: 'sms', label: t('messages.channel.sms') },
              ]}
            />
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="outbox-status">
              {t('outbox.status')}
            </Text>
            <SegmentedControl
              aria-labelledby="outbox-status"
              value={status}
              onChange={(value) => {
                setStatus(value as EmailStatus | 'all');
                setPage(1);
              }}
              data={[
                { value: 'all', label: t('outbox.status.all') },
                ...EMAIL_STATUSES.filter((s) => s !== 'sending').map((s) => ({
                  value: s,
                  label: t(`outbox.status.${s}`),
                })),
              ]}
            />
          </Stack>
        </Group>
        <QueryView
          query={messages}
          isEmpty={(data) => data.total === 0}
          empty={
            <EmptyState
              icon={<IconMailbox aria-hidden />}
              title={filtered ? t('outbox.noMatch') : t('outbox.none')}
              description={filtered ? undefined : t('outbox.noneHint')}
            />
          }
        >
          {(data) => (
            <>
              <Table.ScrollContainer minWidth={720}>
                <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('outbox.messages')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('outbox.date')}</Table.Th>
                      <Table.Th>{t('outbox.channel')}</Table.Th>
                      <Table.Th>{t('outbox.to')}</Table.Th>
                      <Table.Th>{t('outbox.subject')}</Table.Th>
                      <Table.Th>{t('outbox.status')}</Table.Th>
                      <Table.Th>{t('outbox.by')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((message) => (
                      <Table.Tr key={message.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          {formatDateTime(message.createdAt, clinic.timezone)}
                        </Table.Td>
                        <Table.Td>
                          <ChannelIcon channel={message.channel} />
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          {message.channel === 'sms' ? displayPhone(message.to) : message.to}
                        </Table.Td>
                        <Table.Td>
                          <UnstyledButton
                            onClick={() => setOpen({ id: message.id, channel: message.channel })}
                            aria-label={t('outbox.open', { to: message.to, subject: subjectOf(message) })}
                          >
                            <Text size="sm" fw={600} c="blue.8" td="underline">
                              {subjectOf(message)}
                            </Text>
                          </UnstyledButton>
                          {message.attachmentCount > 0 && (
                            <Text size="xs" c="dimmed" span ml={6}>
                              <IconPaperclip size={12} aria-hidden />{' '}
                              {t('outbox.attachmentCount', { count: message.attachmentCount })}
                            </Text>
                          )}
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
                        <Table.Td>{message.createdByName ?? ''}</Table.Td>
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
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="xl"
        title={open?.channel === 'sms' ? t('outbox.textMessage') : t('outbox.message')}
      >
        {open && <MessageView id={open.id} />}
      </Drawer>
    </>
  );
}

function MessageView({ id }: { id: string }) {
  const message = useEmailMessage(id);
  return (
    <QueryView query={message} isEmpty={() => false} empty={null}>
      {(data) => <MessageDetails message={data} />}
    </QueryView>
  );
}

function MessageDetails({ message }: { message: EmailMessage }) {
  const { clinic, can } = useSession();
  const retry = useRetryMessage();
  const send = async () => {
    try {
      await retry.mutateAsync(message.id);
      notifySuccess(t('messages.retried'));
    } catch (caught) {
      notifyError(caught, t('messages.retryFailed'));
    }
  };
  const row = (label: string, value: string | null) =>
    value ? (
      <Table.Tr>
        <Table.Th w={120} fw={500} c="dimmed">
          {label}
        </Table.Th>
        <Table.Td>{value}</Table.Td>
      </Table.Tr>
    ) : null;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Title order={2} fz="lg" style={{ overflowWrap: 'anywhere' }}>
          {subjectOf(message)}
        </Title>
        <MessageStatusBadge status={message.status} />
      </Group>
      <Table fz="sm" verticalSpacing={4} withRowBorders={false}>
        <Table.Tbody>
          {row(t('outbox.to'), message.to)}
          {row(t('outbox.created'), formatDateTime(message.createdAt, clinic.timezone))}
          {row(
            t('outbox.sendAfter'),
            message.status === 'queued' ? formatDateTime(message.sendAfter, clinic.timezone) : null,
          )}
          {row(t('outbox.sentAt'), message.sentAt ? formatDateTime(message.sentAt, clinic.timezone) : null)}
          {row(t('outbox.deliveryStatus'), message.deliveryStatus)}
          {row(t('outbox.withdrawnReason'), message.withdrawnReason)}
          {row(t('outbox.from'), message.createdByName)}
          {row(t('outbox.attempts'), message.attempts > 1 ? String(message.attempts) : null)}
          {row(t('outbox.related'), message.relatedType ? `${message.relatedType} ${message.relatedId}` : null)}
        </Table.Tbody>
      </Table>
      {message.status === 'captured' && (
        <Text size="sm" c="dimmed">
          {t('outbox.capturedHint')}
        </Text>
      )}
      {message.status !== 'failed' && message.error && (
        <Text size="sm" c="red.8">
          {message.error}
        </Text>
      )}
      {message.status === 'failed' && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle aria-hidden />}
          title={t('outbox.error')}
          role="alert"
        >
          <Stack gap="sm" align="flex-start">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {message.error}
            </Text>
            {can('email.send') && (
              <Button
                size="xs"
                leftSection={<IconRefresh size={14} aria-hidden />}
                onClick={send}
                loading={retry.isPending}
              >
                {t('outbox.retry')}
              </Button>
            )}
          </Stack>
        </Alert>
      )}
      <Stack gap={4}>
        <Text size="sm" fw={600} id="outbox-text">
          {t('outbox.text')}
        </Text>
        <Paper
          withBorder
          p="md"
          radius="sm"
          bg="gray.0"
          aria-labelledby="outbox-text"
          role="document"
          style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 'var(--mantine-font-size-sm)' }}
        >
          {message.text}
        </Paper>
      </Stack>
      {message.attachments.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('outbox.attachments')}
          </Text>
          {message.attachments.map((attachment) => (
            <Group key={attachment.index} gap="xs">
              <IconPaperclip size={14} aria-hidden />
              <Anchor
                href={attachmentUrl(message.id, attachment.index)}
                download={attachment.filename}
                size="sm"
                aria-label={t('outbox.download', { filename: attachment.filename })}
              >
                {attachment.filename}
              </Anchor>
              <Text size="xs" c="dimmed">
                {attachment.contentType} · {formatSize(attachment.size)}
              </Text>
              <IconDownload size={14} aria-hidden />
            </Group>
          ))}
        </Stack>
      )}
      {retry.isError && <Text size="sm">{errorMessage(retry.error)}</Text>}
    </Stack>
  );
}
