import { Button, Tabs } from '@mantine/core';
import {
  IconClipboardText,
  IconCoins,
  IconFilePencil,
  IconHistory,
  IconId,
  IconMessages,
  IconShare,
  IconStethoscope,
  IconUserQuestion,
} from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { isApiError } from '../api/client';
import type { ChartTab } from '../app/router';
import { PatientDisclosures } from '../audit/PatientDisclosures';
import { PatientHistory } from '../audit/PatientHistory';
import { useSession } from '../auth/session';
import { BalanceTab } from '../billing/BalanceTab';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { ClinicalAccessGate } from '../emergency/ClinicalAccessGate';
import { InsuranceTab } from '../insurance/InsuranceTab';
import { PatientMessagesTab } from '../messaging/PatientMessagesTab';
import { AmendmentsTab } from '../visits/Amendments';
import { ClinicalTab } from '../visits/ClinicalTab';
import { patientName, usePatient } from './api';
import { PatientDetails } from './PatientDetails';
import { PatientHeader } from './PatientHeader';

const route = getRouteApi('/patients/$patientId');

export function PatientChartPage() {
  const { patientId } = route.useParams();
  const { tab = 'details' } = route.useSearch();
  const navigate = useNavigate();
  const { can } = useSession();
  const patient = usePatient(patientId);
  // The tab title never names the patient (screens are seen by others).
  useDocumentTitle(t('chart.documentTitle'));

  if (patient.isPending) return <Loading />;
  if (patient.isError) {
    if (isApiError(patient.error) && (patient.error.status === 404 || patient.error.status === 400)) {
      return (
        <>
          <PageHeader title={t('chart.notFoundTitle')} documentTitle={t('chart.documentTitle')} />
          <EmptyState
            icon={<IconUserQuestion aria-hidden />}
            title={t('chart.notFound')}
            description={t('chart.notFoundHint')}
            action={
              <Button component={Link} to="/patients">
                {t('chart.backToPatients')}
              </Button>
            }
          />
        </>
      );
    }
    return <ErrorState error={patient.error} onRetry={() => void patient.refetch()} />;
  }

  const setTab = (value: string | null) => {
    const next = (value ?? 'details') as ChartTab;
    void navigate({
      to: '/patients/$patientId',
      params: { patientId },
      search: { tab: next === 'details' ? undefined : next },
      replace: true,
    });
  };
  const showHistory = can('audit.read');
  const showClinical = can('clinical.read');
  const showBalance = can('balance.read');
  const showAmendments = can('amendment.read');
  const hidden =
    ((tab === 'history' || tab === 'disclosures') && !showHistory) ||
    (tab === 'clinical' && !showClinical) ||
    (tab === 'balance' && !showBalance) ||
    (tab === 'amendments' && !showAmendments);

  return (
    <>
      <PatientHeader patient={patient.data} />
      <Tabs value={hidden ? 'details' : tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="details" leftSection={<IconClipboardText size={16} aria-hidden />}>
            {t('chart.tabDetails')}
          </Tabs.Tab>
          {showClinical && (
            <Tabs.Tab value="clinical" leftSection={<IconStethoscope size={16} aria-hidden />}>
              {t('chart.tabClinical')}
            </Tabs.Tab>
          )}
          <Tabs.Tab value="insurance" leftSection={<IconId size={16} aria-hidden />}>
            {t('chart.tabInsurance')}
          </Tabs.Tab>
          {showBalance && (
            <Tabs.Tab value="balance" leftSection={<IconCoins size={16} aria-hidden />}>
              {t('chart.tabBalance')}
            </Tabs.Tab>
          )}
          <Tabs.Tab value="messages" leftSection={<IconMessages size={16} aria-hidden />}>
            {t('chart.tabMessages')}
          </Tabs.Tab>
          {showAmendments && (
            <Tabs.Tab value="amendments" leftSection={<IconFilePencil size={16} aria-hidden />}>
              {t('chart.tabAmendments')}
            </Tabs.Tab>
          )}
          {showHistory && (
            <Tabs.Tab value="history" leftSection={<IconHistory size={16} aria-hidden />}>
              {t('chart.tabHistory')}
            </Tabs.Tab>
          )}
          {showHistory && (
            <Tabs.Tab value="disclosures" leftSection={<IconShare size={16} aria-hidden />}>
              {t('disclosures.tab')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="details">
          <PatientDetails patient={patient.data} />
        </Tabs.Panel>
        {showClinical && (
          <Tabs.Panel value="clinical">
            <ClinicalAccessGate patientId={patientId}>
              <ClinicalTab patientId={patientId} />
            </ClinicalAccessGate>
          </Tabs.Panel>
        )}
        <Tabs.Panel value="insurance">
          <InsuranceTab patientId={patientId} />
        </Tabs.Panel>
        {showBalance && (
          <Tabs.Panel value="balance">
            <BalanceTab patientId={patientId} patientName={patientName(patient.data)} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="messages">
          <PatientMessagesTab patient={patient.data} />
        </Tabs.Panel>
        {showAmendments && (
          <Tabs.Panel value="amendments">
            <AmendmentsTab patientId={patientId} />
          </Tabs.Panel>
        )}
        {showHistory && (
          <Tabs.Panel value="history">
            <PatientHistory patientId={patientId} />
          </Tabs.Panel>
        )}
        {showHistory && (
          <Tabs.Panel value="disclosures">
            <PatientDisclosures patientId={patientId} />
          </Tabs.Panel>
        )}
      </Tabs>
    </>
  );
}
