import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  List,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Timeline,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowLeft,
  IconCash,
  IconCircleCheck,
  IconDownload,
  IconFileSearch,
  IconMessageReply,
  IconPrinter,
  IconRefresh,
  IconSend,
} from '@tabler/icons-react';
import { useParams } from '@tanstack/react-router';
import { type Claim, type ClaimProblem, formatCents, type Permission, t } from '@tend/domain';
import { type ReactNode, useState } from 'react';
import { downloadFromApi, isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { formatDate, formatDateTime } from '../components/format';
import { AnchorLink, ButtonLink } from '../components/links';
import { notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { useClaim, useClaimAction, usePatientBalance, useVisitClaims } from './api';
import { ClaimData } from './ClaimData';
import { ClaimLines } from './ClaimLines';
import { InsurerAnswerModal } from './InsurerAnswerModal';
import { RemittanceModal } from './RemittanceModal';
import { ClaimStatusBadge, daysSince, statusLabel, statusSince } from './shared';

const EOB_STATUSES = new Set(['submitted', 'accepted', 'partially_paid', 'denied']);
const CORRECTABLE = new Set(['draft', 'ready', 'rejected']);

/** One claim: what to fix, the CMS-1500 data, its lines, the next step for its status, its history. */
export function ClaimPage() {
  const { claimId } = useParams({ from: '/claims/$claimId' });
  const claim = useClaim(claimId);
  useDocumentTitle(claim.data ? t('claims.documentTitle', { number: claim.data.number }) : t('claims.title'));
  if (claim.isPending) return <Loading />;
  if (claim.isError) {
    if (isApiError(claim.error) && (claim.error.status === 404 || claim.error.status === 400)) {
      return (
        <>
          <PageHeader title={t('claims.notFound')} />
          <EmptyState
            icon={<IconFileSearch aria-hidden />}
            title={t('claims.notFound')}
            description={t('claims.notFoundHint')}
            action={<ButtonLink to="/claims">{t('claims.backToClaims')}</ButtonLink>}
          />
        </>
      );
    }
    return <ErrorState error={claim.error} onRetry={() => void claim.refetch()} />;
  }
  return <ClaimScreen claim={claim.data} />;
}

function ClaimScreen({ claim }: { claim: Claim }) {
  const { clinic, can } = useSession();
  const action = useClaimAction(claim.id);
  const [answering, setAnswering] = useState(false);
  const [posting, setPosting] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const money = (cents: number) => formatCents(cents, clinic.currency);
  const status = claim.status;
  const balance = usePatientBalance(claim.patientId, can('balance.read'));

  const check = async () => {
    try {
      const checked = await action.mutateAsync({ kind: 'check' });
      if (checked.problems.length) notifyError(new Error(t('claims.stillToFix', { count: checked.problems.length })));
      else notifySuccess(t('claims.nowReady', { number: checked.number }));
    } catch (error) {
      notifyError(error);
    }
  };
  const submit = async () => {
    try {
      const submitted = await action.mutateAsync({ kind: 'submit' });
      notifySuccess(t('claims.submittedOne', { number: submitted.number }));
    } catch (error) {
      const fields = isApiError(error) ? error.fields.map((f) => f.message) : [];
      notifyError(
        fields.length ? new Error(fields.join(' ')) : error,
        t('claims.submitFailed', { number: claim.number }),
      );
    }
  };
  const download = async () => {
    setDownloading(true);
    try {
      const file = await downloadFromApi('/claims/export/837p', { ids: claim.id }, 'claims-837p.x12');
      notifySuccess(t('claims.downloaded', { file }));
    } catch (error) {
      notifyError(error, t('claims.exportFailed'));
    } finally {
      setDownloading(false);
    }
  };

  const actions: ReactNode[] = [];
  if (status === 'ready' || status === 'rejected') {
    actions.push(
      <Button
        key="submit"
        leftSection={<IconSend size={16} aria-hidden />}
        onClick={() => void submit()}
        loading={action.isPending && action.variables?.kind === 'submit'}
        disabled={claim.problems.length > 0}
      >
        {status === 'rejected' ? t('claims.submitAgain') : t('claims.submit')}
      </Button>,
    );
  }
  if (status === 'submitted' || status === 'accepted') {
    actions.push(
      <Button
        key="answer"
        variant="default"
        leftSection={<IconMessageReply size={16} aria-hidden />}
        onClick={() => setAnswering(true)}
      >
        {t('claims.recordAnswer')}
      </Button>,
    );
  }
  if (EOB_STATUSES.has(status)) {
    actions.push(
      <Button key="eob" leftSection={<IconCash size={16} aria-hidden />} onClick={() => setPosting(true)}>
        {t('claims.enterEob')}
      </Button>,
    );
  }
  if (status === 'ready' || status === 'submitted' || status === 'accepted') {
    actions.push(
      <Button
        key="837"
        variant="default"
        leftSection={<IconDownload size={16} aria-hidden />}
        onClick={() => void download()}
        loading={downloading}
      >
        {t('claims.download837')}
      </Button>,
    );
  }
  actions.push(
    <Button
      key="pdf"
      variant="default"
      component="a"
      href={`/api/claims/${claim.id}/pdf`}
      target="_blank"
      rel="noopener"
      leftSection={<IconPrinter size={16} aria-hidden />}
    >
      {t('claims.printForm')}
    </Button>,
  );

  return (
    <Stack gap="md">
      <AnchorLink to="/claims" size="sm">
        <Group gap={4} component="span">
          <IconArrowLeft size={14} aria-hidden />
          {t('claims.backToClaims')}
        </Group>
      </AnchorLink>
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Group justify="space-between" align="flex-start" gap="md">
          <Stack gap={6}>
            <Group gap="sm" align="center">
              <Title order={1} fz={26}>
                {t('claims.heading', { number: claim.number })}
              </Title>
              <ClaimStatusBadge status={status} size="lg" testId="claim-status" />
              {claim.rank === 'secondary' && (
                <Badge variant="outline" color="gray" size="lg" radius="sm" tt="none">
                  {t('claims.secondary')}
                </Badge>
              )}
            </Group>
            <Text size="sm">
              <AnchorLink to="/patients/$patientId" params={{ patientId: claim.patientId }} fw={600} size="sm">
                {claim.patientName}
              </AnchorLink>
              {' · '}
              {t('claims.toPayer', { payer: claim.payerName })}
              {' · '}
              {t('claims.seenBy', { provider: claim.providerName, date: formatDate(claim.serviceDate) })}
            </Text>
            <Text size="xs" c="dimmed">
              {statusAge(status, daysSince(statusSince(claim)))}
              {claim.submittedAt &&
                status !== 'submitted' &&
                ` · ${t('claims.submittedAt', { at: formatDateTime(claim.submittedAt, clinic.timezone) })}`}
            </Text>
          </Stack>
        </Group>
        <Group gap="sm" mt="md">
          {actions}
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md" mt="md">
          <Figure label={t('claims.billed')} value={money(claim.totalCents)} />
          <Figure label={t('claims.insurerPaid')} value={money(claim.paidCents)} />
          <Figure label={t('claims.insurerOwes')} value={money(claim.balanceCents)} strong={claim.balanceCents > 0} />
          {balance.data && (
            <Figure
              label={t('claims.patientOwes')}
              value={money(balance.data.patientBalanceCents)}
              hint={t('claims.patientOwesHint')}
              testId="patient-balance"
            />
          )}
        </SimpleGrid>
      </Paper>

      {status === 'paid' && (
        <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />}>
          {t('claims.paidNote', { paid: money(claim.paidCents) })}
        </Alert>
      )}
      <RelatedClaims claim={claim} />
      {claim.problems.length > 0 && CORRECTABLE.has(status) && (
        <Problems
          claim={claim}
          can={can}
          onCheck={() => void check()}
          checking={action.isPending && action.variables?.kind === 'check'}
        />
      )}
      {claim.problems.length === 0 && (status === 'draft' || status === 'rejected') && (
        <Alert color="blue" variant="light" icon={<IconRefresh aria-hidden />}>
          <Group justify="space-between" gap="md">
            <Text size="sm">{t('claims.nothingMissing')}</Text>
            <Button size="xs" variant="default" onClick={() => void check()} loading={action.isPending}>
              {t('claims.checkAgain')}
            </Button>
          </Group>
        </Alert>
      )}

      <ClaimLines key={`${claim.id}-${status}`} claim={claim} editable={CORRECTABLE.has(status)} />
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <ClaimData claim={claim} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <History claim={claim} timezone={clinic.timezone} />
        </Grid.Col>
      </Grid>

      {answering && <InsurerAnswerModal claim={claim} opened onClose={() => setAnswering(false)} />}
      {posting && <RemittanceModal claim={claim} onClose={() => setPosting(false)} />}
    </Stack>
  );
}

/** "Draft since today", "Submitted for 12 days". */
function statusAge(status: Claim['status'], days: number): string {
  const label = statusLabel(status);
  if (days === 0) return t('claims.statusToday', { status: label });
  return days === 1 ? t('claims.statusOneDay', { status: label }) : t('claims.statusDays', { status: label, days });
}

function Figure({
  label,
  value,
  hint,
  strong,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  strong?: boolean;
  testId?: string;
}) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz="xl" fw={700} c={strong ? 'var(--mantine-color-orange-light-color)' : undefined} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
}

/** Where each problem is fixed, who may fix it, and the link when the user may. */
function fixFor(problem: ClaimProblem, claim: Claim, can: (p: Permission) => boolean): ReactNode {
  const field = problem.field;
  const link = (permission: Permission, who: string, node: ReactNode) =>
    can(permission) ? (
      node
    ) : (
      <Text span size="sm" c="dimmed">
        {who}
      </Text>
    );
  if (field.startsWith('billingProvider.')) {
    return link(
      'clinic.manage',
      t('claims.fix.askAdminClinic'),
      <AnchorLink to="/admin/clinic" size="sm" c="inherit" underline="always">
        {t('claims.fix.clinic')}
      </AnchorLink>,
    );
  }
  if (field.startsWith('renderingProvider.')) {
    return link(
      'provider.manage',
      t('claims.fix.askAdminProviders'),
      <AnchorLink to="/admin/providers" size="sm" c="inherit" underline="always">
        {t('claims.fix.providers')}
      </AnchorLink>,
    );
  }
  if (field.startsWith('serviceFacility.')) {
    return link(
      'location.manage',
      t('claims.fix.askAdminLocations'),
      <AnchorLink to="/admin/locations" size="sm" c="inherit" underline="always">
        {t('claims.fix.locations')}
      </AnchorLink>,
    );
  }
  if (field.startsWith('payer.') || field.startsWith('priorPayer.')) {
    return link(
      'payer.manage',
      t('claims.fix.askPayers'),
      <AnchorLink to="/admin/payers" size="sm" c="inherit" underline="always">
        {t('claims.fix.payers')}
      </AnchorLink>,
    );
  }
  if (field.startsWith('subscriber.')) {
    return link(
      'coverage.write',
      t('claims.fix.askCoverage'),
      <AnchorLink
        to="/patients/$patientId"
        params={{ patientId: claim.patientId }}
        search={{ tab: 'insurance' }}
        size="sm"
        c="inherit"
        underline="always"
      >
        {t('claims.fix.coverage')}
      </AnchorLink>,
    );
  }
  if (field.startsWith('patient.')) {
    return can('patient.write') ? (
      <AnchorLink
        to="/patients/$patientId"
        params={{ patientId: claim.patientId }}
        size="sm"
        c="inherit"
        underline="always"
      >
        {t('claims.fix.patient')}
      </AnchorLink>
    ) : (
      <Text span size="sm" c="dimmed">
        {t('claims.fix.askFrontDesk')}{' '}
        <AnchorLink
          to="/patients/$patientId"
          params={{ patientId: claim.patientId }}
          size="sm"
          c="inherit"
          underline="always"
        >
          {t('claims.fix.patientView')}
        </AnchorLink>
      </Text>
    );
  }
  if (field.startsWith('diagnosisCodes')) {
    return (
      <Text span size="sm" c="dimmed">
        {t('claims.fix.askProvider')}
      </Text>
    );
  }
  if (field.endsWith('.code')) {
    return link(
      'service.manage',
      t('claims.fix.askServices'),
      <AnchorLink to="/admin/services" size="sm" c="inherit" underline="always">
        {t('claims.fix.services')}
      </AnchorLink>,
    );
  }
  if (field.startsWith('lines')) {
    return (
      <Text span size="sm" c="dimmed">
        {t('claims.fix.lines')}
      </Text>
    );
  }
  return null;
}

function Problems({
  claim,
  can,
  onCheck,
  checking,
}: {
  claim: Claim;
  can: (p: Permission) => boolean;
  onCheck: () => void;
  checking: boolean;
}) {
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={t('claims.whatToFix', { count: claim.problems.length })}
      role="region"
      aria-label={t('claims.whatToFixLabel')}
    >
      <Stack gap="sm">
        <List spacing={6} size="sm">
          {claim.problems.map((problem) => (
            <List.Item key={`${problem.field}-${problem.message}`}>
              <Text span size="sm" fw={600}>
                {problem.message}
              </Text>{' '}
              {fixFor(problem, claim, can)}
            </List.Item>
          ))}
        </List>
        <Group gap="sm">
          <Button
            size="sm"
            variant="default"
            leftSection={<IconRefresh size={16} aria-hidden />}
            onClick={onCheck}
            loading={checking}
          >
            {t('claims.checkAgain')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('claims.checkAgainHint')}
          </Text>
        </Group>
      </Stack>
    </Alert>
  );
}

/** The other claims of the same visit: the secondary made from this primary's EOB, or the primary. */
function RelatedClaims({ claim }: { claim: Claim }) {
  const { clinic } = useSession();
  const related = useVisitClaims(claim.encounterId);
  const others = (related.data ?? []).filter((other) => other.id !== claim.id);
  if (!others.length) return null;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="related-claims">
      <Text size="sm" fw={700} id="related-claims" mb={6}>
        {t('claims.related')}
      </Text>
      <Stack gap={4}>
        {others.map((other) => (
          <Group key={other.id} gap="xs">
            <AnchorLink to="/claims/$claimId" params={{ claimId: other.id }} size="sm" fw={600}>
              {other.rank === 'secondary'
                ? t('claims.secondaryLink', { number: other.number, payer: other.payerName })
                : t('claims.primaryLink', { number: other.number, payer: other.payerName })}
            </AnchorLink>
            <ClaimStatusBadge status={other.status} />
            <Text size="sm" c="dimmed">
              {t('claims.relatedBalance', { balance: formatCents(other.balanceCents, clinic.currency) })}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function History({ claim, timezone }: { claim: Claim; timezone: string }) {
  const events = [...claim.history].reverse();
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="claim-history">
      <Title order={2} fz="lg" id="claim-history" mb="md">
        {t('claims.history')}
      </Title>
      <Timeline active={0} bulletSize={14} lineWidth={2}>
        {events.map((event, index) => (
          <Timeline.Item
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id and never move
            key={index}
            title={
              <Group gap={6}>
                {event.fromStatus && (
                  <>
                    <ClaimStatusBadge status={event.fromStatus} />
                    <Text span size="sm" c="dimmed" aria-hidden>
                      →
                    </Text>
                    <VisuallyHidden>{t('claims.to')}</VisuallyHidden>
                  </>
                )}
                <ClaimStatusBadge status={event.toStatus} />
              </Group>
            }
          >
            <Text size="xs" c="dimmed" mt={4}>
              {[event.userName, formatDateTime(event.at, timezone)].filter(Boolean).join(' · ')}
            </Text>
            {event.note && (
              <Text size="sm" mt={4}>
                {event.note}
              </Text>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
    </Paper>
  );
}
