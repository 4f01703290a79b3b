import { Alert, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { IconMailDollar } from '@tabler/icons-react';
import { type BalanceReminderSettings, t } from '@tend/domain';
import { useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import { errorMessage, notifySuccess } from '../components/notify';
import { QueryView } from '../components/states';
import { useBalanceReminders, useSaveBalanceReminders } from './api';

type Form = {
  enabled: boolean;
  afterDays: number | string;
  repeatDays: number | string;
  maxReminders: number | string;
};
type Field = Exclude<keyof Form, 'enabled'>;

/**
 * Balance reminders (billing and managers): a friendly email with the invoice attached while an
 * invoice is unpaid — on or off, after how many days, how often and how many times — and what the
 * reminders did over the last 30 days.
 */
export function BalanceRemindersPanel() {
  const overview = useBalanceReminders();
  const save = useSaveBalanceReminders();
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (overview.data && form === null) setForm(overview.data);
  }, [overview.data, form]);

  const submit = async () => {
    if (!form) return;
    setErrors({});
    setProblem(null);
    try {
      const saved = await save.mutateAsync({
        enabled: form.enabled,
        afterDays: Number(form.afterDays === '' ? Number.NaN : form.afterDays),
        repeatDays: Number(form.repeatDays === '' ? Number.NaN : form.repeatDays),
        maxReminders: Number(form.maxReminders === '' ? Number.NaN : form.maxReminders),
      } satisfies BalanceReminderSettings);
      setForm(saved);
      notifySuccess(saved.enabled ? t('balanceReminders.savedOn') : t('balanceReminders.savedOff'));
    } catch (error) {
      if (isApiError(error) && error.fields.length) {
        setErrors(Object.fromEntries(error.fields.map((f) => [f.path.split('.').pop(), f.message])));
      } else setProblem(errorMessage(error));
    }
  };
  const number = (field: Field, label: string, description: string, min: number) =>
    form && (
      <NumberInput
        label={label}
        description={description}
        min={min}
        max={field === 'maxReminders' ? 12 : 365}
        allowDecimal={false}
        allowNegative={false}
        value={form[field]}
        onChange={(value) => setForm({ ...form, [field]: value })}
        error={errors[field]}
        disabled={!form.enabled}
      />
    );

  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} mt="lg" component="section" aria-labelledby="br-title">
      <Group gap="xs" mb={4}>
        <IconMailDollar size={20} aria-hidden />
        <Title order={2} fz="lg" id="br-title">
          {t('balanceReminders.title')}
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {t('balanceReminders.description')}
      </Text>
      <QueryView query={overview} isEmpty={() => false} empty={null}>
        {(data) =>
          form && (
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                void submit();
              }}
            >
              <Stack gap="md">
                <Switch
                  label={t('balanceReminders.enabled')}
                  checked={form.enabled}
                  onChange={(event) => setForm({ ...form, enabled: event.currentTarget.checked })}
                />
                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
                  {number('afterDays', t('balanceReminders.afterDays'), t('balanceReminders.afterDaysHint'), 0)}
                  {number('repeatDays', t('balanceReminders.repeatDays'), t('balanceReminders.repeatDaysHint'), 0)}
                  {number(
                    'maxReminders',
                    t('balanceReminders.maxReminders'),
                    t('balanceReminders.maxRemindersHint'),
                    1,
                  )}
                </SimpleGrid>
                {problem && (
                  <Alert color="red" variant="light" role="alert">
                    {problem}
                  </Alert>
                )}
                <Group justify="space-between" align="center">
                  <Text size="sm" data-testid="balance-reminders-summary">
                    {t('balanceReminders.summary', {
                      sent: data.sentLast30Days,
                      notReachable: data.notReachableLast30Days,
                    })}
                  </Text>
                  <Button type="submit" loading={save.isPending}>
                    {t('balanceReminders.save')}
                  </Button>
                </Group>
              </Stack>
            </form>
          )
        }
      </QueryView>
    </Paper>
  );
}
