import { BarChart } from '@mantine/charts';
import {
  Badge,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
  UnstyledButton,
  type UnstyledButtonProps,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowDownRight,
  IconArrowUpRight,
  IconCalendarEvent,
  IconCash,
  IconChecklist,
  IconFileInvoice,
  IconMinus,
  IconNotes,
  IconReceipt,
  IconShieldLock,
  IconShieldQuestion,
  IconStethoscope,
  IconUserCheck,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { createLink, type LinkProps } from '@tanstack/react-router';
import {
  APPOINTMENT_STATUSES,
  ARRIVAL_WINDOW_MINUTES,
  appointmentStatusLabel,
  type BillingSection,
  type ClinicalSection,
  type Dashboard,
  type DashboardTile,
  type FrontDeskSection,
  formatFigure,
  INSURANCE_CHECK_DAYS,
  type ManagerSection,
  t,
} from '@tend/domain';
import type { ComponentPropsWithRef, ReactNode } from 'react';
import { http } from '../api/client';
import { useSession } from '../auth/session';
import { useMoney } from '../billing/shared';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { ErrorState, Loading } from '../components/states';
import { REPORT_VIEWS } from '../reports/views';
import { StatusBadge } from '../schedule/shared';
import { zoned } from '../schedule/time';

/**
 * The home page's dashboard: the sections `GET /api/dashboard` answers for the user's role. Every
 * number links to the rows behind it — a page of the app, or the list beside it on this page.
 */

export function useDashboard() {
  return useQuery({
    queryKey: ['dashboard'],
    queryFn: ({ signal }) => http.get<Dashboard>('/dashboard', undefined, { signal }),
    refetchInterval: 60_000,
  });
}

type Target = Pick<LinkProps, 'to' | 'search' | 'params' | 'hash'>;

function MantineCardLink(props: UnstyledButtonProps & ComponentPropsWithRef<'a'>) {
  return <UnstyledButton component="a" {...props} />;
}
/** A card that is a router link. */
const CardLink = createLink(MantineCardLink);

/** One figure, big, with what it counts; the whole card links to its rows. */
function StatCard({
  label,
  value,
  hint,
  icon,
  color = 'blue',
  target,
  testId,
  alert = false,
}: {
  label: string;
  value: string;
  hint?: ReactNode;
  icon: ReactNode;
  color?: string;
  target: Target;
  testId: string;
  alert?: boolean;
}) {
  return (
    <CardLink
      {...(target as { to: '/' })}
      title={t('dashboard.openRows', { figure: label })}
      data-testid={`stat-${testId}`}
      style={{ display: 'block', height: '100%' }}
    >
      <Paper
        withBorder
        radius="md"
        p="md"
        h="100%"
        className="tend-report-card"
        style={alert ? { borderColor: `var(--mantine-color-${color}-4)` } : undefined}
      >
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <Text size="xs" c="dimmed" fw={700} tt="uppercase">
            {label}
          </Text>
          <ThemeIcon variant="light" color={color} size="md" radius="md" aria-hidden>
            {icon}
          </ThemeIcon>
        </Group>
        <Text fz={32} fw={750} lh={1.15} mt={4} data-testid={`figure-${testId}`} c={alert ? `${color}.8` : undefined}>
          {value}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed" mt={2}>
            {hint}
          </Text>
        )}
      </Paper>
    </CardLink>
  );
}

function Section({
  title,
  id,
  children,
  extra,
}: {
  title: string;
  id: string;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <Stack gap="md" component="section" aria-labelledby={id} mb="xl">
      <Group justify="space-between" align="baseline">
        <Title order={2} size="h3" id={id}>
          {title}
        </Title>
        {extra}
      </Group>
      {children}
    </Stack>
  );
}

function ListCard({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" id={id} component="section" aria-labelledby={`${id}-title`}>
      <Title order={3} size="h5" mb="xs" id={`${id}-title`}>
        {title}
      </Title>
      {children}
    </Paper>
  );
}

const Empty = ({ children }: { children: ReactNode }) => (
  <Text size="sm" c="dimmed" py="xs">
    {children}
  </Text>
);

function PatientLink({ id, name, tab }: { id: string; name: string; tab?: 'insurance' }) {
  return (
    <AnchorLink to="/patients/$patientId" params={{ patientId: id }} search={tab ? { tab } : {}} size="sm" fw={600}>
      {name}
    </AnchorLink>
  );
}

// ---- Front desk ---------------------------------------------------------------------------------

const STATUS_COLORS: Record<string, string> = {
  booked: 'blue.4',
  confirmed: 'blue.7',
  checked_in: 'teal.5',
  in_progress: 'violet.5',
  completed: 'green.7',
  cancelled: 'gray.5',
  no_show: 'red.6',
};

function FrontDesk({ data, timezone }: { data: FrontDeskSection; timezone: string }) {
  const time = (iso: string) => zoned(iso, timezone).time;
  const s = data.today.byStatus;
  const late = data.arrivals.items.filter((item) => item.late).length;
  return (
    <Section title={t('dashboard.frontDesk.title')} id="dash-front-desk">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
        <StatCard
          label={t('dashboard.frontDesk.today')}
          value={String(data.today.total)}
          hint={t('dashboard.frontDesk.todayHint', {
            arrived: s.checked_in + s.in_progress,
            completed: s.completed,
            cancelled: s.cancelled,
          })}
          icon={<IconCalendarEvent size={18} />}
          target={{ to: '/schedule' }}
          testId="today"
        />
        <StatCard
          label={t('dashboard.frontDesk.arrivals')}
          value={String(data.arrivals.count)}
          hint={t('dashboard.frontDesk.arrivalsHint', { minutes: ARRIVAL_WINDOW_MINUTES, late })}
          icon={<IconUserCheck size={18} />}
          color={late ? 'orange' : 'teal'}
          alert={late > 0}
          target={{ to: '/', hash: 'dash-arrivals' }}
          testId="arrivals"
        />
        <StatCard
          label={t('dashboard.frontDesk.unconfirmed')}
          value={String(data.unconfirmedTomorrow.count)}
          hint={t('dashboard.frontDesk.unconfirmedHint', { date: formatDate(data.unconfirmedTomorrow.date) })}
          icon={<IconCalendarEvent size={18} />}
          color="indigo"
          target={{ to: '/schedule' }}
          testId="unconfirmed"
        />
        <StatCard
          label={t('dashboard.frontDesk.recalls')}
          value={String(data.recallsDue.count)}
          hint={t('dashboard.frontDesk.recallsHint')}
          icon={<IconChecklist size={18} />}
          color="grape"
          target={{ to: '/recalls' }}
          testId="recalls"
        />
        <StatCard
          label={t('dashboard.frontDesk.waitlist')}
          value={String(data.waitlist.count)}
          hint={t('dashboard.frontDesk.waitlistHint')}
          icon={<IconCalendarEvent size={18} />}
          color="cyan"
          target={{ to: '/schedule' }}
          testId="waitlist"
        />
        <StatCard
          label={t('dashboard.frontDesk.insurance')}
          value={String(data.missingInsurance.count)}
          hint={t('dashboard.frontDesk.insuranceHint', { days: INSURANCE_CHECK_DAYS })}
          icon={<IconShieldQuestion size={18} />}
          color={data.missingInsurance.count ? 'orange' : 'gray'}
          alert={data.missingInsurance.count > 0}
          target={{ to: '/', hash: 'dash-insurance' }}
          testId="insurance"
        />
      </SimpleGrid>
      {data.today.total > 0 && (
        <Paper withBorder radius="md" p="md">
          <Text size="sm" fw={600} mb={6} id="dash-status-bar">
            {t('dashboard.frontDesk.statusBar')}
          </Text>
          <Progress.Root size={22} radius="sm" aria-labelledby="dash-status-bar">
            {APPOINTMENT_STATUSES.filter((status) => s[status] > 0).map((status) => (
              <Tooltip key={status} label={`${appointmentStatusLabel(status)}: ${s[status]}`}>
                <Progress.Section
                  value={(s[status] / data.today.total) * 100}
                  color={STATUS_COLORS[status]}
                  aria-label={`${appointmentStatusLabel(status)}: ${s[status]}`}
                >
                  <Progress.Label>{s[status]}</Progress.Label>
                </Progress.Section>
              </Tooltip>
            ))}
          </Progress.Root>
          <Group gap="md" mt={8}>
            {APPOINTMENT_STATUSES.filter((status) => s[status] > 0).map((status) => (
              <Group key={status} gap={6}>
                <span
                  aria-hidden
                  style={{
                    width: 10,
                    height: 10,
                    borderRadius: 2,
                    background: `var(--mantine-color-${STATUS_COLORS[status].replace('.', '-')})`,
                  }}
                />
                <Text size="xs" c="dimmed">
                  {appointmentStatusLabel(status)} {s[status]}
                </Text>
              </Group>
            ))}
          </Group>
        </Paper>
      )}
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        <ListCard title={t('dashboard.frontDesk.arrivals')} id="dash-arrivals">
          {data.arrivals.items.length === 0 ? (
            <Empty>{t('dashboard.frontDesk.arrivalsNone')}</Empty>
          ) : (
            <Table fz="sm" verticalSpacing={6}>
              <Table.Tbody>
                {data.arrivals.items.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td w={64} style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {time(item.start)}
                    </Table.Td>
                    <Table.Td>
                      <PatientLink id={item.patientId} name={item.patientName} />
                      <Text size="xs" c="dimmed">
                        {item.providerName}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      {item.late ? (
                        <Badge color="orange" variant="light" size="sm">
                          {t('dashboard.frontDesk.late')}
                        </Badge>
                      ) : (
                        <StatusBadge status={item.status} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </ListCard>
        <ListCard title={t('dashboard.frontDesk.next')} id="dash-next">
          {data.today.next.length === 0 ? (
            <Empty>{t('dashboard.frontDesk.nextNone')}</Empty>
          ) : (
            <Table fz="sm" verticalSpacing={6}>
              <Table.Tbody>
                {data.today.next.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td w={64} style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {time(item.start)}
                    </Table.Td>
                    <Table.Td>
                      <PatientLink id={item.patientId} name={item.patientName} />
                      <Text size="xs" c="dimmed">
                        {item.providerName}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <StatusBadge status={item.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </ListCard>
        <ListCard title={t('dashboard.frontDesk.insurance')} id="dash-insurance">
          {data.missingInsurance.items.length === 0 ? (
            <Empty>{t('dashboard.frontDesk.insuranceNone')}</Empty>
          ) : (
            <Table fz="sm" verticalSpacing={6}>
              <Table.Tbody>
                {data.missingInsurance.items.map((item) => (
                  <Table.Tr key={item.patientId}>
                    <Table.Td>
                      <PatientLink id={item.patientId} name={item.patientName} tab="insurance" />
                      <Text size="xs" c="dimmed">
                        {formatDate(zoned(item.start, timezone).date)} {time(item.start)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Badge color="orange" variant="light" size="sm">
                        {item.reason === 'none'
                          ? t('dashboard.frontDesk.noCoverage')
                          : t('dashboard.frontDesk.noMemberId')}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </ListCard>
      </SimpleGrid>
    </Section>
  );
}

// ---- Clinical -----------------------------------------------------------------------------------

const NOTE_COLORS = { none: 'gray', draft: 'yellow', signed: 'green' } as const;

function Clinical({ data, timezone }: { data: ClinicalSection; timezone: string }) {
  const n = data.today.notes;
  return (
    <Section
      title={data.scope === 'mine' ? t('dashboard.clinical.title') : t('dashboard.clinical.titleClinic')}
      id="dash-clinical"
    >
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <StatCard
          label={t('dashboard.clinical.today')}
          value={String(data.today.count)}
          hint={t('dashboard.clinical.todayHint', { none: n.none, draft: n.draft, signed: n.signed })}
          icon={<IconStethoscope size={18} />}
          target={data.scope === 'mine' ? { to: '/schedule/my-day' } : { to: '/schedule' }}
          testId="patients-today"
        />
        <StatCard
          label={t('dashboard.clinical.unsigned')}
          value={String(data.unsigned.count)}
          hint={t('dashboard.clinical.unsignedHint')}
          icon={<IconNotes size={18} />}
          color={data.unsigned.count ? 'orange' : 'gray'}
          alert={data.unsigned.count > 0}
          target={{ to: '/', hash: 'dash-unsigned' }}
          testId="unsigned"
        />
        <StatCard
          label={t('dashboard.clinical.followUps')}
          value={String(data.followUps.count)}
          hint={t('dashboard.clinical.followUpsHint')}
          icon={<IconChecklist size={18} />}
          color="grape"
          target={{ to: '/recalls' }}
          testId="follow-ups"
        />
      </SimpleGrid>
      <ListCard title={t('dashboard.clinical.patients')} id="dash-patients">
        {data.today.items.length === 0 ? (
          <Empty>{t('dashboard.clinical.patientsNone')}</Empty>
        ) : (
          <Table fz="sm" verticalSpacing={6}>
            <Table.Tbody>
              {data.today.items.map((item) => (
                <Table.Tr key={item.id}>
                  <Table.Td w={64} style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {zoned(item.start, timezone).time}
                  </Table.Td>
                  <Table.Td>
                    {item.encounterId ? (
                      <AnchorLink to="/visits/$id" params={{ id: item.encounterId }} size="sm" fw={600}>
                        {item.patientName}
                      </AnchorLink>
                    ) : (
                      <PatientLink id={item.patientId} name={item.patientName} />
                    )}
                    {data.scope === 'clinic' && (
                      <Text size="xs" c="dimmed">
                        {item.providerName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <StatusBadge status={item.status} />
                      <Badge color={NOTE_COLORS[item.note]} variant="light" size="sm" style={{ flexShrink: 0 }}>
                        {t(`dashboard.clinical.note.${item.note}`)}
                      </Badge>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </ListCard>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ListCard title={t('dashboard.clinical.unsigned')} id="dash-unsigned">
          {data.unsigned.items.length === 0 ? (
            <Empty>{t('dashboard.clinical.unsignedNone')}</Empty>
          ) : (
            <Stack gap={6}>
              {data.unsigned.items.map((item) => (
                <Group key={item.encounterId} justify="space-between" wrap="nowrap">
                  <AnchorLink to="/visits/$id" params={{ id: item.encounterId }} size="sm" fw={600}>
                    {item.patientName}
                  </AnchorLink>
                  <Text size="xs" c="dimmed">
                    {formatDate(item.serviceDate)}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </ListCard>
        <ListCard title={t('dashboard.clinical.followUps')} id="dash-follow-ups">
          {data.followUps.items.length === 0 ? (
            <Empty>{t('dashboard.clinical.followUpsNone')}</Empty>
          ) : (
            <Stack gap={6}>
              {data.followUps.items.map((item) => (
                <Group key={item.id} justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <PatientLink id={item.patientId} name={item.patientName} />
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {item.reason}
                    </Text>
                  </div>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {t('dashboard.clinical.due', { date: formatDate(item.dueDate) })}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </ListCard>
      </SimpleGrid>
    </Section>
  );
}

// ---- Billing ------------------------------------------------------------------------------------

function Billing({ data }: { data: BillingSection }) {
  const money = useMoney();
  return (
    <Section title={t('dashboard.billing.title')} id="dash-billing">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
        <StatCard
          label={t('dashboard.billing.unpaid', { days: data.unpaidInvoices.days })}
          value={money(data.unpaidInvoices.cents)}
          hint={t('dashboard.billing.unpaidHint', { count: data.unpaidInvoices.count })}
          icon={<IconFileInvoice size={18} />}
          color={data.unpaidInvoices.count ? 'orange' : 'gray'}
          alert={data.unpaidInvoices.count > 0}
          target={{ to: '/billing/work-lists' }}
          testId="unpaid"
        />
        <StatCard
          label={t('dashboard.billing.ready')}
          value={String(data.claims.ready)}
          hint={t('dashboard.claimsHint')}
          icon={<IconReceipt size={18} />}
          color="teal"
          target={{ to: '/claims', search: { view: 'ready' } }}
          testId="claims-ready"
        />
        <StatCard
          label={t('dashboard.billing.draft')}
          value={String(data.claims.draft)}
          hint={t('dashboard.claimsHint')}
          icon={<IconReceipt size={18} />}
          color="gray"
          target={{ to: '/claims', search: { view: 'draft' } }}
          testId="claims-draft"
        />
        <StatCard
          label={t('dashboard.billing.attention')}
          value={String(data.claims.attention)}
          hint={t('dashboard.billing.attentionHint')}
          icon={<IconAlertTriangle size={18} />}
          color={data.claims.attention ? 'red' : 'gray'}
          alert={data.claims.attention > 0}
          target={{ to: '/claims', search: { view: 'attention' } }}
          testId="claims-attention"
        />
        <StatCard
          label={t('dashboard.billing.postings')}
          value={money(data.postings.cents)}
          hint={t('dashboard.billing.postingsHint', { count: data.postings.count })}
          icon={<IconCash size={18} />}
          color="green"
          target={{ to: '/billing/payments', search: { from: data.postings.date, to: data.postings.date } }}
          testId="postings"
        />
        <StatCard
          label={t('dashboard.billing.receivables')}
          value={money(data.receivables.totalCents)}
          hint={t('dashboard.billing.receivablesHint', {
            insurer: money(data.receivables.insurerCents),
            patient: money(data.receivables.patientCents),
          })}
          icon={<IconCash size={18} />}
          color="indigo"
          target={{ to: '/billing/aging' }}
          testId="receivables"
        />
      </SimpleGrid>
    </Section>
  );
}

// ---- Manager ------------------------------------------------------------------------------------

function tileText(tile: DashboardTile, value: number | null): string {
  if (value === null) return '—';
  const text = formatFigure(tile.kind, value);
  if (tile.kind === 'percent') return `${text}%`;
  if (tile.kind === 'minutes') return `${text} min`;
  if (tile.kind === 'days') return `${text} d`;
  return text;
}

/** A change as a whole percent of what it changed from ("<1%" rather than a misleading "0%"). */
function changePercent(diff: number, previous: number): string {
  const percent = Math.round((Math.abs(diff) / Math.abs(previous)) * 100);
  return percent === 0 ? '<1%' : `${percent}%`;
}

/** The change on last week: points for a percent, the difference (and its percent) otherwise. */
function Delta({ tile, money }: { tile: DashboardTile; money: (cents: number) => string }) {
  if (tile.value === null || tile.previous === null)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const diff = Math.round((tile.value - tile.previous) * 10) / 10;
  if (diff === 0) {
    return (
      <Group gap={4} c="gray.7">
        <IconMinus size={16} aria-hidden />
        <Text size="sm" fw={600}>
          {t('dashboard.manager.delta.same')}
        </Text>
      </Group>
    );
  }
  const up = diff > 0;
  const good = up === (tile.better === 'up');
  const amount =
    tile.kind === 'percent'
      ? `${Math.abs(diff).toFixed(1)} ${t('dashboard.manager.points')}`
      : tile.kind === 'cents'
        ? money(Math.abs(diff))
        : `${formatFigure(tile.kind, Math.abs(diff))}${tile.previous ? ` (${changePercent(diff, tile.previous)})` : ''}`;
  return (
    <Group gap={4} c={good ? 'teal.9' : 'red.9'} wrap="nowrap" data-testid={`delta-${tile.key}`}>
      {up ? <IconArrowUpRight size={18} aria-hidden /> : <IconArrowDownRight size={18} aria-hidden />}
      <Text size="sm" fw={700}>
        {t(up ? 'dashboard.manager.delta.up' : 'dashboard.manager.delta.down', { delta: amount })}
      </Text>
    </Group>
  );
}

const weekday = (date: string) =>
  new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

function Tile({ tile, section }: { tile: DashboardTile; section: ManagerSection }) {
  const money = useMoney();
  const value = tile.kind === 'cents' && tile.value !== null ? money(tile.value) : tileText(tile, tile.value);
  const previous =
    tile.kind === 'cents' && tile.previous !== null ? money(tile.previous) : tileText(tile, tile.previous);
  const label = tile.label.replace(/ \((%|days|minutes)\)$/, '');
  // The report page of this tile's report, over this week so far, by day, opening the figure's rows.
  const target = {
    to: '/reports/$name' as const,
    params: { name: tile.report },
    search: { from: section.from, to: section.to, group: 'day' as const, figure: tile.metric ? tile.key : undefined },
  };
  const data = tile.days.map((day) => ({
    day: weekday(day.date),
    [t('dashboard.manager.thisWeek')]: day.value,
    [t('dashboard.manager.previousWeek')]: day.previous,
  }));
  return (
    <Paper withBorder radius="md" p="md" data-testid={`tile-${tile.report}-${tile.key}`}>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      {/* A long amount ($1,093,081.00) takes a smaller size and puts the change below it. */}
      <Group justify="space-between" align="flex-end" wrap="wrap" gap={4} mt={4}>
        <CardLink {...target} title={t('dashboard.openRows', { figure: label })}>
          <Text fz={value.length > 9 ? 26 : 34} fw={750} lh={1.1} c="blue.8" data-testid={`figure-${tile.key}`}>
            {value}
          </Text>
        </CardLink>
        <Delta tile={tile} money={money} />
      </Group>
      <Group justify="space-between" mt={2}>
        <Text size="xs" c="dimmed">
          {t('dashboard.manager.lastWeek', { value: previous })}
        </Text>
        {tile.metric && (
          <AnchorLink {...target} size="xs" aria-label={`${t('dashboard.manager.showRows')} ${label}`}>
            {t('dashboard.manager.showRows')}
          </AnchorLink>
        )}
      </Group>
      <div
        role="img"
        aria-label={`${label}: ${t('dashboard.manager.thisWeek')} / ${t('dashboard.manager.previousWeek')}, ${tile.days
          .map((day) => `${weekday(day.date)} ${tileText(tile, day.value)} / ${tileText(tile, day.previous)}`)
          .join(', ')}`}
      >
        <BarChart
          h={90}
          mt="sm"
          data={data}
          dataKey="day"
          withYAxis={false}
          gridAxis="none"
          barProps={{ radius: 2 }}
          tickLine="none"
          series={[
            { name: t('dashboard.manager.previousWeek'), color: 'gray.4' },
            { name: t('dashboard.manager.thisWeek'), color: 'blue.6' },
          ]}
        />
      </div>
    </Paper>
  );
}

function Manager({ data }: { data: ManagerSection }) {
  return (
    <Section
      title={t('dashboard.manager.title')}
      id="dash-manager"
      extra={
        <Stack gap={0} align="flex-end">
          <Text size="sm" c="dimmed">
            {t('dashboard.manager.range', {
              from: formatDate(data.from),
              to: formatDate(data.to),
              previousFrom: formatDate(data.previousFrom),
              previousTo: formatDate(data.previousTo),
            })}
          </Text>
          <Text size="xs" c="dimmed">
            {t(data.today ? 'dashboard.manager.todaySoFar' : 'dashboard.manager.wholeDays')}
          </Text>
        </Stack>
      }
    >
      {data.emergencyToReview !== undefined && (
        <SimpleGrid cols={{ base: 1, sm: 2, xl: 4 }} spacing="md">
          <StatCard
            label={t('dashboard.manager.emergencyToReview')}
            value={String(data.emergencyToReview)}
            hint={t('dashboard.manager.emergencyToReviewHint')}
            icon={<IconShieldLock size={18} />}
            color={data.emergencyToReview ? 'red' : 'gray'}
            alert={data.emergencyToReview > 0}
            target={{ to: '/admin/emergency-access' }}
            testId="emergency-review"
          />
        </SimpleGrid>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, xl: 4 }} spacing="md">
        {data.tiles.map((tile) => (
          <Tile key={`${tile.report}-${tile.key}`} tile={tile} section={data} />
        ))}
      </SimpleGrid>
      <Group justify="flex-end">
        {[...new Set(data.tiles.map((tile) => tile.report))].map((report) => (
          <AnchorLink
            key={report}
            to="/reports/$name"
            params={{ name: report }}
            search={{ from: data.from, to: data.to, group: 'day' }}
            size="sm"
          >
            {t('dashboard.manager.openReport')} ({t(REPORT_VIEWS[report].title)})
          </AnchorLink>
        ))}
      </Group>
    </Section>
  );
}

export function RoleDashboard() {
  const { clinic } = useSession();
  const dashboard = useDashboard();
  if (dashboard.isPending) return <Loading />;
  if (dashboard.isError) return <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />;
  const d = dashboard.data;
  return (
    <>
      {d.manager && <Manager data={d.manager} />}
      {d.frontDesk && <FrontDesk data={d.frontDesk} timezone={clinic.timezone} />}
      {d.clinical && <Clinical data={d.clinical} timezone={clinic.timezone} />}
      {d.billing && <Billing data={d.billing} />}
    </>
  );
}
