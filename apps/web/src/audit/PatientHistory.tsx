import { Paper, Stack, Text, Title } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { TotalPager } from '../components/Pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { AuditTable } from './AuditTable';
import { useAuditEvents } from './api';

const PAGE_SIZE = 25;

/** "Who looked at this record": every read and change of this patient's chart. */
export function PatientHistory({ patientId }: { patientId: string }) {
  const [page, setPage] = useState(1);
  const events = useAuditEvents({ patientId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return (
    <Stack gap="md">
      <div>
        <Title order={2} size="h3">
          {t('history.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('history.description')}
        </Text>
      </div>
      <Paper withBorder radius="md" p="md">
        {events.isPending ? (
          <Loading />
        ) : events.isError ? (
          <ErrorState error={events.error} onRetry={() => void events.refetch()} />
        ) : events.data.items.length === 0 ? (
          <EmptyState icon={<IconHistory aria-hidden />} title={t('history.none')} />
        ) : (
          <>
            <AuditTable events={events.data.items} showPatient={false} caption={t('history.title')} />
            <TotalPager page={page} pageSize={PAGE_SIZE} total={events.data.total} onChange={setPage} />
          </>
        )}
      </Paper>
    </Stack>
  );
}
