import { Button, Grid, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconStethoscope } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type Encounter, t } from '@tend/domain';
import { useState } from 'react';
import { useProviders } from '../admin/api';
import { http } from '../api/client';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { notifyError } from '../components/notify';
import { QueryView } from '../components/states';
import { providerName } from '../schedule/shared';
import { usePatientVisits, visitKeys } from './api';
import { ChartColumn } from './ChartColumn';
import { NoteState } from './OpenVisitButton';

/**
 * The chart's clinical tab (clinical staff): allergies, problems, medications and trends, every
 * visit of the patient, and a walk-in visit for someone who came without an appointment.
 */
export function ClinicalTab({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const visits = usePatientVisits(patientId);
  const providers = useProviders();
  const providerOf = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));
  return (
    <Grid gap="lg" align="flex-start">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="md">
          {can('clinical.write') && <WalkIn patientId={patientId} />}
          <Paper withBorder radius="md" p="md" component="section" aria-labelledby="visits-heading">
            <Title order={2} size="h4" id="visits-heading" mb="sm">
              {t('visit.chart.visits')}
            </Title>
            <QueryView
              query={visits}
              isEmpty={(list) => list.items.length === 0}
              empty={
                <Text size="sm" c="dimmed">
                  {t('visit.chart.noVisits')}
                </Text>
              }
            >
              {({ items, truncated }) => (
                <>
                  {truncated && (
                    <Text size="sm" c="dimmed" mb="xs">
                      {t('visit.chart.truncated')}
                    </Text>
                  )}
                  <Table verticalSpacing={6} fz="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('visit.chart.date')}</Table.Th>
                        <Table.Th>{t('schedule.provider')}</Table.Th>
                        <Table.Th>{t('visit.chart.diagnoses')}</Table.Th>
                        <Table.Th>{t('common.status')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {[...items].reverse().map((visit) => (
                        <Table.Tr key={visit.id}>
                          <Table.Td>
                            <AnchorLink to="/visits/$id" params={{ id: visit.id }}>
                              {formatDate(visit.serviceDate)}
                            </AnchorLink>
                          </Table.Td>
                          <Table.Td>{providerOf.get(visit.providerId) ?? ''}</Table.Td>
                          <Table.Td>
                            {visit.diagnoses.map((d) => `${d.code} ${d.description}`).join('; ') || '—'}
                          </Table.Td>
                          <Table.Td>
                            <NoteState visit={visit} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </>
              )}
            </QueryView>
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <ChartColumn patientId={patientId} canEdit={can('clinical.write')} />
      </Grid.Col>
    </Grid>
  );
}

/** Opens a visit without an appointment, with the signed-in provider (or one chosen). */
function WalkIn({ patientId }: { patientId: string }) {
  const { user } = useSession();
  const providers = useProviders();
  const navigate = useNavigate();
  const client = useQueryClient();
  const active = (providers.data ?? []).filter((p) => p.active);
  const own = active.find((p) => p.userId === user.id);
  const [chosen, setChosen] = useState<string | null>(null);
  const providerId = chosen ?? own?.id ?? null;
  const open = useMutation({
    mutationFn: () => http.post<Encounter>('/encounters', { patientId, providerId }),
    onSuccess: (encounter) => {
      client.setQueryData(visitKeys.encounter(encounter.id), encounter);
      void client.invalidateQueries({ queryKey: ['encounters', 'list'] });
      void navigate({ to: '/visits/$id', params: { id: encounter.id } });
    },
    onError: (error) => notifyError(error),
  });
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t('visit.chart.walkIn')}>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label={t('visit.chart.walkInProvider')}
          data={active.map((p) => ({ value: p.id, label: providerName(p) }))}
          value={providerId}
          onChange={setChosen}
          allowDeselect={false}
          w={260}
        />
        <Button
          leftSection={<IconStethoscope size={16} aria-hidden />}
          onClick={() => open.mutate()}
          disabled={!providerId}
          loading={open.isPending}
        >
          {t('visit.chart.walkIn')}
        </Button>
        <Text size="xs" c="dimmed" maw={320}>
          {t('visit.chart.walkInHint')}
        </Text>
      </Group>
    </Paper>
  );
}
