import { t } from '@tend/domain';
import { useEffect } from 'react';

/** Sets the browser tab's title: "Patients · Tend". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? t('app.documentTitle', { page: title }) : t('app.name');
  }, [title]);
}
