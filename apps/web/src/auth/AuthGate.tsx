import { Button, Center, Stack, Text } from '@mantine/core';
import { type DemoSignIns, t } from '@tend/domain';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { api, isApiError } from '../api/client';
import { queryClient } from '../app/queryClient';
import { Loading } from '../components/states';
import { SetupPage } from '../setup/SetupPage';
import { clearLockFlag } from './lockFlag';
import { SignedInApp } from './SignedInApp';
import { SignInPage } from './SignInPage';
import type { Session } from './session';

type GateState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
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
      if (isApiError(error) && error.status === 401) setState({ status: 'signedOut' });
      else setState({ status: 'error', message: isApiError(error) ? error.message : t('error.network') });
    }
  }, []);

  useEffect(() => {
    void probe();
  }, [probe]);

  const signedIn = useCallback((session: Session) => {
    clearLockFlag();
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
