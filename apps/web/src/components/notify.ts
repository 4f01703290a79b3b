import { notifications } from '@mantine/notifications';
import { t } from '@tend/domain';
import { isApiError } from '../api/client';

/** Messages to the user: successes briefly, errors with the server's own words. */

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', title: t('notify.done'), message, autoClose: 4000 });
}

export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return t('error.unknown');
}

export function notifyError(error: unknown, title: string = t('notify.failed')): void {
  // 401s are handled by the lock screen / sign-in page: no extra toast.
  if (isApiError(error) && error.status === 401) return;
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 });
}
