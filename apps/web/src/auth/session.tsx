import { type Clinic, type Permission, type Role, can as roleCan, todayIn } from '@tend/domain';
import { createContext, useContext } from 'react';

/** The signed-in user and their clinic, as `GET /api/auth/session` and sign-in return them. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  user: SessionUser;
  clinic: Clinic;
  /** Two-step sign-in: on for this person; required by the clinic for their role. */
  mfa: { enabled: boolean; required: boolean };
  /** In a training clinic as the stand-in of a real account: that account (null otherwise, and on the demo). */
  trainingFor?: { email: string } | null;
}

/** What `POST /api/auth/sign-in` answers when a code from the authenticator app must follow. */
export interface MfaChallenge {
  challenge: string;
  expiresAt: string;
}

export function isMfaChallenge(result: Session | MfaChallenge): result is MfaChallenge {
  return 'challenge' in result;
}

export interface SessionContextValue extends Session {
  /** The lock screen is up (the app is hidden; keyboard shortcuts must not act). */
  locked: boolean;
  can: (permission: Permission) => boolean;
  /** Today in the clinic's time zone, YYYY-MM-DD. */
  today: () => string;
  /** After the clinic settings changed. */
  setClinic: (clinic: Clinic) => void;
  /** After the person turned two-step sign-in on or off. */
  setMfaEnabled: (enabled: boolean) => void;
  signOut: (options?: { everywhere?: boolean }) => Promise<void>;
  /** Lock now (the user steps away from the desk). */
  lock: () => void;
  /** Switch to the clinic's training clinic, with the same role (the app starts over there). */
  enterTraining: () => Promise<void>;
  /** Back to the real clinic (or to the sign-in page, if the real session has ended). */
  leaveTraining: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside the signed-in app.');
  return value;
}

/** The session when signed in; null on the setup and sign-in pages. */
export function useOptionalSession(): SessionContextValue | null {
  return useContext(SessionContext);
}

export function sessionValue(
  session: Session,
  locked: boolean,
  actions: Pick<
    SessionContextValue,
    'setClinic' | 'setMfaEnabled' | 'signOut' | 'lock' | 'enterTraining' | 'leaveTraining'
  >,
): SessionContextValue {
  return {
    ...session,
    ...actions,
    locked,
    can: (permission) => roleCan(session.user.role, permission),
    today: () => todayIn(session.clinic.timezone),
  };
}
