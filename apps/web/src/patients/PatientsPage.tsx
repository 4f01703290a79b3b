import { Button, Paper, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useEffect, useRef, useState } from 'react';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { OffsetPager } from '../components/Pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { usePatientSearch } from './api';
import { PatientTable } from './PatientTable';

const route = getRouteApi('/patients');
const PAGE_SIZE = 25;

export function PatientsPage() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const { can } = useSession();
  const [input, setInput] = useState(search.q ?? '');
  const [debounced] = useDebouncedValue(input.trim(), 250);
  const page = search.page ?? 1;

  // The search lives in the address (back button, shareable link); typing replaces it, and a
  // change of the address from elsewhere ("See all results" in Ctrl+K) fills the field.
  const inAddress = search.q ?? '';
  const pushed = useRef(inAddress);
  useEffect(() => {
    if (inAddress !== pushed.current) {
      pushed.current = inAddress;
      setInput(inAddress);
    }
  }, [inAddress]);
  useEffect(() => {
    if (debounced !== pushed.current) {
      pushed.current = debounced;
      void navigate({ to: '/patients', search: { q: debounced || undefined }, replace: true });
    }
  }, [debounced, navigate]);

  const q = search.q ?? '';
  const result = usePatientSearch(q, page, PAGE_SIZE);
  const setPage = (next: number) => void navigate({ to: '/patients', search: { q: q || undefined, page: next } });
  const openFirst = () => {
    if (result.items.length === 1) {
      void navigate({ to: '/patients/$patientId', params: { patientId: result.items[0].id } });
    }
  };

  return (
    <>
      <PageHeader
        title={t('patients.title')}
        actions={
          can('patient.write') && (
            <Button component={Link} to="/patients/new" leftSection={<IconUserPlus size={18} aria-hidden />}>
              {t('patients.register')}
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <TextInput
          label={t('patients.search')}
          description={t('patients.searchHint')}
          placeholder={t('patients.searchPlaceholder')}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={input}
          onChange={(event) => setInput(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') openFirst();
          }}
          type="search"
          autoFocus
          mb="lg"
          maw={560}
        />
        <Text size="sm" fw={600} mb="xs" aria-live="polite">
          {q ? t('patients.resultsFor', { q }) : t('patients.recent')}
        </Text>
        {result.isPending ? (
          <Loading />
        ) : result.isError ? (
          <ErrorState error={result.error} onRetry={() => void result.refetch()} />
        ) : result.items.length === 0 ? (
          <EmptyState
            icon={<IconUsers aria-hidden />}
            title={q ? t('patients.noMatch', { q }) : t('patients.none')}
            description={q ? t('patients.noMatchHint') : t('patients.noneHint')}
            action={
              can('patient.write') && (
                <Button component={Link} to="/patients/new" variant="light">
                  {t('patients.registerNew')}
                </Button>
              )
            }
          />
        ) : (
          <>
            <PatientTable
              patients={result.items}
              caption={q ? t('patients.resultsFor', { q }) : t('patients.recent')}
            />
            <OffsetPager
              page={page}
              pageSize={PAGE_SIZE}
              shown={result.items.length}
              hasMore={result.hasMore}
              onChange={setPage}
            />
          </>
        )}
      </Paper>
    </>
  );
}
