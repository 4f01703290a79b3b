import { Stack } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { Heading } from '../components/Heading';
import { EmptyState } from '../components/states';
import { AuditEventsPanel } from './AuditEventsPanel';
import { type AuditSort, NEWEST_FIRST, useAuditEvents } from './api';

const PAGE_SIZE = 25;

/** "Who looked at this record": every read and change of this patient's chart. */
export function PatientHistory({ patientId }: { patientId: string }) {
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<AuditSort>(NEWEST_FIRST);
  const events = useAuditEvents({ patientId, ...sort, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return (
    <Stack gap="md">
      <Heading order={2} size="h3" title={t('history.title')} description={t('history.description')} />
      <AuditEventsPanel
        events={events}
        page={page}
        pageSize={PAGE_SIZE}
        onPageChange={setPage}
        empty={<EmptyState icon={<IconHistory aria-hidden />} title={t('history.none')} />}
        caption={t('history.title')}
        showPatient={false}
        sort={sort}
        onSortChange={(next) => {
          setSort(next);
          setPage(1);
        }}
      />
    </Stack>
  );
}
