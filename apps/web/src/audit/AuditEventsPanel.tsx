import { Paper } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { AuditEvent } from '@tend/domain';
import type { ReactNode } from 'react';
import { TotalPager } from '../components/Pager';
import { QueryView } from '../components/states';
import { AuditTable } from './AuditTable';
import type { AuditSort } from './api';

/** One page of audit events in a card, with the pager; `empty` when there are none. */
export function AuditEventsPanel({
  events,
  page,
  pageSize,
  onPageChange,
  empty,
  caption,
  showPatient,
  sort,
  onSortChange,
}: {
  events: UseQueryResult<{ items: AuditEvent[]; total: number }>;
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  empty: ReactNode;
  caption: string;
  showPatient?: boolean;
  sort: AuditSort;
  onSortChange: (sort: AuditSort) => void;
}) {
  return (
    <Paper withBorder radius="md" p="md">
      <QueryView query={events} isEmpty={(data) => data.items.length === 0} empty={empty}>
        {(data) => (
          <>
            <AuditTable
              events={data.items}
              showPatient={showPatient}
              caption={caption}
              sort={sort}
              onSortChange={onSortChange}
            />
            <TotalPager page={page} pageSize={pageSize} total={data.total} onChange={onPageChange} />
          </>
        )}
      </QueryView>
    </Paper>
  );
}
