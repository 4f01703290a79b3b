import { Radio, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { patientName, usePatientSearch } from '../patients/api';

/** Find a registered patient by name, birth date, phone or MRN while typing, and choose one. */
export function PatientPicker({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (id: string, name: string) => void;
}) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const search = usePatientSearch(debounced, 1, 8, { enabled: debounced.length >= 2 });
  return (
    <Stack gap="xs">
      <TextInput
        label={t('schedule.patientSearch')}
        description={t('schedule.patientSearchHint')}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={q}
        onChange={(event) => setQ(event.currentTarget.value)}
        autoComplete="off"
      />
      {debounced.length >= 2 && search.isSuccess && search.items.length === 0 && (
        <Text size="sm" c="dimmed" role="status">
          {t('schedule.noPatients')}
        </Text>
      )}
      {debounced.length >= 2 && search.items.length > 0 && (
        <Radio.Group
          label={t('schedule.patient')}
          value={value}
          onChange={(id) => {
            const patient = search.items.find((p) => p.id === id);
            if (patient) onChange(id, patientName(patient));
          }}
        >
          <Stack gap={4} mt={4}>
            {search.items.map((patient) => (
              <Radio
                key={patient.id}
                value={patient.id}
                label={`${patientName(patient)} · ${patient.birthDate} · ${patient.mrn}`}
              />
            ))}
          </Stack>
        </Radio.Group>
      )}
    </Stack>
  );
}
