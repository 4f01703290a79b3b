import { ActionIcon, Affix, Anchor, Button, Group, Paper, Progress, Stack, Text, Tooltip } from '@mantine/core';
import { IconChecklist, IconConfetti, IconX } from '@tabler/icons-react';
import { Link, useLocation } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useEffect } from 'react';
import { useSession } from '../auth/session';
import { recordPageVisit, useExercises } from './api';
import { followExercise, hideChecklist, showChecklist, useChecklistState } from './checklistStore';
import { ExerciseSteps } from './ExerciseSteps';

/**
 * The running exercise's checklist, in a corner of every screen of a training clinic: its steps
 * tick as the person does them anywhere in Tend (the list is read again every two seconds while
 * an exercise runs). Also where the web app says the home dashboard was opened, since no
 * audited read does. Nothing at all in a real clinic.
 */
export function ExerciseChecklist() {
  const { clinic } = useSession();
  if (!clinic.isTraining) return null;
  return <TrainingChecklist />;
}

function TrainingChecklist() {
  const { pathname } = useLocation();
  const exercises = useExercises();
  const { hidden, followed } = useChecklistState();
  const activeId = exercises.data?.activeId ?? null;

  useEffect(() => {
    if (pathname === '/') void recordPageVisit('home').catch(() => undefined);
  }, [pathname]);
  useEffect(() => {
    if (activeId) followExercise(activeId);
  }, [activeId]);

  const exercise = exercises.data?.items.find((item) => item.id === (activeId ?? followed));
  if (!exercise?.startedAt) return null;
  const done = exercise.steps.filter((step) => step.done).length;
  const total = exercise.steps.length;

  if (hidden) {
    return (
      <Affix position={{ bottom: 20, right: 20 }}>
        <Tooltip label={t('training.panel.show')}>
          <Button
            leftSection={<IconChecklist size={18} aria-hidden />}
            onClick={showChecklist}
            radius="xl"
            color="orange"
            aria-label={t('training.panel.show')}
          >
            {done}/{total}
          </Button>
        </Tooltip>
      </Affix>
    );
  }
  return (
    <Affix position={{ bottom: 20, right: 20 }} zIndex={150}>
      <Paper
        component="aside"
        aria-label={t('training.panel.label')}
        withBorder
        shadow="lg"
        radius="md"
        p="md"
        w={340}
        maw="calc(100vw - 40px)"
        style={{ borderTop: '4px solid var(--mantine-color-orange-6)' }}
      >
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <div>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                {t('training.panel.heading')}
              </Text>
              <Text fw={650}>{exercise.title}</Text>
            </div>
            <ActionIcon variant="subtle" color="gray" onClick={hideChecklist} aria-label={t('training.panel.hide')}>
              <IconX size={16} aria-hidden />
            </ActionIcon>
          </Group>
          <Progress
            value={(done / total) * 100}
            color={exercise.completedAt ? 'teal' : 'orange'}
            size="sm"
            aria-hidden
          />
          <ExerciseSteps exercise={exercise} />
          <Text
            size="sm"
            c={exercise.completedAt ? undefined : 'dimmed'}
            aria-live="polite"
            fw={exercise.completedAt ? 600 : undefined}
          >
            {exercise.completedAt ? (
              <>
                <IconConfetti
                  size={16}
                  aria-hidden
                  color="var(--mantine-color-teal-7)"
                  style={{ verticalAlign: -3, marginRight: 4 }}
                />
                {t('training.panel.allDone')}
              </>
            ) : (
              t('training.exercises.inProgress', { done, total })
            )}
          </Text>
          <Anchor component={Link} to="/training/exercises" size="sm">
            {t('training.panel.all')}
          </Anchor>
        </Stack>
      </Paper>
    </Affix>
  );
}
