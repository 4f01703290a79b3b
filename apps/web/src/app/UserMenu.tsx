import { Avatar, Box, Group, Menu, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconChevronDown,
  IconDevices,
  IconLock,
  IconLogout,
  IconRefresh,
  IconSchool,
  IconShieldLock,
} from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { api } from '../api/client';
import { initials } from '../auth/LockScreen';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { notifyError, notifySuccess } from '../components/notify';
import { queryClient } from './queryClient';

export function UserMenu() {
  const { user, clinic, trainingFor, signOut, lock, can, enterTraining, leaveTraining } = useSession();
  const [confirmOpened, confirm] = useDisclosure(false);
  const [resetOpened, reset] = useDisclosure(false);
  const training = clinic.isTraining;
  const switchTraining = async () => {
    // The first switch fills the training clinic, which takes a while: say so until it is done.
    const id = 'training-switch';
    if (!training) notifications.show({ id, loading: true, autoClose: false, message: t('training.entering') });
    try {
      await (training ? leaveTraining() : enterTraining());
    } catch (error) {
      notifyError(error);
    } finally {
      notifications.hide(id);
    }
  };
  const resetTraining = async () => {
    const population = await api<{ patients: number }>('/training/reset', { method: 'POST', body: {} });
    notifySuccess(t('training.resetDone', { patients: population.patients }));
    // Everything on screen in training was the old practice data.
    if (training) await queryClient.invalidateQueries();
  };
  const navigate = useNavigate();
  return (
    <>
      <Menu position="bottom-end" width={240} shadow="md">
        <Menu.Target>
          <UnstyledButton p={4} style={{ borderRadius: 8 }}>
            <Group gap="xs" wrap="nowrap">
              <Avatar color={training ? 'grape' : 'tend'} radius="xl" size={34} aria-hidden>
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
              {trainingFor?.email ?? user.email}
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
          {(!training || trainingFor) && (
            <Menu.Item leftSection={<IconSchool size={16} aria-hidden />} onClick={() => void switchTraining()}>
              {training ? t('training.leave') : t('training.enter')}
            </Menu.Item>
          )}
          {can('training.reset') && (
            <Menu.Item leftSection={<IconRefresh size={16} aria-hidden />} onClick={reset.open}>
              {t('training.reset')}
            </Menu.Item>
          )}
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
      <ConfirmDialog
        opened={resetOpened}
        onClose={reset.close}
        title={t('training.resetTitle')}
        confirmLabel={t('training.reset')}
        danger
        onConfirm={resetTraining}
      >
        {t('training.resetBody')}
      </ConfirmDialog>
    </>
  );
}
