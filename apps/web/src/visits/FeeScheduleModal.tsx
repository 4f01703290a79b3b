import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FeeRate, formatCents, parseMoneyToCents, type Service, t } from '@tend/domain';
import { useState } from 'react';
import { http } from '../api/client';
import { DateField } from '../components/DateField';
import { saveErrorMessage } from '../components/form';
import { formatDate } from '../components/format';
import { MoneyInput } from '../components/MoneyInput';
import { notifySuccess } from '../components/notify';
import { usePayers } from '../insurance/api';

const STANDARD = 'standard';

interface RateValues {
  payerId: string;
  fee: string;
  validFrom: string;
  validTo: string;
}

/**
 * A service's fees by date: the standard fee billed from a date (visits on those dates), and each
 * insurer's contracted (allowed) amount, which EOB posting writes off against.
 */
export function FeeScheduleModal({
  service,
  currency,
  canManage,
  onClose,
}: {
  service: Service | null;
  currency: string;
  canManage: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const payers = usePayers();
  const key = ['services', service?.id, 'fees'] as const;
  const rates = useQuery({
    queryKey: key,
    enabled: Boolean(service),
    queryFn: () => http.get<{ items: FeeRate[] }>(`/services/${service?.id}/fees`).then((r) => r.items),
  });
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<RateValues>({
    mode: 'uncontrolled',
    initialValues: { payerId: STANDARD, fee: '', validFrom: '', validTo: '' },
  });
  const add = useMutation({
    mutationFn: (values: RateValues) =>
      http.post<FeeRate>(`/services/${service?.id}/fees`, {
        payerId: values.payerId === STANDARD ? null : values.payerId,
        feeCents: parseMoneyToCents(values.fee) ?? -1,
        validFrom: values.validFrom,
        validTo: values.validTo || null,
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: key });
      form.reset();
      setProblem(null);
      notifySuccess(t('fees.added'));
    },
    onError: (error) => setProblem(saveErrorMessage(form, error, (path) => (path === 'feeCents' ? 'fee' : path))),
  });
  const payerName = (id: string | null) =>
    id ? (payers.data?.find((p) => p.id === id)?.name ?? t('fees.unknownPayer')) : t('fees.standard');

  return (
    <Modal opened={service !== null} onClose={onClose} size="xl" title={t('fees.title', { code: service?.code ?? '' })}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('fees.description', { fee: formatCents(service?.feeCents ?? 0, currency) })}
        </Text>
        <Table striped aria-label={t('fees.tableLabel')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('fees.payer')}</Table.Th>
              <Table.Th ta="right">{t('fees.fee')}</Table.Th>
              <Table.Th>{t('fees.from')}</Table.Th>
              <Table.Th>{t('fees.to')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(rates.data ?? []).map((rate) => (
              <Table.Tr key={rate.id}>
                <Table.Td>{payerName(rate.payerId)}</Table.Td>
                <Table.Td ta="right">{formatCents(rate.feeCents, currency)}</Table.Td>
                <Table.Td>{formatDate(rate.validFrom)}</Table.Td>
                <Table.Td>{rate.validTo ? formatDate(rate.validTo) : t('fees.noEnd')}</Table.Td>
              </Table.Tr>
            ))}
            {rates.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed">
                    {t('fees.none')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
        {canManage && (
          <form onSubmit={form.onSubmit((values) => add.mutate(values))}>
            <Stack gap="sm">
              <Text fw={600}>{t('fees.addTitle')}</Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Select
                  label={t('fees.payer')}
                  allowDeselect={false}
                  data={[
                    { value: STANDARD, label: t('fees.standard') },
                    ...(payers.data ?? []).map((p) => ({ value: p.id, label: p.name })),
                  ]}
                  key={form.key('payerId')}
                  {...form.getInputProps('payerId')}
                />
                <MoneyInput
                  label={t('fees.fee')}
                  required
                  currency={currency}
                  key={form.key('fee')}
                  {...form.getInputProps('fee')}
                />
                <DateField
                  label={t('fees.from')}
                  required
                  key={form.key('validFrom')}
                  {...form.getInputProps('validFrom')}
                />
                <DateField label={t('fees.to')} key={form.key('validTo')} {...form.getInputProps('validTo')} />
              </SimpleGrid>
              {problem && (
                <Alert color="red" variant="light" role="alert">
                  {problem}
                </Alert>
              )}
              <Group justify="flex-end">
                <Button type="submit" loading={add.isPending}>
                  {t('fees.add')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Modal>
  );
}
