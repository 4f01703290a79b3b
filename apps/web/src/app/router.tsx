import { createRootRoute, createRoute, createRouter, notFound } from '@tanstack/react-router';
import {
  type Permission,
  REPORT_ACCESS,
  REPORT_GROUPS,
  REPORT_NAMES,
  type ReportGroup,
  type ReportName,
} from '@tend/domain';
import type { ComponentType } from 'react';
import { AppointmentTypesPage } from '../admin/AppointmentTypesPage';
import { ClinicSettingsPage } from '../admin/ClinicSettingsPage';
import { EmergencyReviewPage } from '../admin/EmergencyReviewPage';
import { HealthPage } from '../admin/HealthPage';
import { LocationsPage } from '../admin/LocationsPage';
import { PayersPage } from '../admin/PayersPage';
import { PermissionsPage } from '../admin/PermissionsPage';
import { ProvidersPage } from '../admin/ProvidersPage';
import { RoomsPage } from '../admin/RoomsPage';
import { StaffPage } from '../admin/StaffPage';
import { TokensPage } from '../admin/TokensPage';
import { WorkingHoursPage } from '../admin/WorkingHoursPage';
import { AuditLogPage } from '../audit/AuditLogPage';
import { AccountSecurityPage } from '../auth/AccountSecurityPage';
import { AgingPage } from '../billing/AgingPage';
import { InvoicesPage } from '../billing/InvoicesPage';
import { PaymentsPage } from '../billing/PaymentsPage';
import { PostPaymentPage } from '../billing/PostPaymentPage';
import { StatementsPage } from '../billing/StatementsPage';
import { WorkListsPage } from '../billing/WorkListsPage';
import { ClaimPage } from '../claims/ClaimPage';
import { CLAIM_VIEWS, ClaimsPage, type ClaimView } from '../claims/ClaimsPage';
import { DowntimePage } from '../downtime/DowntimePage';
import { EmailSettingsPage } from '../email/EmailSettingsPage';
import { OutboxPage } from '../email/OutboxPage';
import { HomePage } from '../home/HomePage';
import { SmsSettingsPage } from '../messaging/SmsSettingsPage';
import { PatientChartPage } from '../patients/PatientChartPage';
import { PatientsPage } from '../patients/PatientsPage';
import { RegisterPatientPage } from '../patients/RegisterPatientPage';
import { RecallsPage } from '../recalls/RecallsPage';
import { MessageTemplatesPage } from '../reminders/MessageTemplatesPage';
import { ReminderRulesPage } from '../reminders/ReminderRulesPage';
import { ReportPage } from '../reports/ReportPage';
import { MyDayPage } from '../schedule/MyDayPage';
import { SchedulePage } from '../schedule/SchedulePage';
import { ExercisesPage } from '../training/ExercisesPage';
import { ChargesPage } from '../visits/ChargesPage';
import { NoteTemplatesPage } from '../visits/NoteTemplatesPage';
import { ServicesPage } from '../visits/ServicesPage';
import { VisitPage } from '../visits/VisitPage';
import { NotFoundPage, RequirePermission } from './guards';
import { Shell } from './Shell';

const rootRoute = createRootRoute({ component: Shell, notFoundComponent: NotFoundPage });

function guarded(permission: Permission, Page: ComponentType) {
  return function Guarded() {
    return (
      <RequirePermission permission={permission}>
        <Page />
      </RequirePermission>
    );
  };
}

export const CHART_TABS = [
  'details',
  'clinical',
  'insurance',
  'balance',
  'messages',
  'amendments',
  'history',
  'disclosures',
] as const;
export type ChartTab = (typeof CHART_TABS)[number];

function positiveInt(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 1 ? n : undefined;
}

const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: HomePage });

const accountSecurityRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/account/security',
  component: AccountSecurityPage,
});

const patientsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/patients',
  validateSearch: (search: Record<string, unknown>): { q?: string; page?: number } => ({
    q: typeof search.q === 'string' && search.q ? search.q : undefined,
    page: positiveInt(search.page),
  }),
  component: guarded('patient.read', PatientsPage),
});

const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/patients/new',
  component: guarded('patient.write', RegisterPatientPage),
});

const chartRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/patients/$patientId',
  validateSearch: (search: Record<string, unknown>): { tab?: ChartTab } => ({
    tab: CHART_TABS.find((tab) => tab === search.tab && tab !== 'details'),
  }),
  component: guarded('patient.read', PatientChartPage),
});

function adminRoute<const Path extends string>(path: Path, permission: Permission, page: ComponentType) {
  return createRoute({ getParentRoute: () => rootRoute, path, component: guarded(permission, page) });
}

const scheduleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/schedule',
  component: guarded('schedule.read', SchedulePage),
});

const myDayRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/schedule/my-day',
  component: guarded('schedule.read', MyDayPage),
});

const visitRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/visits/$id',
  component: guarded('clinical.read', VisitPage),
});

// ---- Billing ------------------------------------------------------------------------------------

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const date = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;

const workListsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/billing/work-lists',
  validateSearch: (search: Record<string, unknown>): { days?: number } => {
    const n = Number(search.days);
    return { days: Number.isInteger(n) && n >= 0 && n <= 3650 && search.days !== undefined ? n : undefined };
  },
  component: guarded('billing.manage', WorkListsPage),
});

const invoicesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/billing/invoices',
  validateSearch: (search: Record<string, unknown>): { patientId?: string; invoiceId?: string } => ({
    patientId: text(search.patientId),
    invoiceId: text(search.invoiceId),
  }),
  component: guarded('billing.manage', InvoicesPage),
});

const postPaymentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/billing/payments/new',
  validateSearch: (search: Record<string, unknown>): { patientId?: string; invoiceId?: string } => ({
    patientId: text(search.patientId),
    invoiceId: text(search.invoiceId),
  }),
  component: guarded('payment.post', PostPaymentPage),
});

const paymentsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/billing/payments',
  validateSearch: (search: Record<string, unknown>): { from?: string; to?: string; payerId?: string } => ({
    from: date(search.from),
    to: date(search.to),
    payerId: text(search.payerId),
  }),
  component: guarded('balance.read', PaymentsPage),
});

const statementsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/billing/statements',
  validateSearch: (search: Record<string, unknown>): { month?: string } => ({
    month: typeof search.month === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(search.month) ? search.month : undefined,
  }),
  component: guarded('billing.manage', StatementsPage),
});

const agingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/billing/aging',
  validateSearch: (search: Record<string, unknown>): { asOf?: string } => ({ asOf: date(search.asOf) }),
  component: guarded('billing.manage', AgingPage),
});

const reportRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reports/$name',
  params: {
    parse: ({ name }: { name: string }): { name: ReportName } => {
      if (!(REPORT_NAMES as readonly string[]).includes(name)) throw notFound();
      return { name: name as ReportName };
    },
    stringify: ({ name }: { name: ReportName }) => ({ name }),
  },
  validateSearch: (
    search: Record<string, unknown>,
  ): {
    from?: string;
    to?: string;
    group?: ReportGroup;
    locationId?: string;
    providerId?: string;
    payerId?: string;
    serviceCode?: string;
    /** A figure's column key: its drill-down opens with the page (the dashboard's tiles link so). */
    figure?: string;
  } => ({
    from: date(search.from),
    to: date(search.to),
    group: REPORT_GROUPS.find((group) => group === search.group),
    locationId: text(search.locationId),
    providerId: text(search.providerId),
    payerId: text(search.payerId),
    serviceCode: text(search.serviceCode),
    figure: text(search.figure),
  }),
  component: function GuardedReport() {
    const { name } = reportRoute.useParams();
    return (
      <RequirePermission permission={REPORT_ACCESS[name]}>
        <ReportPage />
      </RequirePermission>
    );
  },
});

// ---- Claims -------------------------------------------------------------------------------------

const claimsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/claims',
  validateSearch: (search: Record<string, unknown>): { view?: ClaimView } => ({
    view: CLAIM_VIEWS.find((view) => view === search.view && view !== 'work'),
  }),
  component: guarded('billing.manage', ClaimsPage),
});

const claimRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/claims/$claimId',
  component: guarded('billing.manage', ClaimPage),
});

const exercisesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/training/exercises',
  component: ExercisesPage,
});

const routeTree = rootRoute.addChildren([
  homeRoute,
  exercisesRoute,
  accountSecurityRoute,
  patientsRoute,
  registerRoute,
  chartRoute,
  scheduleRoute,
  myDayRoute,
  visitRoute,
  workListsRoute,
  invoicesRoute,
  postPaymentRoute,
  paymentsRoute,
  statementsRoute,
  agingRoute,
  reportRoute,
  claimsRoute,
  claimRoute,
  adminRoute('/downtime', 'downtime.print', DowntimePage),
  adminRoute('/recalls', 'recall.read', RecallsPage),
  adminRoute('/charges', 'charge.read', ChargesPage),
  adminRoute('/admin/services', 'service.read', ServicesPage),
  adminRoute('/admin/note-templates', 'template.manage', NoteTemplatesPage),
  adminRoute('/admin/staff', 'user.read', StaffPage),
  adminRoute('/admin/permissions', 'user.read', PermissionsPage),
  adminRoute('/admin/providers', 'provider.read', ProvidersPage),
  adminRoute('/admin/locations', 'location.read', LocationsPage),
  adminRoute('/admin/working-hours', 'schedule.read', WorkingHoursPage),
  adminRoute('/admin/appointment-types', 'schedule.read', AppointmentTypesPage),
  adminRoute('/admin/rooms', 'schedule.read', RoomsPage),
  adminRoute('/admin/payers', 'payer.read', PayersPage),
  adminRoute('/admin/tokens', 'token.manage', TokensPage),
  adminRoute('/admin/audit', 'audit.read', AuditLogPage),
  adminRoute('/admin/emergency-access', 'emergency.review', EmergencyReviewPage),
  adminRoute('/admin/clinic', 'clinic.manage', ClinicSettingsPage),
  adminRoute('/admin/health', 'clinic.manage', HealthPage),
  adminRoute('/admin/email', 'clinic.manage', EmailSettingsPage),
  adminRoute('/admin/text-messages', 'clinic.manage', SmsSettingsPage),
  adminRoute('/admin/reminders', 'schedule.read', ReminderRulesPage),
  adminRoute('/admin/message-templates', 'schedule.manage', MessageTemplatesPage),
  adminRoute('/admin/outbox', 'email.read', OutboxPage),
]);

export const router = createRouter({ routeTree, defaultPreload: false, scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
