import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconFilePlus, IconReceipt } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { formatCents, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { notifyError, notifySuccess } from '../components/notify';
import { QueryView } from '../components/states';
import { type UnbilledCharge, useCreateClaim, useCreateInvoice, useUnbilledCharges } from './api';
import { AllDone } from './shared';

interface Visit {
  encounterId: string;
  patientId: string;
  patientName: string;
  serviceDate: string;
  charges: UnbilledCharge[];
  insurerCents: number;
  patientCents: number;
  needsClaim: boolean;
  needsInvoice: boolean;
}

/** The unbilled charges, one row per visit (a claim and an invoice are made per visit). */
function byVisit(charges: UnbilledCharge[]): Visit[] {
  const visits = new Map<string, Visit>();
  for (const charge of charges) {
    const visit = visits.get(charge.encounterId) ?? {
      encounterId: charge.encounterId,
      patientId: charge.patientId,
      patientName: charge.patientName,
      serviceDate: charge.serviceDate,
      charges: [],
      insurerCents: 0,
      patientCents: 0,
      needsClaim: false,
      needsInvoice: false,
    };
    visit.charges.push(charge);
    if (charge.missing.includes('claim')) {
      visit.needsClaim = true;
      visit.insurerCents += charge.insurerCents;
    }
    if (charge.missing.includes('invoice')) {
      visit.needsInvoice = true;
      visit.patientCents += charge.patientCents;
    }
    visits.set(charge.encounterId, visit);
  }
  return [...visits.values()];
}

/** A part still to bill: its amount and what is missing for it; a dash when it is billed already. */
function Part({ cents, missing }: { cents: number | null; missing: string }) {
  const { clinic } = useSession();
  if (cents === null)
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <>
      <Text size="sm" fw={600}>
        {formatCents(cents, clinic.currency)}
      </Text>
      <Text size="xs" c="var(--mantine-color-orange-light-color)" style={{ whiteSpace: 'nowrap' }}>
        {missing}
      </Text>
    </>
  );
}

/** Charges billed to nobody yet: the insurer's part on no claim, the patient's on no invoice. */
export function UnbilledCharges() {
  const { clinic } = useSession();
  const charges = useUnbilledCharges();
  const createClaim = useCreateClaim();
  const createInvoice = useCreateInvoice();
  const navigate = useNavigate();
  const money = (cents: number) => formatCents(cents, clinic.currency);

  const claim = async (visit: Visit) => {
    try {
      const created = await createClaim.mutateAsync(visit.encounterId);
      notifySuccess(
        created.problems.length
          ? t('claims.createdDraft', { number: created.number, count: created.problems.length })
          : t('claims.createdReady', { number: created.number }),
      );
      void navigate({ to: '/claims/$claimId', params: { claimId: created.id } });
    } catch (error) {
      notifyError(error, t('claims.createFailed'));
    }
  };
  const invoice = async (visit: Visit) => {
    try {
      const created = await createInvoice.mutateAsync(visit.encounterId);
      notifySuccess(t('claims.invoiceCreated', { number: created.number, patient: visit.patientName }));
    } catch (error) {
      notifyError(error, t('claims.invoiceFailed'));
    }
  };

  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="unbilled">
      <Title order={2} fz="lg" id="unbilled">
        {t('claims.unbilledTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('claims.unbilledHint')}
      </Text>
      <QueryView
        query={charges}
        isEmpty={(data) => data.length === 0}
        empty={<AllDone title={t('claims.unbilledNone')} hint={t('claims.unbilledNoneHint')} />}
      >
        {(data) => (
          <Table.ScrollContainer minWidth={880}>
            <Table fz="sm" verticalSpacing={8} aria-label={t('claims.unbilledTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('claims.serviceDate')}</Table.Th>
                  <Table.Th>{t('claims.patient')}</Table.Th>
                  <Table.Th>{t('claims.codes')}</Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('claims.insurerPart')}
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('claims.patientPart')}
                  </Table.Th>
                  <Table.Th ta="right">{t('common.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byVisit(data).map((visit) => (
                  <Table.Tr key={visit.encounterId}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(visit.serviceDate)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <AnchorLink to="/patients/$patientId" params={{ patientId: visit.patientId }} size="sm" fw={600}>
                        {visit.patientName}
                      </AnchorLink>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        {visit.charges.map((charge) => (
                          <div key={charge.chargeId}>
                            <Text size="sm">
                              <Text span ff="monospace" fw={600} size="sm">
                                {charge.code}
                              </Text>{' '}
                              <Text span size="xs" c="dimmed">
                                {money(charge.amountCents)}
                              </Text>
                            </Text>
                            <Text size="xs" c="dimmed" lineClamp={1} maw={260}>
                              {charge.description}
                            </Text>
                          </div>
                        ))}
                      </Stack>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Part cents={visit.needsClaim ? visit.insurerCents : null} missing={t('claims.missingClaim')} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Part
                        cents={visit.needsInvoice ? visit.patientCents : null}
                        missing={t('claims.missingInvoice')}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        {visit.needsClaim && (
                          <Button
                            size="xs"
                            leftSection={<IconFilePlus size={14} aria-hidden />}
                            onClick={() => void claim(visit)}
                            loading={createClaim.isPending && createClaim.variables === visit.encounterId}
                            aria-label={t('claims.createClaimFor', {
                              patient: visit.patientName,
                              date: formatDate(visit.serviceDate),
                            })}
                          >
                            {t('claims.createClaim')}
                          </Button>
                        )}
                        {visit.needsInvoice && (
                          <Button
                            size="xs"
                            variant="default"
                            leftSection={<IconReceipt size={14} aria-hidden />}
                            onClick={() => void invoice(visit)}
                            loading={createInvoice.isPending && createInvoice.variables === visit.encounterId}
                            aria-label={t('claims.createInvoiceFor', {
                              patient: visit.patientName,
                              date: formatDate(visit.serviceDate),
                            })}
                          >
                            {t('claims.createInvoice')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
    </Paper>
  );
}
