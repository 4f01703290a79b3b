import { Alert, Button, Group, Loader, Text } from '@mantine/core';
import { IconAlertTriangle, IconShieldCheck } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { ErrorState } from '../components/states';
import { useAuditVerification } from './api';

/** Whether the clinic's audit log still matches its hash chain: green when intact, red naming the first event that does not. */
export function AuditIntegrity() {
  const verification = useAuditVerification();
  if (verification.isPending) {
    return (
      <Group gap="xs" c="dimmed" role="status">
        <Loader size="xs" />
        <Text size="sm">{t('audit.chainChecking')}</Text>
      </Group>
    );
  }
  if (verification.isError) return <ErrorState error={verification.error} onRetry={() => verification.refetch()} />;
  const { ok, checked, broken, breaks } = verification.data;
  const count = checked.toLocaleString();
  if (ok) {
    return (
      <Alert color="green" variant="light" icon={<IconShieldCheck aria-hidden />} role="status">
        {t('audit.chainIntact', { count })}
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      variant="filled"
      icon={<IconAlertTriangle aria-hidden />}
      role="alert"
      title={t('audit.chainBroken', { id: breaks[0]?.id ?? '?' })}
    >
      <Text size="sm">
        {t('audit.chainBrokenDetail', {
          broken: broken.toLocaleString(),
          count,
          ids: breaks.map((b) => `#${b.id}`).join(', '),
        })}
      </Text>
      <Button size="xs" variant="white" color="red" mt="sm" onClick={() => verification.refetch()}>
        {t('audit.chainRecheck')}
      </Button>
    </Alert>
  );
}
