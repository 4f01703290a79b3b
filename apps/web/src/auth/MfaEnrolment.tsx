import { Alert, Button, Code, Group, Image, List, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconShieldCheck } from '@tabler/icons-react';
import { t, zMfaConfirm } from '@tend/domain';
import { useState } from 'react';
import { api } from '../api/client';
import { FormError } from '../components/FormFooter';
import { saveErrorMessage, zodValidator } from '../components/form';
import { errorMessage } from '../components/notify';

interface Enrolment {
  secret: string;
  uri: string;
  qrSvg: string;
}

/** The SVG made by the server (ASCII only) as an image: CSP allows `img-src data:`. */
const svgDataUrl = (svg: string) => `data:image/svg+xml;base64,${btoa(svg)}`;

/**
 * Setting up two-step sign-in: the QR code (and its key for typing by hand), the first code to
 * turn it on, then the recovery codes — shown once, with copy and print.
 */
export function MfaEnrolment({ onEnabled, onDone }: { onEnabled: () => void; onDone: () => void }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [copied, setCopied] = useState(false);
  const form = useForm({
    initialValues: { code: '' },
    validate: zodValidator(zMfaConfirm, (values: { code: string }) => values),
  });

  const start = async () => {
    setError(null);
    setPending(true);
    try {
      setEnrolment(await api<Enrolment>('/auth/mfa/enrol', { method: 'POST', body: {} }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  };

  const confirm = form.onSubmit(async ({ code }) => {
    setError(null);
    setPending(true);
    try {
      const result = await api<{ recoveryCodes: string[] }>('/auth/mfa/confirm', { method: 'POST', body: { code } });
      setRecoveryCodes(result.recoveryCodes);
      onEnabled();
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    } finally {
      setPending(false);
    }
  });

  if (recoveryCodes) {
    const text = recoveryCodes.join('\n');
    return (
      <Stack gap="sm" data-testid="recovery-codes">
        <Alert color="green" variant="light" icon={<IconShieldCheck aria-hidden />}>
          {t('mfa.enabled')}
        </Alert>
        <Text fw={600}>{t('mfa.recoveryTitle')}</Text>
        <Text size="sm">{t('mfa.recoveryHint')}</Text>
        <List listStyleType="none" spacing={4} ff="monospace" aria-label={t('mfa.recoveryTitle')}>
          {recoveryCodes.map((code) => (
            <List.Item key={code}>{code}</List.Item>
          ))}
        </List>
        <Group gap="sm">
          <Button
            variant="default"
            onClick={() =>
              void navigator.clipboard
                ?.writeText(text)
                .then(() => setCopied(true))
                .catch(() => undefined)
            }
          >
            {copied ? t('mfa.copied') : t('mfa.copy')}
          </Button>
          <Button variant="default" onClick={() => window.print()}>
            {t('mfa.print')}
          </Button>
          <Button onClick={onDone}>{t('mfa.recoveryDone')}</Button>
        </Group>
      </Stack>
    );
  }

  if (!enrolment) {
    return (
      <Stack gap="sm" align="flex-start">
        <FormError error={error} />
        <Button onClick={() => void start()} loading={pending}>
          {t('mfa.setUp')}
        </Button>
      </Stack>
    );
  }

  return (
    <form onSubmit={confirm} noValidate>
      <Stack gap="sm">
        <Text size="sm">{t('mfa.stepScan')}</Text>
        <Image src={svgDataUrl(enrolment.qrSvg)} alt={t('mfa.qrAlt')} w={200} h={200} data-testid="mfa-qr" />
        <Text size="sm">{t('mfa.manualKey')}</Text>
        <Code fz="md" data-testid="mfa-secret" style={{ wordBreak: 'break-all' }}>
          {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
        </Code>
        <Text size="sm">{t('mfa.stepConfirm')}</Text>
        <FormError error={error} />
        <TextInput
          label={t('mfa.code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          w={200}
          {...form.getInputProps('code')}
        />
        <Group gap="sm">
          <Button type="submit" loading={pending}>
            {t('mfa.confirm')}
          </Button>
          <Button variant="subtle" color="gray" onClick={() => setEnrolment(null)}>
            {t('mfa.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
