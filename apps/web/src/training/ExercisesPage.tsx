import { Alert, Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle, IconPlayerPlay, IconRotateClockwise } from '@tabler/icons-react';
import { type ExerciseProgress, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { useExercises, useStartExercise } from './api';
import { showChecklist } from './checklistStore';
import { ExerciseSteps } from './ExerciseSteps';

/** `/training/exercises`: the guided exercises of the training clinic for the user's role. */
export function ExercisesPage() {
  const { clinic } = useSession();
  const exercises = useExercises();
  if (!clinic.isTraining) {
    return (
      <>
        <PageHeader title={t('training.exercises.title')} />
        <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('training.exercises.notTraining')}
        </Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('training.exercises.title')} description={t('training.exercises.intro')} />
      <QueryView
        query={exercises}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title={t('training.exercises.empty')} />}
      >
        {(data) => (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            {data.items.map((exercise) => (
              <ExerciseCard key={exercise.id} exercise={exercise} active={exercise.id === data.activeId} />
            ))}
          </SimpleGrid>
        )}
      </QueryView>
    </>
  );
}

function ExerciseCard({ exercise, active }: { exercise: ExerciseProgress; active: boolean }) {
  const start = useStartExercise();
  const done = exercise.steps.filter((step) => step.done).length;
  const total = exercise.steps.length;
  const titleId = `exercise-${exercise.id}-title`;
  const status = exercise.completedAt
    ? { color: 'teal', label: t('training.exercises.completed') }
    : exercise.startedAt
      ? { color: 'blue', label: t('training.exercises.inProgress', { done, total }) }
      : { color: 'gray', label: t('training.exercises.notStarted') };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={titleId}>
      <Stack gap="sm" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={2} size="h4" id={titleId}>
            {exercise.title}
          </Title>
          <Badge color={status.color} variant="light" style={{ flexShrink: 0 }}>
            {status.label}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {exercise.why}
        </Text>
        {exercise.startedAt && (
          <Progress value={(done / total) * 100} color={exercise.completedAt ? 'teal' : 'blue'} size="sm" aria-hidden />
        )}
        <ExerciseSteps exercise={exercise} />
        <Group mt="auto" pt="xs">
          {exercise.startedAt ? (
            <>
              {active && (
                <Button variant="light" onClick={showChecklist}>
                  {t('training.exercises.continue')}
                </Button>
              )}
              <Button
                variant="default"
                leftSection={<IconRotateClockwise size={16} aria-hidden />}
                loading={start.isPending}
                onClick={() => start.mutate(exercise.id, { onSuccess: showChecklist })}
                aria-label={`${t('training.exercises.restart')}: ${exercise.title}`}
              >
                {t('training.exercises.restart')}
              </Button>
            </>
          ) : (
            <Button
              leftSection={<IconPlayerPlay size={16} aria-hidden />}
              loading={start.isPending}
              onClick={() => start.mutate(exercise.id, { onSuccess: showChecklist })}
              aria-label={`${t('training.exercises.start')}: ${exercise.title}`}
            >
              {t('training.exercises.start')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
