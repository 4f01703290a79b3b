import { can, type Permission, type Role } from '@tend/domain';

/** Who is acting, for which clinic, from where. Every service call receives one. */
export interface RequestContext {
  clinicId: string;
  userId: string;
  role: Role;
  userName: string;
  email: string;
  ip: string | null;
  userAgent: string | null;
  /** The session behind a browser request (null for API tokens and the CLI). */
  sessionId: string | null;
  /** The API token behind a script's request. */
  tokenId: string | null;
  /**
   * The clinic requires two-step sign-in for this role and the person has not set it up: the
   * session reaches only /api/auth/* (enrolment, sign-out) until they do.
   */
  mfaEnrolmentPending?: boolean;
  /** What that token may do (its scopes); absent for sessions and the CLI. */
  tokenScopes?: readonly Permission[];
  /** The clinic is a training clinic (mock data; the person is a stand-in of themselves, or on the demo). */
  training?: boolean;
}

/** Where an unauthenticated request comes from (sign-in, setup). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** What clinic-scoped lookups need: the clinic (a staff request, or a patient's link). */
export type ClinicScope = Pick<RequestContext, 'clinicId'>;

/**
 * A patient acting through a signed link in a message (booking a recall's visit): no staff
 * account and no permissions; audited as the patient, from where the request came.
 */
export interface PatientActor {
  clinicId: string;
  patientId: string;
  origin: RequestOrigin;
}

/** Who books: a signed-in staff member, or the patient through a link. */
export type Actor = RequestContext | PatientActor;

export function isPatientActor(actor: Actor): actor is PatientActor {
  return 'origin' in actor;
}

/** Whether the request may take this action: the role allows it and, for an API token, its scopes include it. */
export function ctxCan(ctx: RequestContext, permission: Permission): boolean {
  return can(ctx.role, permission) && (!ctx.tokenScopes || ctx.tokenScopes.includes(permission));
}
