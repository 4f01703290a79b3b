import { Badge, Group, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { type AuditEvent, t } from '@tend/domain';
import { useMemo, useState } from 'react';
import { useSession } from '../auth/session';
import { formatTimestamp } from '../components/format';
import { AnchorLink } from '../components/links';
import { auditActionLabel, roleLabel, summarizeDetails } from './labels';

type SortKey = 'occurredAt' | 'actor' | 'role' | 'action' | 'patient' | 'outcome' | 'ip';
type Direction = 'ascending' | 'descending';

const value = (event: AuditEvent, key: SortKey): string => {
  switch (key) {
    case 'occurredAt':
      return event.occurredAt;
    case 'actor':
      return (event.actorName ?? event.actorEmail ?? '').toLowerCase();
    case 'role':
      return roleLabel(event.actorRole);
    case 'action':
      return auditActionLabel(event.action);
    case 'patient':
      return (event.patientName ?? '').toLowerCase();
    case 'outcome':
      return event.outcome;
    case 'ip':
      return event.ip ?? '';
  }
};

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: SortKey;
  sort: { key: SortKey; direction: Direction };
  onSort: (key: SortKey) => void;
}) {
  const active = sort.key === column;
  const Icon = !active ? IconSelector : sort.direction === 'ascending' ? IconArrowUp : IconArrowDown;
  return (
    <Table.Th aria-sort={active ? sort.direction : 'none'} style={{ whiteSpace: 'nowrap' }}>
      <UnstyledButton onClick={() => onSort(column)} fw={700} fz="sm">
        <Group gap={4} wrap="nowrap">
          {label}
          <Icon size={14} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** Audit events of one page, sortable by any column (newest first by default). */
export function AuditTable({
  events,
  showPatient = true,
  caption,
}: {
  events: AuditEvent[];
  showPatient?: boolean;
  caption: string;
}) {
  const { clinic } = useSession();
  const [sort, setSort] = useState<{ key: SortKey; direction: Direction }>({
    key: 'occurredAt',
    direction: 'descending',
  });
  const sorted = useMemo(() => {
    const factor = sort.direction === 'ascending' ? 1 : -1;
    return [...events].sort((a, b) => factor * value(a, sort.key).localeCompare(value(b, sort.key)));
  }, [events, sort]);
  const onSort = (key: SortKey) =>
    setSort((current) =>
      current.key === key
        ? { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
        : { key, direction: key === 'occurredAt' ? 'descending' : 'ascending' },
    );
  const header = (label: string, column: SortKey) => (
    <SortHeader label={label} column={column} sort={sort} onSort={onSort} />
  );

  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover={false} fz="sm">
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            {header(t('audit.time'), 'occurredAt')}
            {header(t('audit.actor'), 'actor')}
            {header(t('audit.role'), 'role')}
            {header(t('audit.action'), 'action')}
            {showPatient && header(t('audit.patient'), 'patient')}
            {header(t('audit.outcome'), 'outcome')}
            {header(t('audit.ip'), 'ip')}
            <Table.Th>{t('audit.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((event) => (
            <Table.Tr key={event.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTimestamp(event.occurredAt, clinic.timezone)}</Table.Td>
              <Table.Td>
                {event.actorName ?? (
                  <Text span c="dimmed" size="sm">
                    {t('audit.unknownActor')}
                  </Text>
                )}
                {event.actorEmail && (
                  <Text size="xs" c="dimmed">
                    {event.actorEmail}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{roleLabel(event.actorRole)}</Table.Td>
              <Table.Td>{auditActionLabel(event.action)}</Table.Td>
              {showPatient && (
                <Table.Td>
                  {event.patientId && event.patientName ? (
                    <AnchorLink to="/patients/$patientId" params={{ patientId: event.patientId }} size="sm">
                      {event.patientName}
                    </AnchorLink>
                  ) : (
                    ''
                  )}
                </Table.Td>
              )}
              <Table.Td>
                <Badge variant="light" color={event.outcome === 'success' ? 'green' : 'red'} size="sm">
                  {t(`audit.outcome.${event.outcome}`)}
                </Badge>
              </Table.Td>
              <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                {event.ip ?? ''}
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed" lineClamp={2} maw={260}>
                  {summarizeDetails(event.details)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
