import { Avatar, Box, Group, Menu, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconDevices, IconLock, IconLogout, IconShieldLock } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { initials } from '../auth/LockScreen';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';

export function UserMenu() {
  const { user, signOut, lock } = useSession();
  const [confirmOpened, confirm] = useDisclosure(false);
  const navigate = useNavigate();
  return (
    <>
      <Menu position="bottom-end" width={240} shadow="md">
        <Menu.Target>
          <UnstyledButton p={4} style={{ borderRadius: 8 }}>
            <Group gap="xs" wrap="nowrap">
              <Avatar color="tend" radius="xl" size={34} aria-hidden>
                {initials(user.name)}
              </Avatar>
              <Box visibleFrom="sm" style={{ lineHeight: 1.2 }}>
                <Text size="sm" fw={600}>
                  {user.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {t(`role.${user.role}`)}
                </Text>
              </Box>
              <VisuallyHidden hiddenFrom="sm">
                {user.name} {t(`role.${user.role}`)}
              </VisuallyHidden>
              <IconChevronDown size={14} aria-hidden />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            {user.name} · {t(`role.${user.role}`)}
            <Text size="xs" c="dimmed">
              {user.email}
            </Text>
          </Menu.Label>
          <Menu.Item leftSection={<IconLock size={16} aria-hidden />} onClick={lock}>
            {t('userMenu.lock')}
          </Menu.Item>
          <Menu.Item
            leftSection={<IconShieldLock size={16} aria-hidden />}
            onClick={() => void navigate({ to: '/account/security' })}
          >
            {t('nav.accountSecurity')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={() => void signOut()}>
            {t('userMenu.signOut')}
          </Menu.Item>
          <Menu.Item leftSection={<IconDevices size={16} aria-hidden />} onClick={confirm.open}>
            {t('userMenu.signOutEverywhere')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ConfirmDialog
        opened={confirmOpened}
        onClose={confirm.close}
        title={t('userMenu.signOutEverywhereTitle')}
        confirmLabel={t('userMenu.signOutEverywhere')}
        danger
        onConfirm={() => signOut({ everywhere: true })}
      >
        {t('userMenu.signOutEverywhereBody')}
      </ConfirmDialog>
    </>
  );
}
