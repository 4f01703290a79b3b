import { Badge, Button, Group, Modal, Paper, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { IconFilePencil } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Amendment, t } from '@tend/domain';
import { type FormEvent, type ReactNode, useState } from 'react';
import { http, isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate, formatDateTime } from '../components/format';
import { AnchorLink } from '../components/links';
import { errorMessage, notifySuccess } from '../components/notify';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useEncounter, usePatientVisits } from './api';
import { Section } from './Section';

/**
 * A patient's requests to amend their record (the right to amend): recorded as received, decided
 * once — accepted with the addendum that corrected the visit, or denied with the reason — and kept
 * with the record, with the patient's statement of disagreement.
 */

const amendmentKeys = (patientId: string) => ['amendments', patientId] as const;

function useAmendments(patientId: string) {
  return useQuery({
    queryKey: amendmentKeys(patientId),
    queryFn: ({ signal }) =>
      http.get<{ items: Amendment[] }>(`/patients/${patientId}/amendments`, undefined, { signal }).then((r) => r.items),
  });
}

function useAmendmentAction(patientId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ path, body }: { path: string; body: Record<string, unknown> }) => http.post<Amendment>(path, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: amendmentKeys(patientId) }),
  });
}

/** Field messages from the server by path; anything else as one message for the form. */
function fieldErrors(caught: unknown): Record<string, string> {
  if (!isApiError(caught) || !caught.fields.length) return { form: errorMessage(caught) };
  return Object.fromEntries(caught.fields.map((f) => [f.path, f.message]));
}

const STATUS_COLOR = { pending: 'yellow', accepted: 'teal', denied: 'red' } as const;

function StatusBadge({ amendment }: { amendment: Amendment }) {
  const label =
    amendment.status === 'pending'
      ? t('amendment.statusPending', { date: formatDate(amendment.dueOn) })
      : amendment.status === 'accepted'
        ? t('amendment.statusAccepted')
        : t('amendment.statusDenied');
  return (
    <Badge variant="light" color={STATUS_COLOR[amendment.status]}>
      {label}
    </Badge>
  );
}

function AmendmentCard({
  amendment,
  patientId,
  onVisit = false,
}: {
  amendment: Amendment;
  patientId: string;
  /** Shown on the visit itself: no link to it. */
  onVisit?: boolean;
}) {
  const { can, clinic } = useSession();
  const [deciding, setDeciding] = useState(false);
  const [disagreeing, setDisagreeing] = useState(false);
  const manage = can('amendment.manage');
  return (
    <Paper withBorder radius="md" p="md" component="article" aria-label={t('amendment.title')}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={2}>
          <Group gap="xs">
            <StatusBadge amendment={amendment} />
            <Text size="sm" fw={600}>
              {amendment.encounterId
                ? t('amendment.concernsVisit', { date: formatDate(amendment.encounterDate) })
                : t('amendment.concernsDetails')}
            </Text>
            {amendment.encounterId && !onVisit && can('clinical.read') && (
              <AnchorLink size="sm" to="/visits/$id" params={{ id: amendment.encounterId }}>
                {t('amendment.openVisit')}
              </AnchorLink>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {t('amendment.recordedBy', { date: formatDate(amendment.receivedOn), name: amendment.recordedByName })}
          </Text>
        </Stack>
        <Group gap="xs">
          {manage && amendment.status === 'pending' && (
            <Button size="xs" onClick={() => setDeciding(true)}>
              {t('amendment.decide')}
            </Button>
          )}
          {manage && amendment.status === 'denied' && !amendment.disagreement && (
            <Button size="xs" variant="default" onClick={() => setDisagreeing(true)}>
              {t('amendment.addDisagreement')}
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
        {amendment.request}
      </Text>
      {amendment.decidedAt && (
        <Text size="sm" mt="xs">
          <Text span fw={600}>
            {t('amendment.decidedBy', {
              outcome: amendment.status === 'accepted' ? t('amendment.statusAccepted') : t('amendment.statusDenied'),
              name: amendment.decidedByName ?? '',
              date: formatDateTime(amendment.decidedAt, clinic.timezone),
            })}
            :
          </Text>{' '}
          {amendment.decisionNote}
        </Text>
      )}
      {amendment.disagreement && (
        <Text size="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
          <Text span fw={600}>
            {t('amendment.disagreement')}:
          </Text>{' '}
          {amendment.disagreement}
        </Text>
      )}
      {deciding && <DecideModal amendment={amendment} patientId={patientId} onClose={() => setDeciding(false)} />}
      {disagreeing && (
        <DisagreementModal amendment={amendment} patientId={patientId} onClose={() => setDisagreeing(false)} />
      )}
    </Paper>
  );
}

/**
 * The frame of the three amendment dialogs: posts what `request` gives, says `success`, closes;
 * the server's field messages go to the fields the children draw, anything else under them.
 */
function AmendmentFormModal({
  patientId,
  title,
  submitLabel,
  success,
  request,
  onClose,
  children,
}: {
  patientId: string;
  title: string;
  submitLabel: string;
  success: string;
  request: () => { path: string; body: Record<string, unknown> };
  onClose: () => void;
  children: (errors: Record<string, string>) => ReactNode;
}) {
  const save = useAmendmentAction(patientId);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await save.mutateAsync(request());
      notifySuccess(success);
      onClose();
    } catch (caught) {
      setErrors(fieldErrors(caught));
    }
  };
  const other = errors.form ?? errors.outcome;
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {children(errors)}
          {other && (
            <Text c="red" size="sm">
              {other}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RecordModal({ patientId, onClose }: { patientId: string; onClose: () => void }) {
  const { can, today } = useSession();
  const visits = usePatientVisits(patientId, can('clinical.read'));
  const [receivedOn, setReceivedOn] = useState(today);
  const [encounterId, setEncounterId] = useState<string | null>(null);
  const [request, setRequest] = useState('');
  const visitOptions = (visits.data?.items ?? []).map((v) => ({
    value: v.id,
    label: t('amendment.concernsVisit', { date: formatDate(v.serviceDate) }),
  }));
  return (
    <AmendmentFormModal
      patientId={patientId}
      title={t('amendment.recordTitle')}
      submitLabel={t('amendment.save')}
      success={t('amendment.recorded')}
      request={() => ({ path: `/patients/${patientId}/amendments`, body: { receivedOn, encounterId, request } })}
      onClose={onClose}
    >
      {(errors) => (
        <>
          <DateField
            label={t('amendment.receivedOn')}
            required
            value={receivedOn}
            onChange={setReceivedOn}
            error={errors.receivedOn}
          />
          <Select
            label={t('amendment.concerns')}
            placeholder={t('amendment.concernsDetails')}
            data={visitOptions}
            value={encounterId}
            onChange={setEncounterId}
            clearable
            error={errors.encounterId}
          />
          <Textarea
            label={t('amendment.request')}
            required
            autosize
            minRows={3}
            value={request}
            onChange={(e) => setRequest(e.currentTarget.value)}
            error={errors.request}
          />
        </>
      )}
    </AmendmentFormModal>
  );
}

function DecideModal({
  amendment,
  patientId,
  onClose,
}: {
  amendment: Amendment;
  patientId: string;
  onClose: () => void;
}) {
  const { clinic, can } = useSession();
  const visit = useEncounter(amendment.encounterId ?? '', amendment.encounterId !== null && can('clinical.read'));
  const [outcome, setOutcome] = useState<'accepted' | 'denied'>('accepted');
  const [note, setNote] = useState('');
  const [addendumId, setAddendumId] = useState<string | null>(null);
  const needsAddendum = outcome === 'accepted' && amendment.encounterId !== null;
  const addenda = visit.data?.addenda ?? [];
  return (
    <AmendmentFormModal
      patientId={patientId}
      title={t('amendment.decideTitle')}
      submitLabel={t('amendment.saveDecision')}
      success={t('amendment.decided')}
      request={() => ({
        path: `/amendments/${amendment.id}/decision`,
        body: { outcome, note, addendumId: needsAddendum ? addendumId : null },
      })}
      onClose={onClose}
    >
      {(errors) => (
        <>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {amendment.request}
          </Text>
          <SegmentedControl
            value={outcome}
            onChange={(value) => setOutcome(value as 'accepted' | 'denied')}
            data={[
              { value: 'accepted', label: t('amendment.accept') },
              { value: 'denied', label: t('amendment.deny') },
            ]}
          />
          {needsAddendum &&
            (addenda.length ? (
              <Select
                label={t('amendment.addendum')}
                required
                data={addenda.map((a) => ({
                  value: a.id,
                  label: `${formatDateTime(a.createdAt, clinic.timezone)} — ${a.reason}`,
                }))}
                value={addendumId}
                onChange={setAddendumId}
                error={errors.addendumId}
              />
            ) : (
              <Text size="sm" c="orange.9">
                {t('amendment.noAddenda')}{' '}
                {amendment.encounterId && (
                  <AnchorLink size="sm" to="/visits/$id" params={{ id: amendment.encounterId }}>
                    {t('amendment.openVisit')}
                  </AnchorLink>
                )}
              </Text>
            ))}
          <Textarea
            label={outcome === 'accepted' ? t('amendment.noteAccepted') : t('amendment.noteDenied')}
            required
            autosize
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={errors.note}
          />
        </>
      )}
    </AmendmentFormModal>
  );
}

function DisagreementModal({
  amendment,
  patientId,
  onClose,
}: {
  amendment: Amendment;
  patientId: string;
  onClose: () => void;
}) {
  const [statement, setStatement] = useState('');
  return (
    <AmendmentFormModal
      patientId={patientId}
      title={t('amendment.disagreement')}
      submitLabel={t('amendment.saveDisagreement')}
      success={t('amendment.disagreementSaved')}
      request={() => ({ path: `/amendments/${amendment.id}/disagreement`, body: { statement } })}
      onClose={onClose}
    >
      {(errors) => (
        <Textarea
          label={t('amendment.disagreement')}
          required
          autosize
          minRows={3}
          value={statement}
          onChange={(e) => setStatement(e.currentTarget.value)}
          error={errors.statement}
        />
      )}
    </AmendmentFormModal>
  );
}

/** The chart's Amendments tab: every request of the patient. */
export function AmendmentsTab({ patientId }: { patientId: string }) {
  const { can } = useSession();
  const amendments = useAmendments(patientId);
  const [recording, setRecording] = useState(false);
  return (
    <Section
      id="chart-amendments"
      title={t('amendment.title')}
      description={t('amendment.description')}
      actions={
        can('amendment.manage') && (
          <Button leftSection={<IconFilePencil size={16} aria-hidden />} onClick={() => setRecording(true)}>
            {t('amendment.record')}
          </Button>
        )
      }
    >
      {amendments.isPending ? (
        <Loading />
      ) : amendments.isError ? (
        <ErrorState error={amendments.error} onRetry={() => void amendments.refetch()} />
      ) : amendments.data.length === 0 ? (
        <EmptyState title={t('amendment.none')} />
      ) : (
        <Stack gap="sm">
          {amendments.data.map((amendment) => (
            <AmendmentCard key={amendment.id} amendment={amendment} patientId={patientId} />
          ))}
        </Stack>
      )}
      {recording && <RecordModal patientId={patientId} onClose={() => setRecording(false)} />}
    </Section>
  );
}

/** On a visit: the requests about it, with their decisions (the record shows its amendments). */
export function VisitAmendments({ patientId, encounterId }: { patientId: string; encounterId: string }) {
  const amendments = useAmendments(patientId);
  const about = (amendments.data ?? []).filter((a) => a.encounterId === encounterId);
  if (about.length === 0) return null;
  return (
    <Section id="visit-amendments" title={t('amendment.onVisit')}>
      <Stack gap="sm">
        {about.map((amendment) => (
          <AmendmentCard key={amendment.id} amendment={amendment} patientId={patientId} onVisit />
        ))}
      </Stack>
    </Section>
  );
}
