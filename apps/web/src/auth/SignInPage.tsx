import { Alert, Anchor, Button, Loader, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useRef, useState } from 'react';
import { api, isApiError } from '../api/client';
import { CenteredCard } from '../components/CenteredCard';
import { FormError } from '../components/FormFooter';
import { Heading } from '../components/Heading';
import { errorMessage } from '../components/notify';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { isMfaChallenge, type MfaChallenge, type Session } from './session';

export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: (session: Session) => void }) {
  useDocumentTitle(t('signIn.title'));
  const [error, setError] = useState<string | null>(null);
  // The password was right and the account has two-step sign-in: the code comes next.
  const [challenge, setChallenge] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => (value.trim() ? null : t('validation.required')),
      password: (value) => (value ? null : t('validation.required')),
    },
  });

  // As on the lock screen: a newer attempt wins, and what was typed since is never cleared.
  const attempt = useRef(0);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async (values) => {
    const id = ++attempt.current;
    setError(null);
    setPending(true);
    try {
      const result = await api<Session | MfaChallenge>('/auth/sign-in', {
        method: 'POST',
        body: { email: values.email.trim(), password: values.password },
        authFlow: true,
      });
      if (isMfaChallenge(result)) setChallenge(result.challenge);
      else onSignedIn(result);
    } catch (caught) {
      if (id !== attempt.current) return;
      setError(errorMessage(caught));
      if (form.getValues().password === values.password) form.setFieldValue('password', '');
    } finally {
      if (id === attempt.current) setPending(false);
    }
  });

  if (challenge) {
    return (
      <MfaStep
        challenge={challenge}
        onSignedIn={onSignedIn}
        onRestart={(message) => {
          setChallenge(null);
          form.setFieldValue('password', '');
          setError(message);
        }}
      />
    );
  }

  return (
    <CenteredCard>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Heading order={1} size="h2" title={t('signIn.title')} description={t('signIn.subtitle')} gap={4} />
          {notice && !error && (
            <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
              {notice}
            </Alert>
          )}
          <FormError error={error} />
          <TextInput
            label={t('signIn.email')}
            type="email"
            autoComplete="username"
            data-autofocus
            autoFocus
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label={t('signIn.password')}
            autoComplete="current-password"
            {...form.getInputProps('password')}
          />
          <Button
            type="submit"
            fullWidth
            mt="xs"
            aria-busy={pending}
            leftSection={pending ? <Loader size={14} color="white" aria-hidden /> : undefined}
          >
            {t('signIn.submit')}
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}

/** The second step: the code from the authenticator app, or a recovery code. */
function MfaStep({
  challenge,
  onSignedIn,
  onRestart,
}: {
  challenge: string;
  onSignedIn: (session: Session) => void;
  onRestart: (message: string | null) => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const form = useForm({
    initialValues: { code: '' },
    validate: {
      code: (value) => {
        const clean = value.replace(/[\s-]/g, '');
        if (recovery) return /^[a-z2-7]{16}$/i.test(clean) ? null : t('validation.recoveryCode');
        return /^\d{6}$/.test(clean) ? null : t('validation.totpCode');
      },
    },
  });
  const submit = form.onSubmit(async ({ code }) => {
    setError(null);
    setPending(true);
    try {
      const session = await api<Session>('/auth/sign-in/mfa', {
        method: 'POST',
        body: recovery ? { challenge, recoveryCode: code } : { challenge, code },
        authFlow: true,
      });
      onSignedIn(session);
    } catch (caught) {
      if (isApiError(caught) && caught.code === 'mfa_challenge_expired') {
        onRestart(caught.message);
        return;
      }
      setError(errorMessage(caught));
      form.setFieldValue('code', '');
    } finally {
      setPending(false);
    }
  });
  const toggle = () => {
    setRecovery((value) => !value);
    setError(null);
    form.reset();
  };

  return (
    <CenteredCard>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Heading
            order={1}
            size="h2"
            title={t('mfa.signIn.title')}
            description={recovery ? t('mfa.signIn.recoverySubtitle') : t('mfa.signIn.subtitle')}
            gap={4}
          />
          <FormError error={error} />
          <TextInput
            key={recovery ? 'recovery' : 'code'}
            label={recovery ? t('mfa.signIn.recoveryCode') : t('mfa.signIn.code')}
            inputMode={recovery ? 'text' : 'numeric'}
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellCheck={false}
            data-autofocus
            autoFocus
            {...form.getInputProps('code')}
          />
          <Button
            type="submit"
            fullWidth
            mt="xs"
            aria-busy={pending}
            leftSection={pending ? <Loader size={14} color="white" aria-hidden /> : undefined}
          >
            {t('mfa.signIn.submit')}
          </Button>
          <Anchor component="button" type="button" size="sm" onClick={toggle}>
            {recovery ? t('mfa.signIn.useCode') : t('mfa.signIn.useRecovery')}
          </Anchor>
          <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => onRestart(null)}>
            {t('mfa.signIn.back')}
          </Anchor>
        </Stack>
      </form>
    </CenteredCard>
  );
}
