import { Button } from '@mantine/core';
import { IconLock, IconMapQuestion } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { type Permission, t } from '@tend/domain';
import type { ReactNode } from 'react';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { EmptyState } from '../components/states';

/** Pages a role may not use say so (the server refuses anyway). */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useSession();
  if (can(permission)) return <>{children}</>;
  return (
    <>
      <PageHeader title={t('forbidden.title')} />
      <EmptyState
        icon={<IconLock aria-hidden />}
        title={t('forbidden.heading')}
        description={t('forbidden.description')}
        action={
          <Button component={Link} to="/">
            {t('forbidden.home')}
          </Button>
        }
      />
    </>
  );
}

export function NotFoundPage() {
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <EmptyState
        icon={<IconMapQuestion aria-hidden />}
        title={t('notFound.heading')}
        description={t('notFound.description')}
        action={
          <Button component={Link} to="/">
            {t('forbidden.home')}
          </Button>
        }
      />
    </>
  );
}
