import { Alert, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconLock, IconSignature } from '@tabler/icons-react';
import { useParams } from '@tanstack/react-router';
import { type Encounter, formatCents, type Patient, t } from '@tend/domain';
import { useMemo, useState } from 'react';
import { useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { CreateClaimButton } from '../claims/CreateClaimButton';
import { formatAge, formatDate, formatDateTime } from '../components/format';
import { AnchorLink } from '../components/links';
import { ErrorState, Loading } from '../components/states';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { patientName, usePatient } from '../patients/api';
import { providerName } from '../schedule/shared';
import { AddendaList, AddendumForm, VisitCharges } from './Addenda';
import { VisitAmendments } from './Amendments';
import { useEncounter, useServices } from './api';
import { AllergyBanner, ChartColumn } from './ChartColumn';
import { DiagnosesSection, ServicesSection } from './CodesSections';
import { FollowUpSection } from './FollowUpSection';
import { NoteSection, SaveIndicator } from './NoteSection';
import { SignDialog } from './SignDialog';
import { useVisitDraft } from './useVisitDraft';
import { VisitStatusBadge } from './VisitStatusBadge';
import { VitalsSection } from './VitalsSection';

/** The visit screen: who, the chart at a glance, vitals, the SOAP note, codes, follow-up, signing. */
export function VisitPage() {
  const { id } = useParams({ from: '/visits/$id' });
  const encounter = useEncounter(id);
  const patient = usePatient(encounter.data?.patientId ?? '');
  useDocumentTitle(t('visit.documentTitle'));
  if (encounter.isPending) return <Loading />;
  if (encounter.isError) return <ErrorState error={encounter.error} onRetry={() => void encounter.refetch()} />;
  if (patient.isPending) return <Loading />;
  if (patient.isError) return <ErrorState error={patient.error} onRetry={() => void patient.refetch()} />;
  // Keyed by the visit and its status: signing (or signing elsewhere) starts the screen afresh.
  return (
    <VisitScreen
      key={`${encounter.data.id}-${encounter.data.status}`}
      encounter={encounter.data}
      patient={patient.data}
    />
  );
}

function VisitScreen({ encounter, patient }: { encounter: Encounter; patient: Patient }) {
  const { user, clinic, can, today } = useSession();
  const providers = useProviders();
  const services = useServices();
  const visit = useVisitDraft(encounter, user.id);
  const [signing, setSigning] = useState(false);
  const provider = (providers.data ?? []).find((p) => p.id === encounter.providerId);
  const ownVisit = provider !== undefined && provider.userId === user.id;
  const signed = encounter.status === 'signed';
  const canWriteNote = can('note.write') && !signed;
  const canIntake = can('clinical.write') && !signed;
  const canSign = can('encounter.sign') && ownVisit && !signed;
  const total = useMemo(
    () => visit.draft.services.reduce((sum, line) => sum + line.feeCents * line.units, 0),
    [visit.draft.services],
  );
  const age = formatAge(patient.birthDate, today());

  return (
    <Stack gap="md">
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Group justify="space-between" align="flex-start" gap="md" wrap="wrap">
          <Stack gap={4}>
            <Group gap="sm" align="center">
              <Title order={1} fz={26}>
                <AnchorLink
                  to="/patients/$patientId"
                  params={{ patientId: patient.id }}
                  c="inherit"
                  fw={700}
                  fz="inherit"
                >
                  {patientName(patient)}
                </AnchorLink>
              </Title>
              <VisitStatusBadge status={encounter.status} size="lg" />
            </Group>
            <Text size="sm" c="dimmed">
              {[
                age && t('visit.ageSex', { age, sex: t(`sex.${patient.sex}`) }),
                t('visit.born', { date: formatDate(patient.birthDate) }),
                t('visit.mrn', { mrn: patient.mrn }),
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
            <Text size="sm">
              {t('visit.with', { provider: providerName(provider), date: formatDate(encounter.serviceDate) })}
              {signed && encounter.signedAt && (
                <Text span size="sm" c="dimmed">
                  {' · '}
                  {t('visit.signedAt', { at: formatDateTime(encounter.signedAt, clinic.timezone) })}
                </Text>
              )}
            </Text>
          </Stack>
          <Group gap="md" align="center">
            {!signed && <SaveIndicator state={visit.save} />}
            {canSign && (
              <Button
                leftSection={<IconSignature size={18} aria-hidden />}
                onClick={async () => {
                  await visit.saveNow();
                  setSigning(true);
                }}
              >
                {t('visit.sign')}
              </Button>
            )}
            {signed && can('billing.manage') && <CreateClaimButton encounterId={encounter.id} />}
            {signed && (
              <Badge
                variant="light"
                color="gray"
                size="lg"
                leftSection={<IconLock size={14} aria-hidden />}
                tt="none"
                fw={600}
              >
                {t('visit.locked')}
              </Badge>
            )}
          </Group>
        </Group>
        <AllergyBanner patientId={patient.id} />
      </Paper>

      {!signed && !can('note.write') && (
        <Alert variant="light" color="blue" icon={<IconAlertTriangle aria-hidden />}>
          {t('visit.nurseHint')}
        </Alert>
      )}
      {!signed && can('encounter.sign') && !ownVisit && providers.data && (
        <Alert variant="light" color="yellow" icon={<IconAlertTriangle aria-hidden />}>
          {t('visit.notYourVisit', { provider: providerName(provider) })}
        </Alert>
      )}

      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <VitalsSection encounter={encounter} canRecord={canIntake} />
            <NoteSection
              encounter={encounter}
              visit={visit}
              canWriteNote={canWriteNote}
              canIntake={canIntake}
              userId={user.id}
            />
            {signed && <AddendaList encounter={encounter} timezone={clinic.timezone} />}
            {can('amendment.read') && <VisitAmendments patientId={encounter.patientId} encounterId={encounter.id} />}
            <DiagnosesSection visit={visit} encounter={encounter} editable={canWriteNote} />
            <ServicesSection
              visit={visit}
              encounter={encounter}
              editable={canWriteNote}
              services={services.data ?? []}
              currency={clinic.currency}
            />
            {signed && can('charge.read') && <VisitCharges encounterId={encounter.id} currency={clinic.currency} />}
            {signed && can('note.write') && (
              <AddendumForm encounter={encounter} services={services.data ?? []} currency={clinic.currency} />
            )}
            {can('note.write') && <FollowUpSection encounter={encounter} />}
            {!signed && canSign && (
              <Paper withBorder radius="md" p="md">
                <Group justify="space-between" gap="md">
                  <Text size="sm" c="dimmed">
                    {t('visit.signHint', {
                      diagnoses: visit.draft.diagnoses.length,
                      services: visit.draft.services.length,
                      total: formatCents(total, clinic.currency),
                    })}
                  </Text>
                  <Button
                    leftSection={<IconSignature size={18} aria-hidden />}
                    onClick={async () => {
                      await visit.saveNow();
                      setSigning(true);
                    }}
                  >
                    {t('visit.signEllipsis')}
                  </Button>
                </Group>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ChartColumn patientId={patient.id} canEdit={can('clinical.write')} />
        </Grid.Col>
      </Grid>
      {canSign && (
        <SignDialog
          opened={signing}
          onClose={() => setSigning(false)}
          encounter={encounter}
          visit={visit}
          total={total}
          currency={clinic.currency}
        />
      )}
    </Stack>
  );
}
