import { ActionIcon, Alert, Button, Card, Group, NumberInput, Select, Stack, Switch, Table, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Channel, describeOffset, type RecallSettings, type ReminderRule, t } from '@tend/domain';
import { useEffect, useState } from 'react';
import { http, isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/states';

type Unit = 'days' | 'hours' | 'minutes';
const MINUTES: Record<Unit, number> = { days: 1440, hours: 60, minutes: 1 };

interface Row {
  key: number;
  channel: Channel;
  amount: number | string;
  unit: Unit;
  active: boolean;
}

function toRow(rule: ReminderRule, key: number): Row {
  const unit: Unit = rule.minutesBefore % 1440 === 0 ? 'days' : rule.minutesBefore % 60 === 0 ? 'hours' : 'minutes';
  return { key, channel: rule.channel, amount: rule.minutesBefore / MINUTES[unit], unit, active: rule.active };
}

const minutesOf = (row: Row) => Math.round(Number(row.amount) * MINUTES[row.unit]);

/** The clinic's reminder rules: which channel, how long before each appointment. */
export function ReminderRulesPage() {
  const { can } = useSession();
  const canManage = can('schedule.manage');
  const client = useQueryClient();
  const rules = useQuery({
    queryKey: ['reminder-rules'],
    queryFn: () => http.get<{ items: ReminderRule[]; recall: RecallSettings }>('/reminder-rules'),
  });
  const [rows, setRows] = useState<Row[]>([]);
  const [recall, setRecall] = useState<{ leadDays: number | string; secondNoticeAfterDays: number | string }>({
    leadDays: 7,
    secondNoticeAfterDays: 14,
  });
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!rules.data) return;
    setRows(rules.data.items.filter((r) => r.active).map(toRow));
    setRecall(rules.data.recall);
  }, [rules.data]);
  const save = useMutation({
    mutationFn: () =>
      http.put<{ items: ReminderRule[] }>('/reminder-rules', {
        rules: rows.map((row) => ({ channel: row.channel, minutesBefore: minutesOf(row), active: row.active })),
        recall: { leadDays: Number(recall.leadDays), secondNoticeAfterDays: Number(recall.secondNoticeAfterDays) },
      }),
    onSuccess: () => {
      setProblem(null);
      void client.invalidateQueries({ queryKey: ['reminder-rules'] });
      notifySuccess(t('reminders.saved'));
    },
    onError: (error) =>
      setProblem(
        isApiError(error) && error.fields.length ? error.fields.map((f) => f.message).join(' ') : errorMessage(error),
      ),
  });
  const update = (key: number, change: Partial<Row>) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));

  return (
    <>
      <PageHeader title={t('reminders.title')} description={t('reminders.description')} />
      <QueryView query={rules} isEmpty={() => false} empty={null}>
        {() => (
          <Card withBorder radius="md" p="lg">
            <Stack gap="md">
              <Table aria-label={t('reminders.tableLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('reminders.channel')}</Table.Th>
                    <Table.Th>{t('reminders.before')}</Table.Th>
                    <Table.Th>{t('reminders.active')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row, index) => (
                    <Table.Tr key={row.key}>
                      <Table.Td>
                        <Select
                          aria-label={t('reminders.channelOf', { n: index + 1 })}
                          disabled={!canManage}
                          allowDeselect={false}
                          data={[
                            { value: 'email', label: t('reminders.email') },
                            { value: 'sms', label: t('reminders.sms') },
                          ]}
                          value={row.channel}
                          onChange={(value) => update(row.key, { channel: (value ?? 'email') as Channel })}
                          w={140}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <NumberInput
                            aria-label={t('reminders.amountOf', { n: index + 1 })}
                            disabled={!canManage}
                            min={1}
                            allowDecimal={false}
                            value={row.amount}
                            onChange={(value) => update(row.key, { amount: value })}
                            w={90}
                          />
                          <Select
                            aria-label={t('reminders.unitOf', { n: index + 1 })}
                            disabled={!canManage}
                            allowDeselect={false}
                            data={[
                              { value: 'days', label: t('reminders.days') },
                              { value: 'hours', label: t('reminders.hours') },
                              { value: 'minutes', label: t('reminders.minutes') },
                            ]}
                            value={row.unit}
                            onChange={(value) => update(row.key, { unit: (value ?? 'days') as Unit })}
                            w={120}
                          />
                          <Text size="sm" c="dimmed">
                            {t('reminders.beforeWords', { offset: describeOffset(minutesOf(row) || 1) })}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Switch
                          aria-label={t('reminders.activeOf', { n: index + 1 })}
                          disabled={!canManage}
                          checked={row.active}
                          onChange={(event) => update(row.key, { active: event.currentTarget.checked })}
                        />
                      </Table.Td>
                      <Table.Td>
                        {canManage && (
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t('reminders.removeOf', { n: index + 1 })}
                            onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}
                          >
                            <IconTrash size={16} aria-hidden />
                          </ActionIcon>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                  {rows.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={4}>
                        <Text size="sm" c="dimmed">
                          {t('reminders.none')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Table.Tbody>
              </Table>
              <Text size="sm" c="dimmed">
                {t('reminders.hint')}
              </Text>
              <Stack gap="xs" mt="sm">
                <Text fw={600} component="h2" size="md" m={0}>
                  {t('reminders.recallTitle')}
                </Text>
                <Text size="sm" c="dimmed">
                  {t('reminders.recallHint')}
                </Text>
                <Group gap="lg" align="flex-start">
                  <NumberInput
                    label={t('reminders.recallLeadDays')}
                    disabled={!canManage}
                    min={0}
                    max={90}
                    allowDecimal={false}
                    value={recall.leadDays}
                    onChange={(value) => setRecall((current) => ({ ...current, leadDays: value }))}
                    w={280}
                  />
                  <NumberInput
                    label={t('reminders.recallSecondDays')}
                    description={t('reminders.recallSecondHint')}
                    disabled={!canManage}
                    min={0}
                    max={90}
                    allowDecimal={false}
                    value={recall.secondNoticeAfterDays}
                    onChange={(value) => setRecall((current) => ({ ...current, secondNoticeAfterDays: value }))}
                    w={280}
                  />
                </Group>
              </Stack>
              {problem && (
                <Alert color="red" variant="light" role="alert">
                  {problem}
                </Alert>
              )}
              {canManage && (
                <Group justify="space-between">
                  <Button
                    variant="default"
                    leftSection={<IconPlus size={16} aria-hidden />}
                    onClick={() =>
                      setRows((current) => [
                        ...current,
                        { key: Date.now(), channel: 'sms', amount: 1, unit: 'days', active: true },
                      ])
                    }
                  >
                    {t('reminders.add')}
                  </Button>
                  <Button loading={save.isPending} onClick={() => save.mutate()}>
                    {t('reminders.save')}
                  </Button>
                </Group>
              )}
            </Stack>
          </Card>
        )}
      </QueryView>
    </>
  );
}
