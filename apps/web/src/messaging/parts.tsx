import { Badge, Group, Text } from '@mantine/core';
import { IconMail, IconMessage } from '@tabler/icons-react';
import {
  type Channel,
  MESSAGE_KINDS,
  type MessageKind,
  type MessageStatus,
  type MessageSummary,
  t,
} from '@tend/domain';

/** Small pieces the outbox and the chart's Messages tab share. */

const STATUS_COLOR: Record<MessageStatus, string> = {
  queued: 'blue',
  sending: 'blue',
  sent: 'green',
  failed: 'red',
  captured: 'grape',
  withdrawn: 'gray',
};

export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLOR[status]} size="sm">
      {t(`outbox.status.${status}`)}
    </Badge>
  );
}

/** An envelope for email, a speech bubble for a text, with the channel's name. */
export function ChannelIcon({ channel }: { channel: Channel }) {
  const label = t(`messages.channel.${channel}`);
  const Icon = channel === 'sms' ? IconMessage : IconMail;
  return (
    <Group gap={4} wrap="nowrap" component="span">
      <Icon size={16} aria-hidden stroke={1.6} />
      <Text span size="sm">
        {label}
      </Text>
    </Group>
  );
}

export function kindLabel(message: Pick<MessageSummary, 'kind' | 'subject' | 'channel'>): string {
  if (message.kind && (MESSAGE_KINDS as readonly string[]).includes(message.kind)) {
    return t(`messages.kind.${message.kind as MessageKind}`);
  }
  return message.channel === 'email' && message.subject ? message.subject : t('messages.kind.other');
}
