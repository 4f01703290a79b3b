import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconSignature } from '@tabler/icons-react';
import { type Encounter, formatCents, t } from '@tend/domain';
import { useState } from 'react';
import { errorMessage, notifySuccess } from '../components/notify';
import { useSignEncounter } from './api';
import type { useVisitDraft } from './useVisitDraft';

/** Signing asks first and says what it does: the note locks and these lines become charges. */
export function SignDialog({
  opened,
  onClose,
  encounter,
  visit,
  total,
  currency,
}: {
  opened: boolean;
  onClose: () => void;
  encounter: Encounter;
  visit: ReturnType<typeof useVisitDraft>;
  total: number;
  currency: string;
}) {
  const sign = useSignEncounter(encounter.id);
  const [error, setError] = useState<string | null>(null);
  const { diagnoses, services } = visit.draft;
  const waiting = visit.save.kind === 'conflict' || visit.save.kind === 'refused' || visit.save.kind === 'retrying';
  const confirm = async () => {
    setError(null);
    if (!(await visit.saveNow())) {
      setError(t('visit.signUnsaved'));
      return;
    }
    try {
      await sign.mutateAsync();
      notifySuccess(t('visit.signedDone'));
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('visit.signTitle')} size="lg">
      <Stack gap="md">
        <Text size="sm">{t('visit.signExplain')}</Text>
        <div>
          <Text size="sm" fw={700}>
            {t('visit.diagnoses')}
          </Text>
          {diagnoses.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('visit.diagnosesNone')}
            </Text>
          ) : (
            <List size="sm" type="ordered">
              {diagnoses.map((d) => (
                <List.Item key={d.code}>
                  <Text span ff="monospace" fw={600} size="sm">
                    {d.code}
                  </Text>{' '}
                  {d.description}
                  {d.chronic ? ` (${t('visit.chronic').toLowerCase()})` : ''}
                </List.Item>
              ))}
            </List>
          )}
        </div>
        <div>
          <Text size="sm" fw={700}>
            {t('visit.services')}
          </Text>
          {services.length === 0 ? (
            <Alert color="yellow" variant="light" icon={<IconAlertTriangle aria-hidden />} mt={4}>
              {t('visit.signNoServices')}
            </Alert>
          ) : (
            <List size="sm">
              {services.map((line) => (
                <List.Item key={line.key}>
                  <Text span ff="monospace" fw={600} size="sm">
                    {line.code}
                  </Text>{' '}
                  {line.description} × {line.units} — {formatCents(line.units * line.feeCents, currency)}
                  <Text span c="dimmed" size="sm">
                    {' '}
                    ({line.diagnosisPointers.map((p) => diagnoses[p - 1]?.code ?? p).join(', ')})
                  </Text>
                </List.Item>
              ))}
            </List>
          )}
        </div>
        <Group justify="space-between">
          <Text fw={700}>{t('visit.total')}</Text>
          <Text fw={700} data-testid="sign-total">
            {formatCents(total, currency)}
          </Text>
        </Group>
        {(error || waiting) && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
            {error ?? t('visit.signUnsaved')}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            onClick={() => void confirm()}
            loading={sign.isPending}
            leftSection={<IconSignature size={18} aria-hidden />}
            data-autofocus
          >
            {t('visit.signConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
