import { Button, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type MessageKey, t } from '@tend/domain';
import { type ReactNode, useEffect, useState } from 'react';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { QueryView } from '../components/states';
import { isDate } from '../schedule/time';
import { type AgingBuckets, type AgingRow, useArAging } from './api';
import { Money } from './shared';

const route = getRouteApi('/billing/aging');

/** Patients shown per page (the server pages the list: a network has tens of thousands who owe). */
const PATIENT_PAGE = 50;

const BUCKETS: { key: keyof AgingBuckets; label: MessageKey }[] = [
  { key: 'd0to30', label: 'aging.d0to30' },
  { key: 'd31to60', label: 'aging.d31to60' },
  { key: 'd61to90', label: 'aging.d61to90' },
  { key: 'd90plus', label: 'aging.d90plus' },
];

/** A/R aging: what insurers and patients still owe, by how long since the date of service. */
export function AgingPage() {
  const { today } = useSession();
  const { asOf: asOfParam } = route.useSearch();
  const navigate = useNavigate();
  const asOf = asOfParam ?? today();
  const [typed, setTyped] = useState(asOf);
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  // Another date or name: back to the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when these change
  useEffect(() => setPage(1), [asOf, query]);
  const aging = useArAging(asOf, { limit: PATIENT_PAGE, offset: (page - 1) * PATIENT_PAGE, query });
  const apply = (value: string) => {
    if (!isDate(value)) return;
    void navigate({ to: '/billing/aging', search: { asOf: value === today() ? undefined : value }, replace: true });
  };
  const invalid = typed !== '' && !isDate(typed);

  return (
    <>
      <PageHeader
        title={t('aging.title')}
        description={t('aging.description')}
        actions={
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              apply(typed);
            }}
          >
            <Group align="flex-start" gap="xs">
              <DateField
                label={t('aging.asOf')}
                value={typed}
                onChange={(value) => {
                  setTyped(value);
                  if (isDate(value)) apply(value);
                }}
                error={invalid ? t('validation.date') : undefined}
                w={180}
              />
              {asOfParam && (
                <Button
                  variant="subtle"
                  mt={25}
                  onClick={() => {
                    setTyped(today());
                    void navigate({ to: '/billing/aging', search: {}, replace: true });
                  }}
                >
                  {t('aging.today')}
                </Button>
              )}
            </Group>
          </form>
        }
      />
      <QueryView query={aging} isEmpty={() => false} empty={null}>
        {(report) => (
          <Stack gap="lg">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <TotalsCard title={t('aging.insurers')} totals={report.totals.insurer} testId="aging-insurer" />
              <TotalsCard title={t('aging.patients')} totals={report.totals.patient} testId="aging-patient" />
            </SimpleGrid>
            <Text size="sm" c="dimmed">
              {t('aging.asOfLine', { date: formatDate(report.asOf) })}
            </Text>
            <BucketTable
              id="aging-by-payer"
              title={t('aging.byPayer')}
              nameLabel={t('aging.payer')}
              rows={report.byPayer}
              totals={report.totals.insurer}
              emptyText={t('aging.noneInsurers')}
              link={(row) => (
                <AnchorLink to="/billing/payments" search={{ payerId: row.id }} size="sm" fw={600}>
                  {row.name}
                </AnchorLink>
              )}
            />
            <BucketTable
              id="aging-by-patient"
              title={t('aging.byPatient')}
              nameLabel={t('aging.patient')}
              rows={report.byPatient}
              totals={report.totals.patient}
              emptyText={query ? t('aging.noPatientMatch') : t('aging.nonePatients')}
              keepSorted
              header={
                <Group justify="space-between" align="flex-end" mb="sm">
                  <Text size="sm" data-testid="aging-patient-count">
                    {report.patientCount === 0
                      ? null
                      : report.patientCount === 1
                        ? t('aging.patientCountOne')
                        : t('aging.patientCount', { count: report.patientCount.toLocaleString() })}
                  </Text>
                  <TextInput
                    label={t('aging.patientSearch')}
                    value={search}
                    onChange={(event) => setSearch(event.currentTarget.value)}
                    w={240}
                  />
                </Group>
              }
              footer={
                report.patientCount > PATIENT_PAGE && (
                  <TotalPager page={page} pageSize={PATIENT_PAGE} total={report.patientCount} onChange={setPage} />
                )
              }
              link={(row) => (
                <AnchorLink
                  to="/patients/$patientId"
                  params={{ patientId: row.id }}
                  search={{ tab: 'balance' }}
                  size="sm"
                  fw={600}
                >
                  {row.name}
                </AnchorLink>
              )}
            />
          </Stack>
        )}
      </QueryView>
    </>
  );
}

function TotalsCard({ title, totals, testId }: { title: string; totals: AgingBuckets; testId: string }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title} data-testid={testId}>
      <Group justify="space-between" align="baseline" mb="sm">
        <Title order={2} fz="lg">
          {title}
        </Title>
        <Money cents={totals.total} fz={24} fw={700} data-testid={`${testId}-total`} />
      </Group>
      <SimpleGrid cols={4} spacing="xs">
        {BUCKETS.map(({ key, label }) => (
          <div key={key}>
            <Text size="xs" c="dimmed">
              {t(label)}
            </Text>
            <Money cents={totals[key]} fw={600} c={totals[key] > 0 && key !== 'd0to30' ? 'orange.9' : undefined} />
          </div>
        ))}
      </SimpleGrid>
    </Paper>
  );
}

function BucketTable({
  id,
  title,
  nameLabel,
  rows,
  totals,
  emptyText,
  keepSorted = false,
  header,
  footer,
  link,
}: {
  id: string;
  title: string;
  nameLabel: string;
  rows: AgingRow[];
  totals: AgingBuckets;
  emptyText: string;
  /** The rows are one page, already in the server's order. */
  keepSorted?: boolean;
  header?: ReactNode;
  footer?: ReactNode;
  link: (row: AgingRow) => ReactNode;
}) {
  const sorted = keepSorted ? rows : [...rows].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby={id}>
      <Title order={2} fz="lg" id={id} mb="sm">
        {title}
      </Title>
      {header}
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          {emptyText}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table fz="sm" verticalSpacing={6} highlightOnHover aria-labelledby={id}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="28%">{nameLabel}</Table.Th>
                {BUCKETS.map(({ key, label }) => (
                  <Table.Th key={key} ta="right">
                    {t(label)}
                  </Table.Th>
                ))}
                <Table.Th ta="right">{t('aging.total')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td>{link(row)}</Table.Td>
                  {BUCKETS.map(({ key }) => (
                    <Table.Td key={key} ta="right">
                      <Money cents={row[key]} c={row[key] === 0 ? 'dimmed' : undefined} />
                    </Table.Td>
                  ))}
                  <Table.Td ta="right">
                    <Money cents={row.total} fw={700} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th>{t('aging.total')}</Table.Th>
                {BUCKETS.map(({ key }) => (
                  <Table.Td key={key} ta="right">
                    <Money cents={totals[key]} fw={700} />
                  </Table.Td>
                ))}
                <Table.Td ta="right">
                  <Money cents={totals.total} fw={700} />
                </Table.Td>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </Table.ScrollContainer>
      )}
      {footer}
    </Paper>
  );
}
