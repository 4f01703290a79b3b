import { Badge, Button, Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCalendarPlus } from '@tabler/icons-react';
import { type Encounter, t } from '@tend/domain';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../api/client';
import { formatDate } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { useVisitRecalls } from '../recalls/api';
import { useAppointmentTypes } from '../schedule/api';
import { useCreateFollowUp } from './api';
import { Section } from './Section';

/** "Return in 2 weeks for a blood pressure check": a recall on the front desk's list. */
export function FollowUpSection({ encounter }: { encounter: Encounter }) {
  const types = useAppointmentTypes();
  const recalls = useVisitRecalls(encounter.id);
  const create = useCreateFollowUp(encounter.id);
  const [amount, setAmount] = useState<number | string>(2);
  const [unit, setUnit] = useState<'weeks' | 'months'>('weeks');
  const [reason, setReason] = useState('');
  const [typeId, setTypeId] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ when?: string; reason?: string; form?: string }>({});
  const ordered = recalls.data ?? [];
  const typeName = new Map((types.data ?? []).map((type) => [type.id, type.name]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    const n = Number(amount);
    if (!Number.isInteger(n) || n < 1) {
      setErrors({ when: t('visit.followUp.whenInvalid') });
      return;
    }
    try {
      const created = await create.mutateAsync({
        ...(unit === 'weeks' ? { inWeeks: n } : { inMonths: n }),
        reason,
        appointmentTypeId: typeId,
      });
      notifySuccess(t('visit.followUp.created', { date: formatDate(created.dueDate) }));
      setReason('');
    } catch (caught) {
      if (isApiError(caught) && caught.fields.length) {
        const next: typeof errors = {};
        for (const field of caught.fields) {
          if (field.path === 'reason') next.reason = field.message;
          else if (['inWeeks', 'inMonths', 'dueDate'].includes(field.path)) next.when = field.message;
          else next.form = field.message;
        }
        setErrors(next);
      } else setErrors({ form: errorMessage(caught) });
    }
  };

  return (
    <Section id="visit-follow-up" title={t('visit.followUp')} description={t('visit.followUp.hint')}>
      <Stack gap="sm">
        {ordered.map((f) => (
          <Group key={f.id} gap="xs">
            <Badge variant="light" color="blue" leftSection={<IconCalendarPlus size={12} aria-hidden />}>
              {t('visit.followUp.due', { date: formatDate(f.dueDate) })}
            </Badge>
            <Text size="sm">
              {[f.reason, f.appointmentTypeId ? typeName.get(f.appointmentTypeId) : null].filter(Boolean).join(' · ')}
            </Text>
          </Group>
        ))}
        <form onSubmit={submit} noValidate aria-label={t('visit.followUp.form')}>
          <Group align="flex-start" gap="sm" wrap="wrap">
            <NumberInput
              label={t('visit.followUp.in')}
              min={1}
              max={unit === 'weeks' ? 104 : 36}
              allowDecimal={false}
              value={amount}
              onChange={setAmount}
              error={errors.when}
              w={90}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="follow-up-unit">
                {t('visit.followUp.unit')}
              </Text>
              <SegmentedControl
                aria-labelledby="follow-up-unit"
                value={unit}
                onChange={(value) => setUnit(value as 'weeks' | 'months')}
                data={[
                  { value: 'weeks', label: t('visit.followUp.weeks') },
                  { value: 'months', label: t('visit.followUp.months') },
                ]}
              />
            </Stack>
            <TextInput
              label={t('visit.followUp.reason')}
              placeholder={t('visit.followUp.reasonExample')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errors.reason}
              style={{ flex: 1, minWidth: 200 }}
              required
            />
            <Select
              label={t('visit.followUp.type')}
              placeholder={t('visit.followUp.anyType')}
              data={(types.data ?? [])
                .filter((type) => type.active)
                .map((type) => ({ value: type.id, label: type.name }))}
              value={typeId}
              onChange={setTypeId}
              clearable
              w={200}
            />
          </Group>
          {errors.form && (
            <Text size="sm" c="red.9" mt="xs" role="alert">
              {errors.form}
            </Text>
          )}
          <Group justify="flex-end" mt="sm">
            <Button
              type="submit"
              variant="light"
              loading={create.isPending}
              leftSection={<IconCalendarPlus size={16} aria-hidden />}
            >
              {t('visit.followUp.add')}
            </Button>
          </Group>
        </form>
      </Stack>
    </Section>
  );
}
