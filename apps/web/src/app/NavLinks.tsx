import { NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import {
  IconBell,
  IconBellRinging,
  IconBuildingHospital,
  IconCalendarCog,
  IconCalendarEvent,
  IconCalendarRepeat,
  IconCash,
  IconChartBar,
  IconChartDots,
  IconChartPie,
  IconChecklist,
  IconClipboardList,
  IconClockHour4,
  IconCoins,
  IconDoor,
  IconFileDollar,
  IconFileInvoice,
  IconFileStack,
  IconGauge,
  IconHeartbeat,
  IconHome,
  IconId,
  IconKey,
  IconLockAccess,
  IconMail,
  IconMailbox,
  IconMapPin,
  IconMessage,
  IconMessage2Cog,
  IconPrinter,
  IconReceipt,
  IconReceipt2,
  IconReceiptTax,
  IconReportMoney,
  IconScale,
  IconSchool,
  IconSettings,
  IconShieldCheck,
  IconShieldLock,
  IconStethoscope,
  IconTemplate,
  IconUserHeart,
  IconUserPlus,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { Link, useLocation } from '@tanstack/react-router';
import { type MessageKey, type Permission, t } from '@tend/domain';
import type { ComponentType, ReactNode } from 'react';
import { useSession } from '../auth/session';
import { useLinkedProvider } from '../schedule/api';

interface Item {
  to: string;
  label: MessageKey;
  icon: ComponentType<{ size?: number; stroke?: number; 'aria-hidden'?: boolean }>;
  permission?: Permission;
  /** Active on this path only (not its sub-paths). */
  exact?: boolean;
  /** Not active on these sub-paths. */
  except?: string[];
}

const MAIN: Item[] = [
  { to: '/', label: 'nav.home', icon: IconHome, exact: true },
  { to: '/patients', label: 'nav.patients', icon: IconUsers, permission: 'patient.read', except: ['/patients/new'] },
  { to: '/patients/new', label: 'nav.registerPatient', icon: IconUserPlus, permission: 'patient.write' },
  {
    to: '/schedule',
    label: 'nav.schedule',
    icon: IconCalendarEvent,
    permission: 'schedule.read',
    except: ['/schedule/my-day'],
  },
  { to: '/recalls', label: 'nav.recalls', icon: IconCalendarRepeat, permission: 'recall.read' },
  { to: '/downtime', label: 'nav.downtime', icon: IconPrinter, permission: 'downtime.print' },
  { to: '/charges', label: 'nav.charges', icon: IconReceipt, permission: 'charge.read' },
];

/** Shown to providers and to anyone whose staff account is linked to a provider. */
const MY_DAY: Item = {
  to: '/schedule/my-day',
  label: 'nav.myDay',
  icon: IconClipboardList,
  permission: 'schedule.read',
};

/** The guided exercises: only in a training clinic. */
const EXERCISES: Item = { to: '/training/exercises', label: 'training.exercises.nav', icon: IconSchool };

/** Billing's screens. */
const BILLING: Item[] = [
  { to: '/billing/work-lists', label: 'nav.workLists', icon: IconChecklist, permission: 'billing.manage' },
  { to: '/billing/invoices', label: 'nav.invoices', icon: IconFileInvoice, permission: 'billing.manage' },
  { to: '/claims', label: 'nav.claims', icon: IconFileDollar, permission: 'billing.manage' },
  { to: '/billing/payments/new', label: 'nav.postPayment', icon: IconCash, permission: 'payment.post' },
  {
    to: '/billing/payments',
    label: 'nav.payments',
    icon: IconCoins,
    permission: 'balance.read',
    except: ['/billing/payments/new'],
  },
  { to: '/billing/statements', label: 'nav.statements', icon: IconFileStack, permission: 'billing.manage' },
  { to: '/billing/aging', label: 'nav.aging', icon: IconChartBar, permission: 'billing.manage' },
];

/** The manager's reports. */
const REPORTS: Item[] = [
  { to: '/reports/appointments', label: 'nav.appointmentsReport', icon: IconChartDots, permission: 'report.read' },
  { to: '/reports/utilisation', label: 'nav.utilisationReport', icon: IconGauge, permission: 'report.read' },
  { to: '/reports/reminders', label: 'nav.remindersReport', icon: IconBellRinging, permission: 'report.read' },
  { to: '/reports/patients', label: 'nav.patientsReport', icon: IconUserHeart, permission: 'report.read' },
  { to: '/reports/revenue', label: 'nav.revenueReport', icon: IconReportMoney, permission: 'billing.manage' },
  { to: '/reports/reconciliation', label: 'nav.reconciliationReport', icon: IconScale, permission: 'billing.manage' },
  { to: '/reports/day-sheet', label: 'nav.daySheetReport', icon: IconReceiptTax, permission: 'billing.manage' },
];

const ADMIN: Item[] = [
  { to: '/admin/staff', label: 'nav.staff', icon: IconUsersGroup, permission: 'user.read' },
  { to: '/admin/permissions', label: 'nav.permissions', icon: IconLockAccess, permission: 'user.read' },
  { to: '/admin/providers', label: 'nav.providers', icon: IconStethoscope, permission: 'provider.manage' },
  { to: '/admin/locations', label: 'nav.locations', icon: IconMapPin, permission: 'location.manage' },
  { to: '/admin/working-hours', label: 'nav.workingHours', icon: IconClockHour4, permission: 'schedule.manage' },
  {
    to: '/admin/appointment-types',
    label: 'nav.appointmentTypes',
    icon: IconCalendarCog,
    permission: 'schedule.manage',
  },
  { to: '/admin/rooms', label: 'nav.rooms', icon: IconDoor, permission: 'schedule.manage' },
  { to: '/admin/payers', label: 'nav.payers', icon: IconId, permission: 'payer.manage' },
  { to: '/admin/services', label: 'nav.services', icon: IconReceipt2, permission: 'service.manage' },
  { to: '/admin/note-templates', label: 'nav.noteTemplates', icon: IconTemplate, permission: 'template.manage' },
  { to: '/admin/tokens', label: 'nav.tokens', icon: IconKey, permission: 'token.manage' },
  { to: '/admin/audit', label: 'nav.audit', icon: IconShieldCheck, permission: 'audit.read' },
  {
    to: '/admin/emergency-access',
    label: 'nav.emergencyReview',
    icon: IconShieldLock,
    permission: 'emergency.review',
  },
  { to: '/admin/clinic', label: 'nav.clinic', icon: IconSettings, permission: 'clinic.manage' },
  { to: '/admin/email', label: 'nav.email', icon: IconMail, permission: 'clinic.manage' },
  { to: '/admin/health', label: 'nav.health', icon: IconHeartbeat, permission: 'clinic.manage' },
  { to: '/admin/reminders', label: 'nav.reminders', icon: IconBell, permission: 'schedule.manage' },
  {
    to: '/admin/message-templates',
    label: 'nav.messageTemplates',
    icon: IconMessage2Cog,
    permission: 'schedule.manage',
  },
  { to: '/admin/text-messages', label: 'nav.sms', icon: IconMessage, permission: 'clinic.manage' },
  { to: '/admin/outbox', label: 'nav.outbox', icon: IconMailbox, permission: 'email.read' },
];

function isActive(item: Item, pathname: string): boolean {
  if (item.except?.some((path) => pathname === path)) return false;
  if (item.exact) return pathname === item.to;
  return pathname === item.to || pathname.startsWith(`${item.to}/`);
}

export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { can, user, clinic } = useSession();
  const { pathname } = useLocation();
  const linked = Boolean(useLinkedProvider(user.id).data);
  const main = [
    ...MAIN,
    ...(linked || user.role === 'provider' ? [MY_DAY] : []),
    ...(clinic.isTraining ? [EXERCISES] : []),
  ];
  const render = (item: Item) => {
    const Icon = item.icon;
    return (
      <NavLink
        key={item.to}
        component={Link}
        to={item.to}
        // Which item is current is decided here (Patients is current on a chart, not on Register).
        activeOptions={{ exact: true, includeSearch: false }}
        label={t(item.label)}
        leftSection={<Icon size={18} stroke={1.7} aria-hidden />}
        active={isActive(item, pathname)}
        aria-current={isActive(item, pathname) ? 'page' : undefined}
        onClick={onNavigate}
        variant="light"
        style={{ borderRadius: 'var(--mantine-radius-md)' }}
      />
    );
  };
  const admin = ADMIN.filter((item) => !item.permission || can(item.permission));
  const billing = BILLING.filter((item) => !item.permission || can(item.permission));
  const reports = REPORTS.filter((item) => !item.permission || can(item.permission));
  return (
    <ScrollArea type="scroll" h="100%">
      <Stack gap={2}>{main.filter((item) => !item.permission || can(item.permission)).map(render)}</Stack>
      <NavSection id="nav-billing" icon={IconReportMoney} title={t('nav.billing')} items={billing.map(render)} />
      <NavSection id="nav-reports" icon={IconChartPie} title={t('nav.reports')} items={reports.map(render)} />
      <NavSection id="nav-admin" icon={IconBuildingHospital} title={t('nav.admin')} items={admin.map(render)} />
    </ScrollArea>
  );
}

/** A titled group of menu links (nothing when the role has none of them). */
function NavSection({
  id,
  icon: Icon,
  title,
  items,
}: {
  id: string;
  icon: typeof IconReportMoney;
  title: string;
  items: ReactNode[];
}) {
  if (items.length === 0) return null;
  return (
    <Stack gap={2} mt="lg">
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4} className="tend-section-title" id={id}>
        <Icon size={12} aria-hidden style={{ marginRight: 6, verticalAlign: -1 }} />
        {title}
      </Text>
      <Stack gap={2} role="group" aria-labelledby={id}>
        {items}
      </Stack>
    </Stack>
  );
}
