import { List, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import { IconCheck, IconCircleDashed } from '@tabler/icons-react';
import { type ExerciseProgress, t } from '@tend/domain';

/** An exercise's checklist: each step ticked (green) when done, for the eye and for a screen reader. */
export function ExerciseSteps({ exercise, size = 'sm' }: { exercise: ExerciseProgress; size?: 'xs' | 'sm' }) {
  return (
    <List spacing={6} size={size} center aria-label={exercise.title} data-testid={`exercise-steps-${exercise.id}`}>
      {exercise.steps.map((step) => (
        <List.Item
          key={step.id}
          data-done={step.done}
          icon={
            <ThemeIcon
              color={step.done ? 'teal' : 'gray'}
              variant={step.done ? 'filled' : 'light'}
              size={20}
              radius="xl"
            >
              {step.done ? <IconCheck size={13} aria-hidden /> : <IconCircleDashed size={13} aria-hidden />}
            </ThemeIcon>
          }
        >
          <Text size={size} c={step.done ? 'dimmed' : undefined} td={step.done ? 'line-through' : undefined}>
            {step.text}
            <VisuallyHidden>
              {' '}
              ({step.done ? t('training.exercises.stepDone') : t('training.exercises.stepToDo')})
            </VisuallyHidden>
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
