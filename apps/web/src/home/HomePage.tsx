import { Anchor, Group, Kbd, Paper, SimpleGrid, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { useOs } from '@mantine/hooks';
import { IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { t } from '@tend/domain';
import type { ReactNode } from 'react';
import { patientSearchDialog } from '../app/searchDialogStore';
import { useSession } from '../auth/session';
import { hourIn } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { usePatientSearch } from '../patients/api';
import { PatientTable } from '../patients/PatientTable';

/** By the clinic's clock, with the account's whole name (its first word may be a title). */
function greeting(timezone: string, name: string): string {
  const hour = hourIn(timezone);
  if (hour < 12) return t('home.morning', { name });
  if (hour < 18) return t('home.afternoon', { name });
  return t('home.evening', { name });
}

function QuickAction({
  icon,
  title,
  description,
  extra,
}: {
  icon: ReactNode;
  title: string;
  description: string;
  extra?: ReactNode;
}) {
  return (
    <Group wrap="nowrap" align="flex-start" gap="md">
      <ThemeIcon size={42} radius="md" variant="light" aria-hidden>
        {icon}
      </ThemeIcon>
      <div style={{ flex: 1 }}>
        <Text fw={650}>{title}</Text>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
        {extra}
      </div>
    </Group>
  );
}

const cardStyle = {
  display: 'block',
  padding: 'var(--mantine-spacing-lg)',
  border: '1px solid var(--mantine-color-gray-3)',
  borderRadius: 'var(--mantine-radius-md)',
  background: 'var(--mantine-color-white)',
  textDecoration: 'none',
  color: 'inherit',
};

function RecentPatients() {
  const recent = usePatientSearch('', 1, 10);
  if (recent.isPending) return <Loading />;
  if (recent.isError) return <ErrorState error={recent.error} onRetry={() => void recent.refetch()} />;
  if (recent.items.length === 0) {
    return (
      <EmptyState icon={<IconUsers aria-hidden />} title={t('patients.none')} description={t('patients.noneHint')} />
    );
  }
  return <PatientTable patients={recent.items} caption={t('home.recent')} />;
}

export function HomePage() {
  const { user, clinic, can } = useSession();
  const os = useOs();
  const mac = os === 'macos' || os === 'ios';
  return (
    <>
      <PageHeader
        title={greeting(clinic.timezone, user.name)}
        documentTitle={t('home.title')}
        description={t('home.subtitle', { clinic: clinic.name })}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mb="xl">
        {can('patient.write') && (
          <UnstyledButton component={Link} to="/patients/new" style={cardStyle}>
            <QuickAction
              icon={<IconUserPlus size={22} />}
              title={t('home.registerTitle')}
              description={t('home.registerDescription')}
            />
          </UnstyledButton>
        )}
        {can('patient.read') && (
          <UnstyledButton
            onClick={patientSearchDialog.open}
            style={cardStyle}
            aria-keyshortcuts={mac ? 'Meta+K' : 'Control+K'}
          >
            <QuickAction
              icon={<IconSearch size={22} />}
              title={t('home.findTitle')}
              description={t('home.findDescription')}
              extra={
                <Text size="xs" c="dimmed" mt={6}>
                  <Kbd size="xs">{mac ? '⌘' : t('shell.ctrl')}</Kbd> + <Kbd size="xs">K</Kbd> {t('home.fromAnywhere')}
                </Text>
              }
            />
          </UnstyledButton>
        )}
      </SimpleGrid>
      {can('patient.read') && (
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h4">
              {t('home.recent')}
            </Title>
            <Anchor component={Link} to="/patients" size="sm">
              {t('home.allPatients')}
            </Anchor>
          </Group>
          <RecentPatients />
        </Paper>
      )}
    </>
  );
}
