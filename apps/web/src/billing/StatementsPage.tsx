import { Badge, Button, Group, Paper, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconFileStack, IconMail, IconPlayerPlay } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { errorMessage, notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import {
  type EmailOutcome,
  type Statement,
  statementPdfUrl,
  useRunStatements,
  useSendStatement,
  useStatements,
} from './api';
import { BalanceRemindersPanel } from './BalanceRemindersPanel';
import { formatMonth, Money, PdfButton, plural, previousMonth, StackedDateTime, useMoney } from './shared';

const route = getRouteApi('/billing/statements');

/** The last twelve months, newest first (`YYYY-MM`). */
function recentMonths(today: string): string[] {
  const [year, month] = today.split('-').map(Number);
  return Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(year, month - 1 - i, 1)).toISOString().slice(0, 7));
}

/** Monthly statements: run a month (one per patient who owes), read each as PDF, send them by email. */
export function StatementsPage() {
  const { today } = useSession();
  const { month: monthParam } = route.useSearch();
  const navigate = useNavigate();
  const month = monthParam ?? previousMonth(today());
  const statements = useStatements(month);
  const run = useRunStatements();
  const [runError, setRunError] = useState<string | null>(null);
  const start = async () => {
    setRunError(null);
    try {
      const result = await run.mutateAsync(month);
      const count = result.items.length;
      notifySuccess(plural(count, 'statements.ran', { month: formatMonth(month) }));
    } catch (error) {
      setRunError(errorMessage(error));
    }
  };
  return (
    <>
      <PageHeader title={t('statements.title')} description={t('statements.description')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Group align="flex-end" gap="sm" mb="md">
          <Select
            label={t('statements.month')}
            data={recentMonths(today()).map((m) => ({ value: m, label: formatMonth(m) }))}
            value={month}
            onChange={(value) =>
              value && void navigate({ to: '/billing/statements', search: { month: value }, replace: true })
            }
            allowDeselect={false}
            w={220}
          />
          <Button
            leftSection={<IconPlayerPlay size={18} aria-hidden />}
            onClick={() => void start()}
            loading={run.isPending}
          >
            {t('statements.run', { month: formatMonth(month) })}
          </Button>
        </Group>
        {runError && (
          <Text size="sm" c="red.8" role="alert" mb="sm">
            {runError}
          </Text>
        )}
        <QueryView
          query={statements}
          isEmpty={(data) => data.length === 0}
          empty={
            <EmptyState
              icon={<IconFileStack aria-hidden />}
              title={t('statements.none', { month: formatMonth(month) })}
              description={t('statements.noneHint')}
            />
          }
        >
          {(data) => <StatementsTable statements={data} />}
        </QueryView>
      </Paper>
      <BalanceRemindersPanel />
    </>
  );
}

function StatementsTable({ statements }: { statements: Statement[] }) {
  const money = useMoney();
  const total = statements.reduce((sum, s) => sum + s.totalDueCents, 0);
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={880}>
        <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('statements.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('statements.number')}</Table.Th>
              <Table.Th>{t('statements.patient')}</Table.Th>
              <Table.Th ta="right">{t('statements.previous')}</Table.Th>
              <Table.Th ta="right">{t('statements.charges')}</Table.Th>
              <Table.Th ta="right">{t('statements.credits')}</Table.Th>
              <Table.Th ta="right">{t('statements.totalDue')}</Table.Th>
              <Table.Th>{t('statements.due')}</Table.Th>
              <Table.Th>{t('statements.sent')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {statements.map((statement) => (
              <StatementRow key={statement.id} statement={statement} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" ta="right" fw={600}>
        {plural(statements.length, 'statements.total', { amount: money(total) })}
      </Text>
    </Stack>
  );
}

const OUTCOME_COLOR: Record<EmailOutcome, string> = { sent: 'green', captured: 'grape', failed: 'red', queued: 'blue' };

function StatementRow({ statement }: { statement: Statement }) {
  const send = useSendStatement();
  const [outcome, setOutcome] = useState<{ status: EmailOutcome; error: string | null } | null>(null);
  const submit = async () => {
    try {
      const result = await send.mutateAsync({ id: statement.id });
      setOutcome({ status: result.status, error: result.error });
    } catch (error) {
      notifyError(error, t('statements.sendFailed', { number: statement.number }));
    }
  };
  return (
    <Table.Tr>
      <Table.Td fw={600}>{statement.number}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <AnchorLink
          to="/patients/$patientId"
          params={{ patientId: statement.patientId }}
          search={{ tab: 'balance' }}
          size="sm"
          fw={600}
        >
          {statement.patientName}
        </AnchorLink>
      </Table.Td>
      <Table.Td ta="right">
        <Money cents={statement.previousBalanceCents} />
      </Table.Td>
      <Table.Td ta="right">
        <Money cents={statement.chargesCents} />
      </Table.Td>
      <Table.Td ta="right">
        <Money cents={statement.creditsCents} />
      </Table.Td>
      <Table.Td ta="right">
        <Money cents={statement.totalDueCents} fw={700} />
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(statement.dueOn)}</Table.Td>
      <Table.Td>
        {statement.sentAt ? (
          <StackedDateTime iso={statement.sentAt} />
        ) : (
          <Text span size="sm" c="dimmed">
            {t('invoices.notSent')}
          </Text>
        )}
        {outcome && (
          <Badge display="block" mt={2} size="sm" variant="light" color={OUTCOME_COLOR[outcome.status]}>
            {t(`send.badge.${outcome.status}`)}
          </Badge>
        )}
        {outcome?.error && (
          <Text size="xs" c="red.8">
            {outcome.error}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6} justify="flex-end" wrap="nowrap">
          <PdfButton
            href={statementPdfUrl(statement.id)}
            label={t('worklist.pdf')}
            accessibleLabel={t('statements.pdfOf', { patient: statement.patientName })}
          />
          <Button
            size="xs"
            variant="default"
            leftSection={<IconMail size={16} aria-hidden />}
            loading={send.isPending}
            onClick={() => void submit()}
            aria-label={t('statements.sendOf', { patient: statement.patientName })}
          >
            {t('worklist.send')}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
