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
