import { Button, Group, Paper, Stack, Table, VisuallyHidden } from '@mantine/core';
import { IconDownload, IconShare } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type Disclosure, t } from '@tend/domain';
import { useState } from 'react';
import { downloadFromApi, http } from '../api/client';
import { useSession } from '../auth/session';
import { formatTimestamp } from '../components/format';
import { Heading } from '../components/Heading';
import { notifyError, notifySuccess } from '../components/notify';
import { EmptyState, QueryView } from '../components/states';
import { auditActionLabel } from './labels';

/** The patient's accounting of disclosures: each time their information left the clinic, and to whom, why. */
export function PatientDisclosures({ patientId }: { patientId: string }) {
  const { clinic } = useSession();
  const [downloading, setDownloading] = useState(false);
  const disclosures = useQuery({
    queryKey: ['disclosures', patientId],
    queryFn: ({ signal }) => http.get<{ items: Disclosure[] }>(`/patients/${patientId}/disclosures`, {}, { signal }),
  });
  const download = async () => {
    setDownloading(true);
    try {
      const file = await downloadFromApi(`/patients/${patientId}/disclosures`, { format: 'csv' }, 'disclosures.csv');
      notifySuccess(t('audit.downloaded', { file }));
    } catch (error) {
      notifyError(error);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Heading order={2} size="h3" title={t('disclosures.title')} description={t('disclosures.description')} />
        <Button
          variant="light"
          size="xs"
          leftSection={<IconDownload size={14} aria-hidden />}
          loading={downloading}
          onClick={() => void download()}
        >
          {t('disclosures.downloadCsv')}
        </Button>
      </Group>
      <Paper withBorder radius="md" p="md">
        <QueryView
          query={disclosures}
          isEmpty={(data) => data.items.length === 0}
          empty={<EmptyState icon={<IconShare aria-hidden />} title={t('disclosures.none')} />}
        >
          {(data) => (
            <Table.ScrollContainer minWidth={700}>
              <Table striped fz="sm">
                <VisuallyHidden component="caption">{t('disclosures.title')}</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('disclosures.date')}</Table.Th>
                    <Table.Th>{t('disclosures.what')}</Table.Th>
                    <Table.Th>{t('disclosures.recipient')}</Table.Th>
                    <Table.Th>{t('disclosures.purpose')}</Table.Th>
                    <Table.Th>{t('disclosures.by')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((item) => (
                    <Table.Tr key={item.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {formatTimestamp(item.occurredAt, clinic.timezone)}
                      </Table.Td>
                      <Table.Td>{auditActionLabel(item.action)}</Table.Td>
                      <Table.Td>{item.recipient ?? ''}</Table.Td>
                      <Table.Td>{t(`disclosures.purpose.${item.purpose}`)}</Table.Td>
                      <Table.Td>{item.actorName ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryView>
      </Paper>
    </Stack>
  );
}
