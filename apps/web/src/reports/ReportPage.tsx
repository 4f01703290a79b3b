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
  addDaysTo,
  type Figure,
  formatFigure,
  isPeriodGroup,
  periodStart,
  REPORT_GROUPS_OF,
  type ReportColumn,
  type ReportGroup,
  type ReportName,
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
import { downloadReportCsv, type ReportFilters, useReport, useReportRows } from './api';
import { REPORT_VIEWS, type ReportView } from './views';

const route = getRouteApi('/reports/$name');

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

/** Figures line up on the right in the rows' table. */
const RIGHT_KINDS = new Set(['count', 'percent', 'cents', 'minutes', 'days']);

interface Drill {
  column: ReportColumn;
  from: string;
  to: string;
  /** A row grouped by provider/location narrows its drill-down to it. */
  filter: Record<string, string>;
}

/** A report: filters, summary cards, charts, the table by period (or provider…), CSV, print, and the rows behind each figure. */
export function ReportPage() {
  const { today, clinic } = useSession();
  const search = route.useSearch();
  const { name } = route.useParams();
  const view = REPORT_VIEWS[name];
  const groups = REPORT_GROUPS_OF[name];
  const navigate = useNavigate();
  const week = presetRange('thisWeek', today());
  const filters: ReportFilters = {
    from: search.from ?? week.from,
    to: search.to ?? week.to,
    group: search.group && groups.includes(search.group) ? search.group : groups[0],
    locationId: search.locationId,
    providerId: search.providerId,
  };
  const [typed, setTyped] = useState({ from: filters.from, to: filters.to });
  const validRange = isDate(typed.from) && isDate(typed.to) && typed.from <= typed.to;
  const report = useReport(name, filters);
  const locations = useLocations();
  const providers = useProviders();
  const [drill, setDrill] = useState<Drill | null>(null);
  const [downloading, setDownloading] = useState(false);

  const apply = (next: Partial<ReportFilters>) => {
    const merged = { ...filters, ...next };
    void navigate({
      to: '/reports/$name',
      params: { name },
      search: { ...merged, group: merged.group === groups[0] ? undefined : merged.group },
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
    void navigate({ to: '/reports/$name', params: { name }, search: { ...search, figure: undefined }, replace: true });
  }, [figure, columns, filters.from, filters.to, navigate, search, name]);

  return (
    <>
      <PageHeader
        title={t(view.title)}
        description={t(view.description, { timezone: clinic.timezone })}
        actions={
          <Group gap="sm" className="tend-no-print">
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={downloading}
              onClick={async () => {
                setDownloading(true);
                try {
                  await downloadReportCsv(name, filters);
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
              data={groups.map((g) => ({ value: g, label: t(`reports.group.${g}`) }))}
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
            <SummaryCards view={view} result={result} onOpen={(column) => open(column, result.from, result.to)} />
            {view.volume && result.totals[view.volume] === 0 ? (
              <Paper withBorder radius="md" p="lg">
                <Text c="dimmed">{t('reports.empty')}</Text>
              </Paper>
            ) : (
              <Charts view={view} result={result} />
            )}
            <FigureTable result={result} onOpen={open} />
          </Stack>
        )}
      </QueryView>
      <RowsDrawer
        name={name}
        drill={drill}
        filters={filters}
        timezone={clinic.timezone}
        onClose={() => setDrill(null)}
      />
    </>
  );
}

function SummaryCards({
  view,
  result,
  onOpen,
}: {
  view: ReportView;
  result: ReportResult;
  onOpen: (column: ReportColumn) => void;
}) {
  const { clinic } = useSession();
  return (
    <SimpleGrid cols={{ base: 2, md: 3, xl: view.cards.length > 4 ? 6 : 4 }} spacing="md">
      {view.cards.map(({ key, hint }) => {
        const c = result.columns.find((column) => column.key === key) as ReportColumn;
        return (
          <UnstyledButton
            key={key}
            onClick={() => onOpen(c)}
            disabled={!c.drill}
            title={t('reports.openRows', { figure: c.label })}
            data-testid={`card-${key}`}
          >
            <Paper withBorder radius="md" p="md" h="100%" className="tend-report-card">
              <Text size="xs" c="dimmed" fw={700} tt="uppercase">
                {c.label.replace(/ \((%|days|minutes|\$)\)$/, '')}
              </Text>
              <Text fz={figureSize(display(c, result.totals[key]))} fw={700} lh={1.2} data-testid={`figure-${key}`}>
                {display(c, result.totals[key])}
              </Text>
              {hint && (
                <Text size="xs" c="dimmed">
                  {hint(result, clinic)}
                </Text>
              )}
            </Paper>
          </UnstyledButton>
        );
      })}
    </SimpleGrid>
  );
}

/** A card's figure size: a long amount ($13,875,947.20) smaller, so that it fits its card. */
const figureSize = (text: string) => (text.length > 13 ? 20 : text.length > 9 ? 24 : 30);

/** A table cell: the CSV's figure, with thousands separators in counts and amounts (13,550,360.00). */
function cellText(kind: ReportColumn['kind'], value: Figure): string {
  if (typeof value !== 'number') return formatFigure(kind, value);
  if (kind === 'cents')
    return (value / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (kind === 'count') return Math.round(value).toLocaleString('en-US');
  return formatFigure(kind, value);
}

/** A figure on screen: the CSV's text, with its unit. */
function display(column: ReportColumn, value: Figure): string {
  if (value === null) return '—';
  const text = formatFigure(column.kind, value);
  if (column.kind === 'percent') return `${text}%`;
  if (column.kind === 'minutes') return `${text} min`;
  if (column.kind === 'days') return `${text} d`;
  if (column.kind === 'cents') return `$${Number(text).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
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

function Charts({ view, result }: { view: ReportView; result: ReportResult }) {
  const column = (key: string) => result.columns.find((c) => c.key === key);
  // Money is charted in dollars; every other figure as it is.
  const data = result.rows.map((row) => ({
    period: periodLabel(row, result.group),
    ...Object.fromEntries(
      Object.entries(row.values).map(([key, value]) => [
        key,
        column(key)?.kind === 'cents' && typeof value === 'number' ? value / 100 : value,
      ]),
    ),
  }));
  return (
    <SimpleGrid cols={{ base: 1, lg: view.charts.length > 1 ? 2 : 1 }} spacing="lg">
      {view.charts.map((chart) => {
        const series = chart.series.map((s) => ({ ...s, label: column(s.name)?.label ?? s.name }));
        const money = column(chart.series[0].name)?.kind === 'cents';
        return (
          <Paper key={chart.id} withBorder radius="md" p="lg" component="section" aria-labelledby={`chart-${chart.id}`}>
            <Title order={2} fz="lg" id={`chart-${chart.id}`} mb="md">
              {t(chart.title)}
            </Title>
            {chart.type === 'bar' ? (
              <BarChart
                h={260}
                data={data}
                dataKey="period"
                type={chart.stacked ? 'stacked' : 'default'}
                yAxisProps={{ allowDecimals: money }}
                valueFormatter={money ? dollars : undefined}
                withLegend
                legendProps={{ verticalAlign: 'bottom' }}
                series={series}
                data-testid={`${chart.id}-chart`}
              />
            ) : (
              <LineChart
                h={260}
                data={data}
                dataKey="period"
                yAxisProps={chart.percent ? { domain: [0, 100] } : undefined}
                unit={chart.percent ? '%' : undefined}
                valueFormatter={money ? dollars : undefined}
                withLegend
                legendProps={{ verticalAlign: 'bottom' }}
                connectNulls
                series={series}
                data-testid={`${chart.id}-chart`}
              />
            )}
          </Paper>
        );
      })}
    </SimpleGrid>
  );
}

const dollars = (value: number) =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 })}`;

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
            aria-label={`${column.label}: ${cellText(column.kind, values[column.key])}`}
          >
            {cellText(column.kind, values[column.key])}
          </UnstyledButton>
        ) : (
          cellText(column.kind, values[column.key]) || '—'
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
  name,
  drill,
  filters,
  timezone,
  onClose,
}: {
  name: ReportName;
  drill: Drill | null;
  filters: ReportFilters;
  timezone: string;
  onClose: () => void;
}) {
  const rows = useReportRows(
    name,
    drill
      ? { ...filters, ...drill.filter, from: drill.from, to: drill.to, metric: drill.column.drill as string }
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
                              : column.kind === 'date' && row.values[column.key]
                                ? formatDate(row.values[column.key] as string)
                                : cellText(column.kind, row.values[column.key] ?? null)}
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
