import { Badge, Button, Modal, Radio, SegmentedControl, Stack, Table, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconShieldLock } from '@tabler/icons-react';
import { EMERGENCY_OUTCOMES, type EmergencyAccess, t, zEmergencyReview } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { FormFooter } from '../components/FormFooter';
import { focusFirstError, parseWith, saveErrorMessage, zodValidator } from '../components/form';
import { formatDateTime } from '../components/format';
import { ListCard } from '../components/ListCard';
import { AnchorLink } from '../components/links';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { useEmergencyQueue, useReviewEmergencyAccess } from '../emergency/api';

type Outcome = (typeof EMERGENCY_OUTCOMES)[number];
const OUTCOME_LABEL: Record<Outcome, 'emergency.appropriate' | 'emergency.inappropriate'> = {
  appropriate: 'emergency.appropriate',
  inappropriate: 'emergency.inappropriate',
};

function ReviewForm({ grant, onClose }: { grant: EmergencyAccess; onClose: () => void }) {
  const review = useReviewEmergencyAccess();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { outcome: '', note: '' },
    validate: zodValidator(zEmergencyReview, (values: { outcome: string; note: string }) => values),
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await review.mutateAsync({ id: grant.id, review: parseWith(zEmergencyReview, values) });
      notifySuccess(t('emergency.reviewed'));
      onClose();
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    }
  }, focusFirstError(form));
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          <b>{grant.userName}</b> — {grant.patientName}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="review-reason">
          {grant.reason}
        </Text>
        <Radio.Group label={t('emergency.outcome')} required {...form.getInputProps('outcome')}>
          <Stack gap="xs" mt="xs">
            {EMERGENCY_OUTCOMES.map((outcome) => (
              <Radio key={outcome} value={outcome} label={t(OUTCOME_LABEL[outcome])} />
            ))}
          </Stack>
        </Radio.Group>
        <Textarea label={t('emergency.note')} autosize minRows={2} {...form.getInputProps('note')} />
        <FormFooter error={error} submitLabel={t('emergency.save')} pending={review.isPending} onCancel={onClose} />
      </Stack>
    </form>
  );
}

const searchText = (grant: EmergencyAccess) => `${grant.userName} ${grant.patientName} ${grant.reason}`;

/** The managers' queue of emergency accesses to restricted records, each to be judged once. */
export function EmergencyReviewPage() {
  const { clinic } = useSession();
  const [status, setStatus] = useState<'unreviewed' | 'all'>('unreviewed');
  const queue = useEmergencyQueue(status);
  const [reviewing, setReviewing] = useState<EmergencyAccess | null>(null);
  return (
    <>
      <PageHeader
        title={t('emergency.reviewTitle')}
        description={t('emergency.reviewIntro')}
        actions={
          <SegmentedControl
            aria-label={t('emergency.reviewTitle')}
            value={status}
            onChange={(value) => setStatus(value as 'unreviewed' | 'all')}
            data={[
              { value: 'unreviewed', label: t('emergency.filterUnreviewed') },
              { value: 'all', label: t('emergency.filterAll') },
            ]}
          />
        }
      />
      <ListCard
        query={queue}
        searchText={searchText}
        searchLabel={t('emergency.search')}
        empty={{ icon: <IconShieldLock aria-hidden />, title: t('emergency.none') }}
        columns={[
          t('emergency.colWhen'),
          t('emergency.colUser'),
          t('emergency.colPatient'),
          t('emergency.colReason'),
          t('emergency.colReview'),
        ]}
        cells={(grant) => (
          <>
            <Table.Td>
              {formatDateTime(grant.grantedAt, clinic.timezone)}
              <Text size="xs" c="dimmed">
                {t('emergency.expires', { time: formatDateTime(grant.expiresAt, clinic.timezone) })}
              </Text>
            </Table.Td>
            <Table.Td>{grant.userName}</Table.Td>
            <Table.Td>
              <AnchorLink to="/patients/$patientId" params={{ patientId: grant.patientId }}>
                {grant.patientName}
              </AnchorLink>
            </Table.Td>
            <Table.Td>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', maxWidth: 360 }}>
                {grant.reason}
              </Text>
            </Table.Td>
            <Table.Td>
              {grant.reviewOutcome && (
                <Stack gap={2}>
                  <Badge color={grant.reviewOutcome === 'appropriate' ? 'green' : 'red'} variant="light" tt="none">
                    {t('emergency.reviewedBy', {
                      outcome: t(OUTCOME_LABEL[grant.reviewOutcome]),
                      name: grant.reviewedByName ?? '',
                    })}
                  </Badge>
                  {grant.reviewNote && <Text size="xs">{grant.reviewNote}</Text>}
                </Stack>
              )}
            </Table.Td>
          </>
        )}
        action={(grant) =>
          !grant.reviewOutcome && (
            <Button
              size="xs"
              onClick={() => setReviewing(grant)}
              aria-label={`${t('emergency.review')}: ${grant.userName}, ${grant.patientName}`}
            >
              {t('emergency.review')}
            </Button>
          )
        }
      />
      <Modal opened={reviewing !== null} onClose={() => setReviewing(null)} title={t('emergency.review')} size="md">
        {reviewing && <ReviewForm grant={reviewing} onClose={() => setReviewing(null)} />}
      </Modal>
    </>
  );
}
