import { Alert, Button, Center, Loader, EmptyState as MantineEmptyState, Stack, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { t } from '@tend/domain';
import type { ReactNode } from 'react';
import { errorMessage } from './notify';

/** Loading, empty and error states, the same everywhere. */

export function Loading({ label = t('common.loading') }: { label?: string }) {
  return (
    <Center py="xl" role="status">
      <Loader size="md" />
      <VisuallyHidden>{label}</VisuallyHidden>
    </Center>
  );
}

export function EmptyState({
  title,
  description,
  icon,
  action,
}: {
  title: string;
  description?: ReactNode;
  icon?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <MantineEmptyState py="xl" title={title} description={description} icon={icon} withIndicatorBackground>
      {action && <MantineEmptyState.Actions>{action}</MantineEmptyState.Actions>}
    </MantineEmptyState>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('error.loadTitle')} my="md">
      <Stack gap="sm" align="flex-start">
        <span>{errorMessage(error)}</span>
        {onRetry && (
          <Button size="xs" variant="default" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** A query's loading and error states, then the empty state or what its data shows. */
export function QueryView<Data>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<Data>;
  isEmpty: (data: Data) => boolean;
  empty: ReactNode;
  children: (data: Data) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return isEmpty(query.data) ? empty : children(query.data);
}
