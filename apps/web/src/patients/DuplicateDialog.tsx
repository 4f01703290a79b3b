import { Alert, Badge, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type DuplicateCandidate, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { displayPhone, formatBirthDate } from '../components/format';
import { patientName } from './api';

interface DuplicateDialogProps {
  candidates: DuplicateCandidate[] | null;
  busy: boolean;
  onClose: () => void;
  onRegisterAnyway: () => void;
  onOpenChart: (patientId: string) => void;
}

/** A likely duplicate: open the existing chart, or confirm this is a different person. */
export function DuplicateDialog({ candidates, busy, onClose, onRegisterAnyway, onOpenChart }: DuplicateDialogProps) {
  const { today } = useSession();
  const now = today();
  return (
    <Modal opened={candidates !== null} onClose={onClose} title={t('duplicate.title')} size="lg">
      <Stack gap="md">
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />}>
          {t('duplicate.explanation')}
        </Alert>
        <Stack gap="sm" role="list" aria-label={t('duplicate.listLabel')}>
          {(candidates ?? []).map((candidate) => (
            <Paper key={candidate.id} withBorder p="md" radius="md" role="listitem">
              <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
                <Stack gap={4}>
                  <Text fw={600}>
                    {patientName(candidate)}
                    {candidate.preferredName && (
                      <Text span c="dimmed" fw={400}>
                        {' '}
                        “{candidate.preferredName}”
                      </Text>
                    )}
                  </Text>
                  <Text size="sm">
                    {t('patient.birthDate')}: {formatBirthDate(candidate.birthDate, now)} · {t('patient.mrn')}{' '}
                    {candidate.mrn}
                  </Text>
                  {(candidate.phone || candidate.email) && (
                    <Text size="sm" c="dimmed">
                      {[displayPhone(candidate.phone), candidate.email].filter(Boolean).join(' · ')}
                    </Text>
                  )}
                  <Group gap={6} mt={4}>
                    {candidate.reasons.map((reason) => (
                      <Badge key={reason} color="orange" variant="light" size="sm">
                        {t(`duplicate.reason.${reason}`)}
                      </Badge>
                    ))}
                  </Group>
                </Stack>
                <Button
                  variant="light"
                  size="sm"
                  onClick={() => onOpenChart(candidate.id)}
                  aria-label={t('duplicate.openChartOf', { name: patientName(candidate) })}
                >
                  {t('duplicate.openChart')}
                </Button>
              </Group>
            </Paper>
          ))}
        </Stack>
        <Group justify="space-between" mt="sm">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {t('duplicate.goBack')}
          </Button>
          <Button onClick={onRegisterAnyway} loading={busy}>
            {t('duplicate.differentPerson')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
