import { BarChart, LineChart } from '@mantine/charts';
import {
  Box,
  Button,
  Drawer,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconDownload, IconPrinter } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import {
  type AppointmentMetric,
  addDaysTo,
  type Figure,
  formatFigure,
  isPeriodGroup,
  periodStart,
  REPORT_GROUPS_OF,
  type ReportColumn,
  type ReportGroup,
  type ReportResult,
  t,
} from '@tend/domain';
import { useEffect, useState } from 'react';
import { useLocations, useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate, formatDateTime } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/states';
import { providerName } from '../schedule/shared';
import { isDate } from '../schedule/time';
import { downloadReportCsv, type ReportFilters, useAppointmentReportRows, useAppointmentsReport } from './api';

const route = getRouteApi('/reports/appointments');

type Preset = 'thisWeek' | 'lastWeek' | 'thisMonth' | 'lastMonth';
const PRESETS: Preset[] = ['thisWeek', 'lastWeek', 'thisMonth', 'lastMonth'];

function presetRange(preset: Preset, today: string): { from: string; to: string } {
  const monday = periodStart(today, 'week');
  const first = periodStart(today, 'month');
  const lastMonthFirst = periodStart(addDaysTo(first, -1), 'month');
  switch (preset) {
    case 'thisWeek':
      return { from: monday, to: addDaysTo(monday, 6) };
    case 'lastWeek':
      return { from: addDaysTo(monday, -7), to: addDaysTo(monday, -1) };
    case 'thisMonth':
      return { from: first, to: addDaysTo(periodStart(addDaysTo(first, 31), 'month'), -1) };
    case 'lastMonth':
      return { from: lastMonthFirst, to: addDaysTo(first, -1) };
  }
}

/** The status columns the chart stacks, with their colours (as the schedule's badges). */
const STATUS_SERIES = [
  { name: 'completed', color: 'teal.6' },
  { name: 'arrived', color: 'cyan.5' },
  { name: 'scheduled', color: 'blue.4' },
  { name: 'cancelled', color: 'gray.5' },
  { name: 'lateCancelled', color: 'yellow.6' },
  { name: 'noShow', color: 'red.6' },
];

/** The summary cards: a figure, how it is counted, and the rows it opens. */
const CARDS = ['total', 'onTimeRate', 'noShowRate', 'lateCancelRate', 'waitMinutesAverage', 'leadDaysAverage'];

/** Figures line up on the right in the rows' table. */
const RIGHT_KINDS = new Set(['count', 'percent', 'cents', 'minutes', 'days']);

interface Drill {
  column: ReportColumn;
  from: string;
  to: string;
  /** A row grouped by provider/location narrows its drill-down to it. */
  filter: Record<string, string>;
}

/** Appointments report: volume by status, no-shows, late cancellations, lead time, on-time starts, waiting. */
export function AppointmentsReportPage() {
  const { today, clinic } = useSession();
  const search = route.useSearch();
  const navigate = useNavigate();
  const week = presetRange('thisWeek', today());
  const filters: ReportFilters = {
    from: search.from ?? week.from,
    to: search.to ?? week.to,
    group: search.group ?? 'week',
    locationId: search.locationId,
    providerId: search.providerId,
  };
  const [typed, setTyped] = useState({ from: filters.from, to: filters.to });
  const validRange = isDate(typed.from) && isDate(typed.to) && typed.from <= typed.to;
  const report = useAppointmentsReport(filters, true);
  const locations = useLocations();
  const providers = useProviders();
  const [drill, setDrill] = useState<Drill | null>(null);
  const [downloading, setDownloading] = useState(false);

  const apply = (next: Partial<ReportFilters>) => {
    const merged = { ...filters, ...next };
    void navigate({
      to: '/reports/appointments',
      search: { ...merged, group: merged.group === 'week' ? undefined : merged.group },
      replace: true,
    });
  };
  const setRange = (range: { from: string; to: string }) => {
    setTyped(range);
    if (isDate(range.from) && isDate(range.to) && range.from <= range.to) apply(range);
  };
  const preset = PRESETS.find((p) => {
    const range = presetRange(p, today());
    return range.from === filters.from && range.to === filters.to;
  });
  const locationName = locations.data?.find((l) => l.id === filters.locationId)?.name ?? t('reports.allLocations');
  const provider = providers.data?.find((p) => p.id === filters.providerId);
  const open = (column: ReportColumn | undefined, from: string, to: string, filter: Record<string, string> = {}) => {
    if (column?.drill) setDrill({ column, from, to, filter });
  };
  // Linked to one figure (a dashboard tile): its rows open over the whole range, once.
  const figure = search.figure;
  const columns = report.data?.columns;
  useEffect(() => {
    if (!figure || !columns) return;
    const column = columns.find((c) => c.key === figure);
    if (column?.drill) setDrill({ column, from: filters.from, to: filters.to, filter: {} });
    void navigate({ to: '/reports/appointments', search: { ...search, figure: undefined }, replace: true });
  }, [figure, columns, filters.from, filters.to, navigate, search]);

  return (
    <>
      <PageHeader
        title={t('reports.appointments.title')}
        description={t('reports.appointments.description', { timezone: clinic.timezone })}
        actions={
          <Group gap="sm" className="tend-no-print">
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={downloading}
              onClick={async () => {
                setDownloading(true);
                try {
                  await downloadReportCsv(filters);
                } finally {
                  setDownloading(false);
                }
              }}
            >
              {t('reports.downloadCsv')}
            </Button>
            <Button
              variant="default"
              leftSection={<IconPrinter size={16} aria-hidden />}
              onClick={() => window.print()}
            >
              {t('reports.print')}
            </Button>
          </Group>
        }
      />
      <Paper withBorder radius="md" p="md" mb="lg" className="tend-no-print">
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label={t('reports.preset')}
            data={PRESETS.map((p) => ({ value: p, label: t(`reports.preset.${p}`) }))}
            value={preset ?? null}
            placeholder="—"
            onChange={(value) => value && setRange(presetRange(value as Preset, today()))}
            allowDeselect={false}
            w={160}
          />
          <DateField
            label={t('reports.from')}
            value={typed.from}
            onChange={(from) => setRange({ ...typed, from })}
            error={typed.from !== '' && !isDate(typed.from) ? t('validation.date') : undefined}
            w={170}
          />
          <DateField
            label={t('reports.to')}
            value={typed.to}
            onChange={(to) => setRange({ ...typed, to })}
            error={
              typed.to !== '' && !isDate(typed.to)
                ? t('validation.date')
                : !validRange && isDate(typed.from) && isDate(typed.to)
                  ? t('validation.dateRange')
                  : undefined
            }
            w={170}
          />
          <Select
            label={t('reports.location')}
            data={[
              { value: '', label: t('reports.allLocations') },
              ...(locations.data ?? []).map((l) => ({ value: l.id, label: l.name })),
            ]}
            value={filters.locationId ?? ''}
            onChange={(value) => apply({ locationId: value || undefined })}
            allowDeselect={false}
            w={200}
          />
          <Select
            label={t('reports.provider')}
            data={[
              { value: '', label: t('reports.allProviders') },
              ...(providers.data ?? []).map((p) => ({ value: p.id, label: providerName(p) })),
            ]}
            value={filters.providerId ?? ''}
            onChange={(value) => apply({ providerId: value || undefined })}
            allowDeselect={false}
            searchable
            w={220}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="report-group">
              {t('reports.group')}
            </Text>
            <SegmentedControl
              aria-labelledby="report-group"
              data={REPORT_GROUPS_OF.appointments.map((g) => ({ value: g, label: t(`reports.group.${g}`) }))}
              value={filters.group}
              onChange={(group) => apply({ group: group as ReportGroup })}
            />
          </Stack>
        </Group>
      </Paper>
      <Text fw={600} mb="md" data-testid="report-scope">
        {formatDate(filters.from)} – {formatDate(filters.to)} · {locationName} ·{' '}
        {provider ? providerName(provider) : t('reports.allProviders')}
      </Text>
      <QueryView query={report} isEmpty={() => false} empty={null}>
        {(result) => (
          <Stack gap="lg">
            <SummaryCards result={result} onOpen={(column) => open(column, result.from, result.to)} />
            {result.totals.total === 0 ? (
              <Paper withBorder radius="md" p="lg">
                <Text c="dimmed">{t('reports.empty')}</Text>
              </Paper>
            ) : (
              <Charts result={result} />
            )}
            <FigureTable result={result} onOpen={open} />
          </Stack>
        )}
      </QueryView>
      <RowsDrawer drill={drill} filters={filters} timezone={clinic.timezone} onClose={() => setDrill(null)} />
    </>
  );
}

function SummaryCards({ result, onOpen }: { result: ReportResult; onOpen: (column: ReportColumn) => void }) {
  const { clinic } = useSession();
  const column = (key: string) => result.columns.find((c) => c.key === key) as ReportColumn;
  const hints: Record<string, string> = {
    total: `${formatFigure('count', result.totals.completed)} ${t('reports.appointments.completed').toLowerCase()}`,
    onTimeRate: t('reports.appointments.onTimeRateHint', { minutes: clinic.onTimeGraceMinutes }),
    noShowRate: t('reports.appointments.noShowRateHint'),
    lateCancelRate: t('reports.appointments.lateCancelRateHint', { hours: clinic.lateCancelHours }),
    waitMinutesAverage: t('reports.appointments.waitHint'),
    leadDaysAverage: t('reports.appointments.leadHint', {
      median: formatFigure('days', result.totals.leadDaysMedian),
    }),
  };
  return (
    <SimpleGrid cols={{ base: 2, md: 3, xl: 6 }} spacing="md">
      {CARDS.map((key) => {
        const c = column(key);
        return (
          <UnstyledButton
            key={key}
            onClick={() => onOpen(c)}
            title={t('reports.openRows', { figure: c.label })}
            data-testid={`card-${key}`}
          >
            <Paper withBorder radius="md" p="md" h="100%" className="tend-report-card">
              <Text size="xs" c="dimmed" fw={700} tt="uppercase">
                {c.label.replace(/ \((%|days|minutes)\)$/, '')}
              </Text>
              <Text fz={30} fw={700} lh={1.2} data-testid={`figure-${key}`}>
                {display(c, result.totals[key])}
              </Text>
              <Text size="xs" c="dimmed">
                {hints[key]}
              </Text>
            </Paper>
          </UnstyledButton>
        );
      })}
    </SimpleGrid>
  );
}

/** A figure on screen: the CSV's text, with its unit. */
function display(column: ReportColumn, value: Figure): string {
  if (value === null) return '—';
  const text = formatFigure(column.kind, value);
  if (column.kind === 'percent') return `${text}%`;
  if (column.kind === 'minutes') return `${text} min`;
  if (column.kind === 'days') return `${text} d`;
  return text;
}

function periodLabel(row: ReportResult['rows'][number], group: ReportGroup): string {
  if (row.label !== null) return row.label;
  const { period } = row;
  if (group === 'month') {
    return new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${period}T00:00:00Z`),
    );
  }
  return formatDate(period);
}

function Charts({ result }: { result: ReportResult }) {
  const label = (key: string) => result.columns.find((c) => c.key === key)?.label ?? key;
  const data = result.rows.map((row) => ({ period: periodLabel(row, result.group), ...row.values }));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="chart-status">
        <Title order={2} fz="lg" id="chart-status" mb="md">
          {t('reports.appointments.chartTitle')}
        </Title>
        <BarChart
          h={260}
          data={data}
          dataKey="period"
          type="stacked"
          yAxisProps={{ allowDecimals: false }}
          withLegend
          legendProps={{ verticalAlign: 'bottom' }}
          series={STATUS_SERIES.map((s) => ({ ...s, label: label(s.name) }))}
          data-testid="status-chart"
        />
      </Paper>
      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="chart-rates">
        <Title order={2} fz="lg" id="chart-rates" mb="md">
          {t('reports.appointments.ratesTitle')}
        </Title>
        <LineChart
          h={260}
          data={data}
          dataKey="period"
          yAxisProps={{ domain: [0, 100] }}
          unit="%"
          withLegend
          legendProps={{ verticalAlign: 'bottom' }}
          connectNulls
          series={[
            { name: 'onTimeRate', label: label('onTimeRate'), color: 'teal.6' },
            { name: 'noShowRate', label: label('noShowRate'), color: 'red.6' },
            { name: 'lateCancelRate', label: label('lateCancelRate'), color: 'yellow.7' },
          ]}
          data-testid="rate-chart"
        />
      </Paper>
    </SimpleGrid>
  );
}

function FigureTable({
  result,
  onOpen,
}: {
  result: ReportResult;
  onOpen: (column: ReportColumn, from: string, to: string, filter?: Record<string, string>) => void;
}) {
  const cells = (
    values: Record<string, Figure>,
    from: string,
    to: string,
    testId: string,
    filter: Record<string, string> = {},
  ) =>
    result.columns.map((column) => (
      <Table.Td key={column.key} ta="right" data-testid={`${testId}-${column.key}`}>
        {column.drill && values[column.key] !== null && values[column.key] !== 0 ? (
          <UnstyledButton
            onClick={() => onOpen(column, from, to, filter)}
            fz="sm"
            c="tend.8"
            td="underline"
            aria-label={`${column.label}: ${formatFigure(column.kind, values[column.key])}`}
          >
            {formatFigure(column.kind, values[column.key])}
          </UnstyledButton>
        ) : (
          formatFigure(column.kind, values[column.key]) || '—'
        )}
      </Table.Td>
    ));
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="report-table">
      <Title order={2} fz="lg" id="report-table" mb="sm">
        {t(`reports.group.${result.group}`)}
      </Title>
      {/* A wide table scrolls sideways: the region takes keyboard focus so arrow keys can scroll it. */}
      <Box style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-labelledby="report-table">
        <Table miw={1100} fz="sm" verticalSpacing={6} striped highlightOnHover aria-labelledby="report-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>
                {isPeriodGroup(result.group) ? t('reports.period') : t(`reports.group.${result.group}`)}
              </Table.Th>
              {result.columns.map((column) => (
                <Table.Th key={column.key} ta="right" fz="xs">
                  {column.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.rows.map((row) => (
              <Table.Tr key={row.period}>
                <Table.Td fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {periodLabel(row, result.group)}
                </Table.Td>
                {cells(row.values, row.from, row.to, `row-${row.period}`, row.filter)}
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr fw={700}>
              <Table.Td>{t('reports.total')}</Table.Td>
              {cells(result.totals, result.from, result.to, 'total')}
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </Box>
    </Paper>
  );
}

function RowsDrawer({
  drill,
  filters,
  timezone,
  onClose,
}: {
  drill: Drill | null;
  filters: ReportFilters;
  timezone: string;
  onClose: () => void;
}) {
  const rows = useAppointmentReportRows(
    drill
      ? { ...filters, ...drill.filter, from: drill.from, to: drill.to, metric: drill.column.drill as AppointmentMetric }
      : null,
  );
  return (
    <Drawer
      opened={drill !== null}
      onClose={onClose}
      position="right"
      size={1100}
      title={
        drill
          ? t('reports.rowsTitle', {
              figure: drill.column.label,
              from: formatDate(drill.from),
              to: formatDate(drill.to),
            })
          : ''
      }
    >
      {drill && (
        <QueryView
          query={rows}
          isEmpty={(data) => data.items.length === 0}
          empty={<Text c="dimmed">{t('reports.rowsEmpty')}</Text>}
        >
          {(data) => (
            <Stack gap="sm">
              {data.total > data.items.length && (
                <Text size="sm" c="dimmed">
                  {t('reports.rowsTruncated', { shown: data.items.length, total: data.total })}
                </Text>
              )}
              <Table.ScrollContainer minWidth={760}>
                <Table fz="sm" verticalSpacing={4} striped data-testid="report-rows">
                  <Table.Thead>
                    <Table.Tr>
                      {data.columns.map((column) => (
                        <Table.Th key={column.key} ta={RIGHT_KINDS.has(column.kind) ? 'right' : undefined}>
                          {column.label}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((row) => (
                      <Table.Tr key={row.id}>
                        {data.columns.map((column) => (
                          <Table.Td key={column.key} ta={RIGHT_KINDS.has(column.kind) ? 'right' : undefined}>
                            {column.kind === 'datetime'
                              ? formatDateTime(row.values[column.key] as string | null, timezone)
                              : formatFigure(column.kind, row.values[column.key] ?? null)}
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          )}
        </QueryView>
      )}
    </Drawer>
  );
}
