import { Group, Kbd, SimpleGrid, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useOs } from '@mantine/hooks';
import { IconSearch, IconUserPlus } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { t } from '@tend/domain';
import type { ReactNode } from 'react';
import { patientSearchDialog } from '../app/searchDialogStore';
import { useSession } from '../auth/session';
import { hourIn } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { RoleDashboard } from './Dashboard';

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
      <RoleDashboard />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mt="md">
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
    </>
  );
}
