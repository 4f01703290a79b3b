import { Alert, Button, Loader, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useRef, useState } from 'react';
import { api } from '../api/client';
import { CenteredCard } from '../components/CenteredCard';
import { FormError } from '../components/FormFooter';
import { Heading } from '../components/Heading';
import { errorMessage } from '../components/notify';
import { useDocumentTitle } from '../components/useDocumentTitle';
import type { Session } from './session';

export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: (session: Session) => void }) {
  useDocumentTitle(t('signIn.title'));
  const [error, setError] = useState<string | null>(null);
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
      const session = await api<Session>('/auth/sign-in', {
        method: 'POST',
        body: { email: values.email.trim(), password: values.password },
        authFlow: true,
      });
      onSignedIn(session);
    } catch (caught) {
      if (id !== attempt.current) return;
      setError(errorMessage(caught));
      if (form.getValues().password === values.password) form.setFieldValue('password', '');
    } finally {
      if (id === attempt.current) setPending(false);
    }
  });

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
