import { Box, Group, Kbd, Loader, Modal, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUser } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type PatientSummary, t } from '@tend/domain';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { http } from '../api/client';
import { useSession } from '../auth/session';
import { displayPhone, formatBirthDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { patientKeys, patientName } from './api';

const LIMIT = 8;

/**
 * The global patient search (Ctrl+K): results while typing, ↑/↓ to choose, Enter to open the
 * chart. An ARIA combobox: the input owns a listbox of patients.
 */
export function PatientSearchDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal.Root opened={opened} onClose={onClose} size="lg" yOffset="10vh" centered={false}>
      <Modal.Overlay backgroundOpacity={0.35} blur={2} />
      <Modal.Content aria-label={t('search.dialogLabel')} radius="md">
        <Modal.Body p={0}>{opened && <SearchPanel onClose={onClose} />}</Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}

function SearchPanel({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const { today } = useSession();
  const now = today();
  const listId = useId();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 200);
  const [active, setActive] = useState(0);
  const enterPending = useRef(false);

  const result = useQuery({
    queryKey: patientKeys.list(debounced, LIMIT, 0),
    queryFn: ({ signal }) =>
      http.get<{ items: PatientSummary[] }>('/patients', { q: debounced, limit: LIMIT }, { signal }),
    enabled: debounced.length > 0,
  });
  const upToDate = debounced === query.trim() && !result.isFetching;
  const data = result.data;
  const items = debounced ? (data?.items ?? []) : [];

  const open = (patient: PatientSummary) => {
    onClose();
    void navigate({ to: '/patients/$patientId', params: { patientId: patient.id } });
  };

  // New results: the first is active; an Enter pressed while they were loading opens it.
  const openRef = useRef(open);
  openRef.current = open;
  useEffect(() => {
    setActive(0);
    if (upToDate && enterPending.current) {
      enterPending.current = false;
      const first = data?.items[0];
      if (first) openRef.current(first);
    }
  }, [data, upToDate]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((i) => (items.length ? (i + 1) % items.length : 0));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (items.length ? (i - 1 + items.length) % items.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (upToDate && items[active]) open(items[active]);
      else if (query.trim()) enterPending.current = true;
    }
  };

  const optionId = (index: number) => `${listId}-option-${index}`;
  const expanded = items.length > 0;

  return (
    <Stack gap={0}>
      <TextInput
        aria-label={t('search.inputLabel')}
        placeholder={t('search.placeholder')}
        size="lg"
        variant="unstyled"
        px="md"
        py={4}
        leftSection={result.isFetching ? <Loader size={18} /> : <IconSearch size={20} aria-hidden />}
        value={query}
        onChange={(event) => {
          setQuery(event.currentTarget.value);
          enterPending.current = false;
        }}
        onKeyDown={onKeyDown}
        data-autofocus
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && items[active] ? optionId(active) : undefined}
        autoComplete="off"
        spellCheck={false}
        style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
      />
      <ScrollArea.Autosize mah="55vh" type="auto">
        <Box id={listId} role="listbox" aria-label={t('search.resultsLabel')} p={6}>
          {items.map((patient, index) => (
            <UnstyledButton
              key={patient.id}
              id={optionId(index)}
              component="div"
              role="option"
              aria-selected={index === active}
              tabIndex={-1}
              onMouseMove={() => setActive(index)}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => open(patient)}
              w="100%"
              px="sm"
              py={8}
              style={{
                borderRadius: 'var(--mantine-radius-md)',
                background: index === active ? 'var(--mantine-color-tend-0)' : undefined,
                outline: index === active ? '1px solid var(--mantine-color-tend-3)' : undefined,
              }}
            >
              <Group gap="sm" wrap="nowrap">
                <IconUser size={18} aria-hidden color="var(--mantine-color-gray-7)" />
                <div style={{ minWidth: 0 }}>
                  <Text fw={600} size="sm" truncate>
                    {patientName(patient)}
                    {patient.preferredName ? ` “${patient.preferredName}”` : ''}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {[
                      formatBirthDate(patient.birthDate, now),
                      `${t('patient.mrn')} ${patient.mrn}`,
                      displayPhone(patient.phone),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                </div>
              </Group>
            </UnstyledButton>
          ))}
        </Box>
      </ScrollArea.Autosize>
      <Box px="md" py="sm" style={{ borderTop: items.length ? '1px solid var(--mantine-color-gray-3)' : undefined }}>
        <Text size="sm" c="dimmed" aria-live="polite">
          {!debounced
            ? t('search.hint')
            : upToDate && items.length === 0
              ? t('search.noResults', { q: debounced })
              : upToDate
                ? t('search.resultCount', { count: items.length })
                : t('common.loading')}
        </Text>
        <Group justify="space-between" mt={6} gap="xs">
          <Text size="xs" c="dimmed">
            <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> {t('search.keysMove')} ·{' '}
            <Kbd size="xs">{t('keys.enter')}</Kbd> {t('search.keysOpen')} · <Kbd size="xs">{t('keys.escape')}</Kbd>{' '}
            {t('search.keysClose')}
          </Text>
          {debounced && (
            <AnchorLink to="/patients" search={{ q: debounced }} size="xs" onClick={onClose}>
              {t('search.seeAll')}
            </AnchorLink>
          )}
        </Group>
      </Box>
    </Stack>
  );
}
