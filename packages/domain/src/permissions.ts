/**
 * The permission matrix: every action Tend offers and the roles allowed to take it.
 * Every API route declares one of these (or `public` / `authenticated`), and the route test
 * walks every route × role against this table. Minimum necessary: receptionists and billing
 * never read clinical notes.
 */
export const ROLES = ['admin', 'manager', 'receptionist', 'provider', 'nurse', 'billing'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const CLINICAL: readonly Role[] = ['provider', 'nurse'];

export const PERMISSIONS = {
  /** Demographics, contacts, front-desk notes. */
  'patient.read': ALL,
  'patient.write': ['admin', 'manager', 'receptionist', 'provider', 'nurse'],
  /** The patient's whole record as JSON or PDF, for the patient's right of access (audited, a disclosure). */
  'patient.export': ['admin', 'manager', 'provider'],
  'coverage.read': ALL,
  'coverage.write': ['admin', 'manager', 'receptionist', 'billing'],
  'payer.read': ALL,
  'payer.manage': ['admin', 'manager', 'billing'],
  /** Visit notes, vitals, problem list, allergies, medications. Every read of a note is audited. */
  'clinical.read': CLINICAL,
  /**
   * Mark a patient's record restricted (or not): its clinical part is then open only to the
   * patient's care providers and to emergency grants.
   */
  'patient.restrict': ['admin', 'manager'],
  /** Open a restricted record outside one's care relationship, with a typed reason, for a limited time. */
  'emergency.access': CLINICAL,
  /** The queue of emergency grants, each reviewed as appropriate or not. */
  'emergency.review': ['admin', 'manager'],
  /** Open a visit, record vitals and intake (chief complaint), allergies and medications. */
  'clinical.write': CLINICAL,
  /** The note itself (SOAP), diagnoses, services, follow-ups and addenda: the provider's. */
  'note.write': ['provider'],
  /** A patient's requests to amend their record, with decisions and statements of disagreement. */
  'amendment.read': ['admin', 'manager', 'provider', 'nurse'],
  /** Record a request, decide it (a provider for a visit, a manager for demographics), add the patient's statement. */
  'amendment.manage': ['admin', 'manager', 'provider'],
  /** Only the provider signs (and only their own visits). */
  'encounter.sign': ['provider'],
  /** The charges visits create, with their codes (never the note text). */
  'charge.read': ['admin', 'manager', 'provider', 'billing'],
  /** Take a payment (a copay at check-in, a check, an insurer's payment). */
  'payment.post': ['admin', 'manager', 'billing', 'receptionist'],
  /** A patient's balance (the front desk asks for the copay). */
  'balance.read': ['admin', 'manager', 'billing', 'receptionist'],
  /** Adjustments, transfers, aging and work lists. */
  'billing.manage': ['admin', 'manager', 'billing'],
  'service.read': ALL,
  /** The service catalogue and its fees. */
  'service.manage': ['admin', 'manager', 'billing'],
  /** SOAP templates per appointment type. */
  'template.manage': ['admin', 'manager', 'provider'],
  /** The recall list: follow-ups providers ordered ("return in 2 weeks"), due, contacted, booked. */
  'recall.read': ['admin', 'manager', 'receptionist', 'provider', 'nurse'],
  /**
   * Reports: counts, rates and money across the clinic, each figure listing the appointments (and
   * so patients) behind it. Billing reads the A/R aging through billing.manage, not these.
   */
  'report.read': ['admin', 'manager'],
  'audit.read': ['admin', 'manager'],
  'user.read': ['admin', 'manager'],
  'user.manage': ['admin'],
  'provider.read': ALL,
  'provider.manage': ['admin'],
  'location.read': ALL,
  'location.manage': ['admin'],
  /** Appointments, open slots, working hours, appointment types and rooms. */
  'schedule.read': ALL,
  /** Book, reschedule, cancel and move appointments through their day. */
  'appointment.write': ['admin', 'manager', 'receptionist', 'provider', 'nurse'],
  /** Book outside a provider's working hours, with a reason (audited). */
  'appointment.override': ['admin', 'manager', 'receptionist'],
  /** Working hours, time off, appointment types, rooms. */
  'schedule.manage': ['admin', 'manager'],
  /**
   * The downtime kit: the coming days' schedule and the patients' phone numbers on paper (PDF or
   * the print page). Not billing: nobody at a billing desk runs the day when Tend is down, and a
   * printed list of every patient's phone is PHI that leaves the system.
   */
  'downtime.print': ['admin', 'manager', 'receptionist', 'provider', 'nurse'],
  /**
   * The browser's offline copy: today's and tomorrow's schedule with those patients' contact
   * details, kept on the device for downtime. The roles that run the day; billing works from the
   * ledger, not the desk, so no copy of the schedule sits on its devices (minimum necessary).
   */
  'offline.copy': ['admin', 'manager', 'receptionist', 'provider', 'nurse'],
  'clinic.manage': ['admin'],
  /** The outbox: every email Tend sent, failed to send or captured, with its text and attachments. */
  'email.read': ['admin', 'manager', 'billing'],
  /** Send a failed email or text again. */
  'email.send': ['admin', 'manager', 'billing'],
  'token.manage': ['admin'],
  /** Reset the training clinic to fresh mock data (everyone's practice there is wiped). */
  'training.reset': ['admin', 'manager'],
  /** Backups of the whole installation: see them and back up now (the data of every clinic on it). */
  'backup.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * What a route declares: a permission; `authenticated` (any signed-in user, e.g. their own
 * session); `public` (health, sign-in, first-run setup); or `local-cli` (the command line on
 * the same machine, authenticated by a secret in the data folder).
 */
export type RouteAccess = Permission | 'public' | 'authenticated' | 'local-cli';

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The matrix as a Markdown table (rendered into docs/security.md; a test keeps them equal). */
export function permissionMatrixMarkdown(): string {
  const header = `| permission | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = (Object.keys(PERMISSIONS) as Permission[]).map(
    (permission) => `| \`${permission}\` | ${ROLES.map((role) => (can(role, permission) ? '✓' : '')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
