import type { OfflineCopy } from '@tend/domain';
import { useEffect, useState } from 'react';
import { Loading } from '../components/states';
import { OfflineView } from './OfflineView';
import { readOfflineCopy } from './store';

/**
 * The offline view of a signed-in app: the device's copy if it is this user's (a copy left by
 * someone else is never shown), else the banner alone.
 */
export function OfflineCopyView({
  userId,
  onRetry,
  onSignOut,
}: {
  userId: string;
  onRetry: () => void;
  onSignOut: () => void;
}) {
  const [copy, setCopy] = useState<OfflineCopy | null | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void readOfflineCopy().then((stored) => {
      if (current) setCopy(stored?.userId === userId ? stored.copy : null);
    });
    return () => {
      current = false;
    };
  }, [userId]);
  if (copy === undefined) return <Loading />;
  return <OfflineView copy={copy} onRetry={onRetry} onSignOut={onSignOut} />;
}
