import type { Role } from '@tend/domain';

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
}

/** Where an unauthenticated request comes from (sign-in, setup). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/**
 * A patient acting through a signed link in a message, for the few services a link may use
 * (taking an offered time books through the booking service). There is no user: what it writes
 * records no user (created_by, resolved_by, the audit's actor are null) and the role 'patient',
 * which no permission includes.
 */
export function patientViaLink(clinicId: string, origin: RequestOrigin): RequestContext {
  return {
    clinicId,
    userId: null as unknown as string,
    role: 'patient' as Role,
    userName: 'The patient (link)',
    email: '',
    ip: origin.ip,
    userAgent: origin.userAgent,
    sessionId: null,
    tokenId: null,
  };
}
