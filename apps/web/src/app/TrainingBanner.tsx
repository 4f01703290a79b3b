import { Box, Button, Group, Text } from '@mantine/core';
import { IconSchool } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { notifyError } from '../components/notify';

/** Height of the banner, added to the header's in training. */
export const TRAINING_BANNER_HEIGHT = 44;

/**
 * On every screen of a training clinic: loud, unmistakable, with the way out. (The demo of a
 * fresh install has no real clinic to go back to: there it has no button.)
 */
export function TrainingBanner() {
  const { trainingFor, leaveTraining } = useSession();
  const [leaving, setLeaving] = useState(false);
  const leave = async () => {
    setLeaving(true);
    try {
      await leaveTraining();
    } catch (error) {
      setLeaving(false);
      notifyError(error);
    }
  };
  return (
    <Box
      component="section"
      aria-label={t('training.bannerLabel')}
      data-testid="training-banner"
      h={TRAINING_BANNER_HEIGHT}
      px="md"
      style={{ background: 'var(--mantine-color-grape-9)', color: 'white' }}
    >
      <Group h="100%" justify="space-between" wrap="nowrap" gap="sm">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <IconSchool size={20} aria-hidden />
          <Text fw={700} size="sm" truncate>
            {t('training.banner')}
          </Text>
        </Group>
        {trainingFor && (
          <Button size="compact-sm" variant="white" color="grape" loading={leaving} onClick={() => void leave()}>
            {t('training.leave')}
          </Button>
        )}
      </Group>
    </Box>
  );
}
