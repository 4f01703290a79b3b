import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { t } from '@tend/domain';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, dropHeldRequests, holdRequests, openRequests, setAuthHandlers } from '../api/client';
import { PORTAL_TARGET } from '../app/theme';
import { setTrainingAccent } from '../app/trainingAccent';
import { checkConnection, useOffline } from '../offline/connectivity';
import { OfflineCopyView } from '../offline/OfflineCopyView';
import { clearOfflineCopies } from '../offline/store';
import { useOfflineCopyRefresh } from '../offline/useOfflineCopyRefresh';
import { useWorkLocation } from '../schedule/location';
import { clearStoredDrafts, forgetLegacyDrafts } from '../visits/useVisitDraft';
import { LockScreen } from './LockScreen';
import { clearLockFlag, onLockFlagChange, readLockFlag, writeLockFlag, writeSharedActivity } from './lockFlag';
import { MfaRequiredScreen } from './MfaRequiredScreen';
import { isMfaChallenge, type MfaChallenge, type Session, SessionContext, sessionValue, useSession } from './session';
import { useIdleTimer } from './useIdleTimer';

interface SignedInAppProps {
  initial: Session;
  /** Just signed in (rather than a reload with a live session). */
  fresh: boolean;
  onSignedOut: (options?: { notice?: string; home?: boolean }) => void;
  /** The session became another person's (into or out of the training clinic): the app starts over. */
  onSwitched: (session: Session) => void;
  children: ReactNode;
}

interface LockOptions {
  /** End the server session too (idle or manual lock); not when it has already ended. */
  endSession: boolean;
  /** Tell the other tabs (not when they told us). */
  broadcast: boolean;
}

/**
 * The signed-in app and its lock. Locking holds back every request, empties the query cache (every
 * list, chart and search the screens showed: they render without it, and fetch it again through the
 * audited API after unlock), hides the app and ends the server session. The app stays mounted, so
 * unsaved input in forms and dialogs survives; unlocking signs in again with the same email.
 */
export function SignedInApp({ initial, fresh, onSignedOut, onSwitched, children }: SignedInAppProps) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState(initial);
  const [locked, setLocked] = useState(false);
  const lockedRef = useRef(false);
  const focusBeforeLock = useRef<HTMLElement | null>(null);
  const userId = session.user.id;

  const lock = useCallback(
    ({ endSession, broadcast }: LockOptions) => {
      if (lockedRef.current) return;
      lockedRef.current = true;
      holdRequests();
      // Every query back to "not loaded" (data and kept-previous data gone); those on screen ask
      // again, held until unlock. Inactive ones are dropped.
      void queryClient.resetQueries().catch(() => undefined);
      queryClient.removeQueries({ type: 'inactive' });
      focusBeforeLock.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      if (broadcast) writeLockFlag(userId);
      notifications.clean();
      if (endSession) {
        void api('/auth/sign-out', { method: 'POST', body: {}, authFlow: true }).catch(() => undefined);
      }
      setLocked(true);
    },
    [userId, queryClient],
  );

  // Visit-note drafts kept in localStorage by older versions: plaintext on the device, removed.
  useEffect(() => forgetLegacyDrafts(), []);

  const finishUnlock = useCallback(() => {
    lockedRef.current = false;
    writeSharedActivity(Date.now());
    setLocked(false);
    openRequests();
    const previous = focusBeforeLock.current;
    window.requestAnimationFrame(() => {
      if (previous?.isConnected) previous.focus();
    });
  }, []);

  // In training the person is a stand-in without a password: unlocking signs in as the real
  // account, then goes back into training.
  const unlockEmail = session.trainingFor?.email ?? session.user.email;
  const unlock = useCallback(
    async (password: string, code?: string) => {
      const first = await api<Session | MfaChallenge>('/auth/sign-in', {
        method: 'POST',
        body: { email: unlockEmail, password },
        authFlow: true,
      });
      // With two-step sign-in, unlocking asks for the code from the app too.
      let next: Session;
      if (isMfaChallenge(first)) {
        if (!code) throw new Error(t('lock.codeRequired'));
        next = await api<Session>('/auth/sign-in/mfa', {
          method: 'POST',
          body: { challenge: first.challenge, code },
          authFlow: true,
        });
      } else {
        next = first;
      }
      if (unlockEmail !== session.user.email) {
        next = await api<Session>('/training/enter', { method: 'POST', body: {}, authFlow: true });
      }
      setSession(next);
      clearLockFlag();
      finishUnlock();
    },
    [unlockEmail, session.user.email, finishUnlock],
  );

  const enterTraining = useCallback(async () => {
    const next = await api<Session>('/training/enter', { method: 'POST', body: {} });
    queryClient.clear();
    onSwitched(next);
  }, [queryClient, onSwitched]);

  const leaveTraining = useCallback(async () => {
    const next = await api<Session | null>('/training/leave', { method: 'POST', body: {} });
    queryClient.clear();
    if (next) onSwitched(next);
    else onSignedOut({ home: true, notice: t('signIn.sessionEnded') });
  }, [queryClient, onSwitched, onSignedOut]);

  const switchUser = useCallback(() => {
    dropHeldRequests();
    clearLockFlag();
    lockedRef.current = false;
    onSignedOut({ home: true });
  }, [onSignedOut]);

  const signOut = useCallback(
    async ({ everywhere = false }: { everywhere?: boolean } = {}) => {
      try {
        await api(everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out', {
          method: 'POST',
          body: {},
          authFlow: true,
        });
      } catch {
        // Signed out already: nothing to end.
      }
      clearStoredDrafts(userId);
      // The device's offline copy of the schedule goes with the session (and with "everywhere").
      await clearOfflineCopies();
      onSignedOut({ home: true });
    },
    [onSignedOut, userId],
  );

  // 401s from any request: an idled-out session locks; a missing session goes to sign-in.
  useEffect(() => {
    setAuthHandlers({
      onSessionExpired: () => lock({ endSession: false, broadcast: true }),
      onUnauthenticated: () => {
        if (lockedRef.current) return;
        dropHeldRequests();
        void clearOfflineCopies();
        onSignedOut({ notice: t('signIn.sessionEnded') });
      },
    });
    return () => setAuthHandlers({ onSessionExpired: () => undefined, onUnauthenticated: () => undefined });
  }, [lock, onSignedOut]);

  // A reload while another tab is locked stays locked; other tabs lock and unlock with this one.
  useEffect(() => {
    if (!fresh && readLockFlag() === userId) lock({ endSession: true, broadcast: false });
    return onLockFlagChange((isLocked) => {
      if (isLocked) {
        lock({ endSession: false, broadcast: false });
        return;
      }
      if (!lockedRef.current) return;
      // Unlocked in another tab: the browser's new session is ours only if it is the same person.
      api<Session>('/auth/session', { authFlow: true, background: true })
        .then((current) => {
          if (current.user.id !== userId) throw new Error('another user');
          setSession(current);
          finishUnlock();
        })
        .catch(() => switchUser());
    });
  }, [fresh, userId, lock, finishUnlock, switchUser]);

  // The training accent colour while in a training clinic (App.tsx), and never after leaving it.
  const training = session.clinic.isTraining;
  useEffect(() => {
    setTrainingAccent(training);
    return () => setTrainingAccent(false);
  }, [training]);

  // Menus and dialogs live outside the app's root element: hide them with it.
  useEffect(() => {
    const portals = document.querySelector<HTMLElement>(PORTAL_TARGET);
    if (portals) portals.hidden = locked;
  }, [locked]);

  const refreshSession = useCallback((background: boolean) => {
    api<Session>('/auth/session', { background })
      .then((current) => setSession((previous) => ({ ...previous, clinic: current.clinic, mfa: current.mfa })))
      .catch(() => undefined);
  }, []);

  useIdleTimer({
    enabled: !locked,
    timeoutMinutes: session.clinic.idleTimeoutMinutes,
    onIdle: () => lock({ endSession: true, broadcast: true }),
    onHeartbeat: () => refreshSession(false),
    onCheck: () => refreshSession(true),
  });

  // The server is unreachable: the offline copy replaces the screens (kept mounted, like the lock,
  // so unsaved input survives) until it answers again. The lock screen still covers it.
  const offline = useOffline();

  const value = useMemo(
    () =>
      sessionValue(session, locked, {
        setClinic: (clinic) => setSession((previous) => ({ ...previous, clinic })),
        setMfaEnabled: (enabled) => setSession((previous) => ({ ...previous, mfa: { ...previous.mfa, enabled } })),
        signOut,
        lock: () => lock({ endSession: true, broadcast: true }),
        enterTraining,
        leaveTraining,
      }),
    [session, locked, signOut, lock, enterTraining, leaveTraining],
  );

  return (
    <SessionContext.Provider value={value}>
      <OfflineCopyKeeper paused={locked || offline} />
      <div hidden={locked || offline} data-testid="app-content">
        {/* The clinic requires two-step sign-in for this role: nothing else until it is set up. */}
        {session.mfa.required && !session.mfa.enabled ? <MfaRequiredScreen /> : children}
      </div>
      {offline && !locked && (
        <OfflineCopyView userId={userId} onRetry={() => void checkConnection()} onSignOut={() => void signOut()} />
      )}
      {locked && (
        <LockScreen
          user={{ ...session.user, email: unlockEmail }}
          mfa={session.mfa.enabled}
          onUnlock={unlock}
          onSwitchUser={switchUser}
        />
      )}
    </SessionContext.Provider>
  );
}

/** Keeps the device's offline copy of the user's location (the schedule's choice) fresh. */
function OfflineCopyKeeper({ paused }: { paused: boolean }) {
  const { user, can } = useSession();
  const work = useWorkLocation();
  useOfflineCopyRefresh({
    userId: user.id,
    allowed: can('offline.copy'),
    // Until the locations are known, so that the first copy is already the location's.
    paused: paused || !work.known,
    locationId: work.location?.id ?? null,
  });
  return null;
}
