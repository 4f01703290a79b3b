import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ExerciseList, ExerciseProgress, TrainingPage } from '@tend/domain';
import { http } from '../api/client';
import { useSession } from '../auth/session';

const exercisesKey = ['training', 'exercises'] as const;

/** While an exercise runs, its checklist is read again every two seconds: ticks appear as the steps are done. */
const TICK_POLL_MS = 2_000;

/** The guided exercises of the training clinic (nothing in a real clinic: the query does not run). */
export function useExercises() {
  const { clinic } = useSession();
  return useQuery({
    queryKey: exercisesKey,
    queryFn: ({ signal }) => http.get<ExerciseList>('/training/exercises', undefined, { signal, background: true }),
    enabled: clinic.isTraining,
    refetchInterval: (query) => (query.state.data?.activeId ? TICK_POLL_MS : false),
  });
}

export function useStartExercise() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.post<ExerciseProgress>(`/training/exercises/${encodeURIComponent(id)}/start`),
    onSuccess: () => client.invalidateQueries({ queryKey: exercisesKey }),
  });
}

/** Tells the server a page without an audited read was opened (the "find your way" steps). */
export function recordPageVisit(page: TrainingPage): Promise<void> {
  return http.post<void>('/training/page-visits', { page }, { background: true });
}
