import { Badge, Group, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { type AuditEvent, type AuditSortField, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { formatTimestamp } from '../components/format';
import { AnchorLink } from '../components/links';
import type { AuditSort } from './api';
import { auditActionLabel, roleLabel, summarizeDetails } from './labels';

type Direction = 'ascending' | 'descending';

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: AuditSortField;
  sort: AuditSort;
  onSort: (key: AuditSortField) => void;
}) {
  const active = sort.sort === column;
  const direction: Direction = sort.dir === 'asc' ? 'ascending' : 'descending';
  const Icon = !active ? IconSelector : direction === 'ascending' ? IconArrowUp : IconArrowDown;
  return (
    <Table.Th aria-sort={active ? direction : 'none'} style={{ whiteSpace: 'nowrap' }}>
      <UnstyledButton onClick={() => onSort(column)} fw={700} fz="sm">
        <Group gap={4} wrap="nowrap">
          {label}
          <Icon size={14} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** The order after clicking a column: the other direction, or a new column (time newest first, others A–Z). */
export function nextAuditSort(current: AuditSort, key: AuditSortField): AuditSort {
  if (current.sort === key) return { sort: key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { sort: key, dir: key === 'occurredAt' ? 'desc' : 'asc' };
}

/** Audit events of one page, in the order the server sorted them; clicking a header sorts the whole log by it. */
export function AuditTable({
  events,
  showPatient = true,
  caption,
  sort,
  onSortChange,
}: {
  events: AuditEvent[];
  showPatient?: boolean;
  caption: string;
  sort: AuditSort;
  onSortChange: (sort: AuditSort) => void;
}) {
  const { clinic } = useSession();
  const onSort = (key: AuditSortField) => onSortChange(nextAuditSort(sort, key));
  const header = (label: string, column: AuditSortField) => (
    <SortHeader label={label} column={column} sort={sort} onSort={onSort} />
  );

  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover={false} fz="sm">
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            {header(t('audit.time'), 'occurredAt')}
            {header(t('audit.actor'), 'actorName')}
            {header(t('audit.role'), 'actorRole')}
            {header(t('audit.action'), 'action')}
            {showPatient && header(t('audit.patient'), 'patientName')}
            {header(t('audit.outcome'), 'outcome')}
            {header(t('audit.ip'), 'ip')}
            <Table.Th>{t('audit.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
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
