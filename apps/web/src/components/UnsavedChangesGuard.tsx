import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useBlocker } from '@tanstack/react-router';
import { t } from '@tend/domain';

/**
 * Asks before leaving a form with unsaved changes for another page of the app (a click in the
 * navigation, a patient opened from Ctrl+K). `when` is read at the moment of leaving.
 */
export function UnsavedChangesGuard({ when }: { when: () => boolean }) {
  const blocker = useBlocker({ shouldBlockFn: () => when(), withResolver: true, enableBeforeUnload: false });
  const blocked = blocker.status === 'blocked';
  return (
    <Modal opened={blocked} onClose={() => blocker.reset?.()} title={t('unsaved.title')} size="md">
      <Stack gap="lg">
        <Text size="sm">{t('unsaved.body')}</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
            {t('unsaved.stay')}
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            {t('unsaved.leave')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
