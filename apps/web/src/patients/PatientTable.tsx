import { Table, Text, VisuallyHidden } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { type PatientSummary, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { displayPhone, formatAge, formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { patientName } from './api';

/** Patients as rows; a click anywhere on a row (or Enter on the name link) opens the chart. */
export function PatientTable({ patients, caption }: { patients: PatientSummary[]; caption: string }) {
  const navigate = useNavigate();
  const { today } = useSession();
  const now = today();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table>
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('patient.name')}</Table.Th>
            <Table.Th>{t('patient.preferredName')}</Table.Th>
            <Table.Th>{t('patient.birthDate')}</Table.Th>
            <Table.Th>{t('patient.mrn')}</Table.Th>
            <Table.Th>{t('patient.phone')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {patients.map((patient) => (
            <Table.Tr
              key={patient.id}
              className="tend-row-link"
              onClick={(event) => {
                if ((event.target as HTMLElement).closest('a')) return;
                void navigate({ to: '/patients/$patientId', params: { patientId: patient.id } });
              }}
            >
              <Table.Td>
                <AnchorLink to="/patients/$patientId" params={{ patientId: patient.id }} fw={600}>
                  {patientName(patient)}
                </AnchorLink>
              </Table.Td>
              <Table.Td>{patient.preferredName ?? ''}</Table.Td>
              <Table.Td>
                {formatDate(patient.birthDate)}{' '}
                <Text span c="dimmed" size="sm">
                  ({formatAge(patient.birthDate, now)})
                </Text>
              </Table.Td>
              <Table.Td ff="monospace">{patient.mrn}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{displayPhone(patient.phone)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
