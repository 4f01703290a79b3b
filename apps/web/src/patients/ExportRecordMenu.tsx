import { Button, Menu } from '@mantine/core';
import { IconChevronDown, IconFileExport } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { downloadFromApi } from '../api/client';
import { notifyError, notifySuccess } from '../components/notify';

/** The patient's whole record as JSON or PDF, for their right of access (the server audits it as a disclosure). */
export function ExportRecordMenu({ patientId }: { patientId: string }) {
  const [busy, setBusy] = useState(false);
  const download = async (format: 'json' | 'pdf') => {
    setBusy(true);
    try {
      const file = await downloadFromApi(`/patients/${patientId}/export`, { format }, `patient-record.${format}`);
      notifySuccess(t('patientExport.downloaded', { file }));
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button
          variant="default"
          size="xs"
          ml="auto"
          loading={busy}
          leftSection={<IconFileExport size={14} aria-hidden />}
          rightSection={<IconChevronDown size={14} aria-hidden />}
        >
          {t('patientExport.button')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => void download('pdf')}>{t('patientExport.pdf')}</Menu.Item>
        <Menu.Item onClick={() => void download('json')}>{t('patientExport.json')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
