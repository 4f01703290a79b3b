import { AppShell, Box, Burger, Divider, Group, Kbd, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useHotkeys, useOs } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { Link, Outlet } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useSession } from '../auth/session';
import { Logo } from '../components/Logo';
import { PatientSearchDialog } from '../patients/PatientSearchDialog';
import { ExerciseChecklist } from '../training/ExerciseChecklist';
import { NavLinks } from './NavLinks';
import { usePatientSearchDialog } from './searchDialogStore';
import { TRAINING_BANNER_HEIGHT, TrainingBanner } from './TrainingBanner';
import { UserMenu } from './UserMenu';

export function Shell() {
  const { clinic, locked, can } = useSession();
  const training = clinic.isTraining;
  const [navOpened, nav] = useDisclosure(false);
  const search = usePatientSearchDialog();
  const os = useOs();
  const mac = os === 'macos' || os === 'ios';

  // Ctrl+K / ⌘K opens the patient search from anywhere, even while typing in a field.
  useHotkeys(
    [
      [
        'mod+K',
        () => {
          if (!locked && can('patient.read')) search.open();
        },
      ],
    ],
    [],
  );

  return (
    <AppShell
      header={{ height: training ? 60 + TRAINING_BANNER_HEIGHT : 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding={{ base: 'md', sm: 'xl' }}
    >
      <a href="#main" className="tend-skip-link">
        {t('shell.skipToContent')}
      </a>
      <AppShell.Header>
        {training && <TrainingBanner />}
        <Group h={60} px="md" justify="space-between" wrap="nowrap" gap="md">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpened ? t('shell.closeNavigation') : t('shell.openNavigation')}
            />
            <Link to="/" style={{ textDecoration: 'none' }}>
              <Logo />
            </Link>
            <Divider orientation="vertical" visibleFrom="sm" />
            <Text fw={600} size="sm" truncate visibleFrom="sm" data-testid="clinic-name">
              {clinic.name}
            </Text>
          </Group>
          {can('patient.read') && (
            <UnstyledButton
              onClick={search.open}
              aria-keyshortcuts={mac ? 'Meta+K' : 'Control+K'}
              aria-haspopup="dialog"
              px="sm"
              h={38}
              w={{ base: 'auto', sm: 340 }}
              style={{
                border: '1px solid var(--mantine-color-gray-4)',
                borderRadius: 'var(--mantine-radius-md)',
                background: 'var(--mantine-color-gray-0)',
              }}
            >
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Group gap="xs" wrap="nowrap">
                  <IconSearch size={16} aria-hidden />
                  <Text size="sm" c="dimmed">
                    {t('shell.findPatient')}
                  </Text>
                </Group>
                <Box visibleFrom="sm">
                  <Kbd size="xs">{mac ? '⌘' : t('shell.ctrl')}</Kbd> <Kbd size="xs">K</Kbd>
                </Box>
              </Group>
            </UnstyledButton>
          )}
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t('shell.navigation')}>
        <NavLinks onNavigate={nav.close} />
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} bg="gray.0" style={{ outline: 'none' }}>
        <Box maw={1280} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
      <PatientSearchDialog opened={search.opened} onClose={search.close} />
      <ExerciseChecklist />
    </AppShell>
  );
}
