import { Button, Center, Stack, Text } from '@mantine/core';
import { type DemoSignIns, type OfflineCopy, t } from '@tend/domain';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { api, isApiError } from '../api/client';
import { queryClient } from '../app/queryClient';
import { Loading } from '../components/states';
import { checkConnection, useOffline } from '../offline/connectivity';
import { OfflineView } from '../offline/OfflineView';
import { clearOfflineCopies, readOfflineCopy } from '../offline/store';
import { SetupPage } from '../setup/SetupPage';
import { clearLockFlag, readLockFlag } from './lockFlag';
import { SignedInApp } from './SignedInApp';
import { SignInPage } from './SignInPage';
import type { Session } from './session';

type GateState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  /** The server cannot be reached on opening the app: the device's offline copy, if any. */
  | { status: 'offline'; copy: OfflineCopy | null; locked: boolean }
  | { status: 'setup'; codeRequired: boolean; demo: DemoSignIns | null }
  | { status: 'signedOut'; notice?: string }
  | { status: 'signedIn'; session: Session; fresh: boolean };

/**
 * What the browser shows before the app: first-run setup, the sign-in page, or — once signed
 * in — the app itself (with its idle lock).
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<GateState>({ status: 'loading' });

  const probe = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const { setUp, codeRequired, demo } = await api<{
        setUp: boolean;
        codeRequired: boolean;
        demo: DemoSignIns | null;
      }>('/setup', { authFlow: true });
      if (!setUp && !demo) {
        setState({ status: 'setup', codeRequired, demo });
        return;
      }
      try {
        const session = await api<Session>('/auth/session', { authFlow: true });
        setState({ status: 'signedIn', session, fresh: false });
      } catch (error) {
        // Not set up, exploring the demo: signed out of it, back to the setup page.
        if (!setUp && isApiError(error) && error.status === 401) setState({ status: 'setup', codeRequired, demo });
        else throw error;
      }
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        // Nobody is signed in: no offline copy may outlive the session.
        await clearOfflineCopies();
        setState({ status: 'signedOut' });
      } else if (isApiError(error) && (error.code === 'network' || error.status >= 502)) {
        await checkConnection();
        const stored = await readOfflineCopy();
        // A locked app keeps the copy hidden: without the server nobody can prove who they are.
        const locked = stored !== null && readLockFlag() === stored.userId;
        setState({ status: 'offline', copy: stored?.copy ?? null, locked });
      } else {
        setState({ status: 'error', message: isApiError(error) ? error.message : t('error.network') });
      }
    }
  }, []);

  // Offline on opening: when the server answers again, start the app normally.
  const offline = useOffline();
  const wasOffline = useRef(offline);
  const waitingForServer = state.status === 'offline';
  useEffect(() => {
    if (waitingForServer && wasOffline.current && !offline) void probe();
    wasOffline.current = offline;
  }, [waitingForServer, offline, probe]);

  useEffect(() => {
    void probe();
  }, [probe]);

  const signedIn = useCallback((session: Session) => {
    clearLockFlag();
    // A new sign-in takes its own offline copy; nobody else's stays on the device.
    void clearOfflineCopies();
    setState({ status: 'signedIn', session, fresh: true });
  }, []);

  const signedOut = useCallback(
    (options: { notice?: string; home?: boolean } = {}) => {
      queryClient.clear();
      if (options.home) window.history.replaceState(null, '', '/');
      setState({ status: 'signedOut', notice: options.notice });
      // Signed out of the demo before any real clinic exists: the setup page, not the sign-in page.
      void api<{ setUp: boolean }>('/setup', { authFlow: true })
        .then(({ setUp }) => {
          if (!setUp) void probe();
        })
        .catch(() => undefined);
    },
    [probe],
  );

  // Into or out of the training clinic: another person's session, so the app starts over at home.
  const switched = useCallback((session: Session) => {
    queryClient.clear();
    // The copy on the device is of one person in one clinic: the new session takes its own.
    void clearOfflineCopies();
    window.history.replaceState(null, '', '/');
    setState({ status: 'signedIn', session, fresh: true });
  }, []);

  switch (state.status) {
    case 'loading':
      return <Loading label={t('app.starting')} />;
    case 'error':
      return (
        <Center mih="100vh" p="md">
          <Stack align="center" gap="sm" role="alert">
            <Text fw={600}>{t('app.unreachable')}</Text>
            <Text c="dimmed" size="sm">
              {state.message}
            </Text>
            <Button onClick={() => void probe()}>{t('common.retry')}</Button>
          </Stack>
        </Center>
      );
    case 'offline':
      if (state.locked) {
        return (
          <Center mih="100vh" p="md">
            <Stack align="center" gap="sm" role="alert" maw={480}>
              <Text fw={600}>{t('offline.lockedTitle')}</Text>
              <Text c="dimmed" size="sm" ta="center">
                {t('offline.lockedBody')}
              </Text>
              <Button onClick={() => void probe()}>{t('common.retry')}</Button>
            </Stack>
          </Center>
        );
      }
      return (
        <OfflineView
          copy={state.copy}
          onRetry={() => void probe()}
          onSignOut={() => {
            void clearOfflineCopies().then(() => setState({ status: 'offline', copy: null, locked: false }));
          }}
        />
      );
    case 'setup':
      return <SetupPage codeRequired={state.codeRequired} demo={state.demo} onDone={signedIn} />;
    case 'signedOut':
      return <SignInPage notice={state.notice} onSignedIn={signedIn} />;
    case 'signedIn':
      return (
        <SignedInApp
          key={state.session.user.id}
          initial={state.session}
          fresh={state.fresh}
          onSignedOut={signedOut}
          onSwitched={switched}
        >
          {children}
        </SignedInApp>
      );
  }
}
