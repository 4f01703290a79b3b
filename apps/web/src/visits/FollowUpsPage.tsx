import { Button, Group, Paper, Table, Text } from '@mantine/core';
import { IconCalendarPlus, IconCalendarRepeat } from '@tabler/icons-react';
import { type FollowUp, t } from '@tend/domain';
import { useState } from 'react';
import { useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatDate } from '../components/format';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { useAppointmentTypes } from '../schedule/api';
import { BookDialog, type BookPrefill } from '../schedule/BookDialog';
import { providerName } from '../schedule/shared';
import { useDismissFollowUp, useFollowUps } from './api';

/** The front desk's to-book list: follow-ups providers ordered ("return in 2 weeks"), by due date. */
export function FollowUpsPage() {
  const { clinic, can, today } = useSession();
  const followUps = useFollowUps();
  const providers = useProviders();
  const types = useAppointmentTypes();
  const dismiss = useDismissFollowUp();
  const [booking, setBooking] = useState<BookPrefill | null>(null);
  const [dismissing, setDismissing] = useState<FollowUp | null>(null);
  const providerOf = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));
  const typeOf = new Map((types.data ?? []).map((type) => [type.id, type.name]));
  const canBook = can('appointment.write');
  const day = today();

  return (
    <>
      <PageHeader title={t('followUps.title')} description={t('followUps.description')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <QueryView
          query={followUps}
          isEmpty={(data) => data.length === 0}
          empty={
            <EmptyState
              icon={<IconCalendarRepeat aria-hidden />}
              title={t('followUps.none')}
              description={t('followUps.noneHint')}
            />
          }
        >
          {(data) => (
            <Table.ScrollContainer minWidth={760}>
              <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('followUps.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('followUps.due')}</Table.Th>
                    <Table.Th>{t('followUps.patient')}</Table.Th>
                    <Table.Th>{t('followUps.reason')}</Table.Th>
                    <Table.Th>{t('followUps.provider')}</Table.Th>
                    <Table.Th>{t('followUps.type')}</Table.Th>
                    {canBook && <Table.Th>{t('common.actions')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((f) => (
                    <Table.Tr key={f.id}>
                      <Table.Td>
                        <Text
                          size="sm"
                          fw={f.dueDate <= day ? 700 : undefined}
                          c={f.dueDate < day ? 'red.9' : undefined}
                        >
                          {formatDate(f.dueDate)}
                        </Text>
                      </Table.Td>
                      <Table.Td fw={600}>{f.patientName}</Table.Td>
                      <Table.Td>{f.reason}</Table.Td>
                      <Table.Td>{providerOf.get(f.providerId) ?? ''}</Table.Td>
                      <Table.Td>{f.appointmentTypeId ? (typeOf.get(f.appointmentTypeId) ?? '') : ''}</Table.Td>
                      {canBook && (
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <Button
                              size="xs"
                              variant="light"
                              leftSection={<IconCalendarPlus size={14} aria-hidden />}
                              aria-label={t('followUps.bookNamed', { patient: f.patientName })}
                              onClick={() =>
                                setBooking({
                                  providerId: f.providerId,
                                  date: f.dueDate.localeCompare(day) > 0 ? f.dueDate : day,
                                  time: '00:00',
                                  appointmentTypeId: f.appointmentTypeId,
                                  patient: { id: f.patientId, name: f.patientName },
                                  followUpId: f.id,
                                })
                              }
                            >
                              {t('followUps.book')}
                            </Button>
                            <Button
                              size="xs"
                              variant="subtle"
                              color="gray"
                              aria-label={t('followUps.dismissNamed', { patient: f.patientName })}
                              onClick={() => setDismissing(f)}
                            >
                              {t('followUps.dismiss')}
                            </Button>
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryView>
      </Paper>
      <BookDialog
        prefill={booking}
        onClose={() => setBooking(null)}
        onBooked={() => void followUps.refetch()}
        providers={providers.data ?? []}
        types={types.data ?? []}
        timezone={clinic.timezone}
      />
      <ConfirmDialog
        opened={dismissing !== null}
        onClose={() => setDismissing(null)}
        title={t('followUps.dismissTitle', { patient: dismissing?.patientName ?? '' })}
        confirmLabel={t('followUps.dismiss')}
        danger
        onConfirm={async () => {
          if (!dismissing) return;
          await dismiss.mutateAsync(dismissing.id);
          notifySuccess(t('followUps.dismissed', { patient: dismissing.patientName }));
        }}
      >
        {t('followUps.dismissBody')}
      </ConfirmDialog>
    </>
  );
}
