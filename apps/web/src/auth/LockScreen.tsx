import {
  Avatar,
  Box,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconLock } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useEffect, useRef, useState } from 'react';
import { FormError } from '../components/FormFooter';
import { Logo } from '../components/Logo';
import { errorMessage } from '../components/notify';
import type { SessionUser } from './session';

interface LockScreenProps {
  user: SessionUser;
  /** The person has two-step sign-in: unlocking asks for a code from the app too. */
  mfa: boolean;
  onUnlock: (password: string, code?: string) => Promise<void>;
  onSwitchUser: () => void;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1][0] ?? '') : '')).toUpperCase();
}

/** Opaque and full-screen: nothing of the app shows through. */
export function LockScreen({ user, mfa, onUnlock, onSwitchUser }: LockScreenProps) {
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { password: '', code: '' },
    validate: {
      password: (value) => (value ? null : t('lock.passwordRequired')),
      code: (value) => (!mfa || /^\d{6}$/.test(value.replace(/\s/g, '')) ? null : t('lock.codeRequired')),
    },
  });

  // The tab's title may name what was on screen: replace it while locked.
  useEffect(() => {
    const previous = document.title;
    document.title = t('app.documentTitle', { page: t('lock.documentTitle') });
    return () => {
      document.title = previous;
    };
  }, []);

  // A new attempt may start while an earlier one is still on its way (fast typists, tests): the
  // button stays enabled, a stale failure is ignored, and what was typed since is never cleared.
  const attempt = useRef(0);
  const [pending, setPending] = useState(false);
  const submit = form.onSubmit(async ({ password, code }) => {
    const id = ++attempt.current;
    setError(null);
    setPending(true);
    try {
      await onUnlock(password, mfa ? code.replace(/\s/g, '') : undefined);
    } catch (caught) {
      if (id !== attempt.current) return;
      setError(errorMessage(caught));
      if (form.getValues().password === password) form.setFieldValue('password', '');
      if (form.getValues().code === code) form.setFieldValue('code', '');
    } finally {
      if (id === attempt.current) setPending(false);
    }
  });

  return (
    <Box
      component="main"
      pos="fixed"
      inset={0}
      bg="gray.1"
      style={{ zIndex: 10000, overflowY: 'auto' }}
      data-testid="lock-screen"
    >
      <Center mih="100%" py={48} px="md">
        <Stack w="100%" maw={420} gap="lg">
          <Center>
            <Logo size="lg" />
          </Center>
          <Paper withBorder shadow="sm" radius="lg" p={{ base: 'lg', sm: 32 }}>
            <form onSubmit={submit} noValidate>
              <Stack gap="md">
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <IconLock size={28} aria-hidden color="var(--mantine-color-tend-8)" />
                  <Title order={1} size="h3">
                    {t('lock.title')}
                  </Title>
                </Group>
                <Group gap="sm" wrap="nowrap">
                  <Avatar color="tend" radius="xl" aria-hidden>
                    {initials(user.name)}
                  </Avatar>
                  <div>
                    <Text fw={600}>{user.name}</Text>
                    <Text size="sm" c="dimmed">
                      {user.email}
                    </Text>
                  </div>
                </Group>
                <Text size="sm">{t('lock.explanation')}</Text>
                <FormError error={error} />
                <PasswordInput
                  label={t('lock.password')}
                  autoComplete="current-password"
                  autoFocus
                  {...form.getInputProps('password')}
                />
                {mfa && (
                  <TextInput
                    label={t('lock.code')}
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={7}
                    {...form.getInputProps('code')}
                  />
                )}
                <Button
                  type="submit"
                  fullWidth
                  aria-busy={pending}
                  leftSection={pending ? <Loader size={14} color="white" aria-hidden /> : undefined}
                >
                  {t('lock.unlock')}
                </Button>
                <Button variant="subtle" color="gray" onClick={onSwitchUser} fullWidth>
                  {t('lock.switchUser')}
                </Button>
              </Stack>
            </form>
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
