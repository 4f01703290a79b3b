import {
  ActionIcon,
  Badge,
  Checkbox,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type Encounter, formatCents, MAX_DIAGNOSES, MAX_POINTERS, type Service, t } from '@tend/domain';
import { useState } from 'react';
import { searchIcd10 } from './api';
import { Section } from './Section';
import type { DiagnosisDraft, LineDraft, useVisitDraft } from './useVisitDraft';

type VisitDraft = ReturnType<typeof useVisitDraft>;

/** ICD-10-CM codes matching what is typed (a code or words), as the user types. */
export function useIcd10Search(q: string) {
  const [debounced] = useDebouncedValue(q.trim(), 200);
  return useQuery({
    queryKey: ['icd10', debounced],
    queryFn: ({ signal }) => searchIcd10(debounced, signal),
    enabled: debounced.length >= 2,
    staleTime: 5 * 60_000,
  });
}

/** A search box that adds a billable ICD-10 code. */
export function DiagnosisPicker({
  onPick,
  taken,
  disabled,
  label = t('visit.diagnosisSearch'),
}: {
  onPick: (code: { code: string; description: string }) => void;
  taken: string[];
  disabled?: boolean;
  label?: string;
}) {
  const [search, setSearch] = useState('');
  const results = useIcd10Search(search);
  const data = (results.data ?? []).map((item) => ({
    value: item.code,
    label: item.billable
      ? `${item.code} — ${item.description}`
      : `${item.code} — ${item.description} ${t('visit.diagnosisCategory')}`,
    disabled: !item.billable || taken.includes(item.code),
  }));
  return (
    <Select
      label={label}
      placeholder={t('visit.diagnosisSearchPlaceholder')}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      value={null}
      data={data}
      filter={({ options }) => options}
      nothingFoundMessage={
        search.trim().length < 2
          ? t('visit.diagnosisTypeMore')
          : results.isFetching
            ? t('common.loading')
            : t('common.nothingFound')
      }
      onChange={(value) => {
        const item = results.data?.find((r) => r.code === value);
        if (item) onPick({ code: item.code, description: item.description });
        setSearch('');
      }}
      disabled={disabled}
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** Moves or removes a diagnosis and keeps each service line pointing at the same diagnoses. */
function remap(lines: LineDraft[], mapping: (pointer: number) => number | null): LineDraft[] {
  return lines.map((line) => ({
    ...line,
    diagnosisPointers: line.diagnosisPointers.map(mapping).filter((p): p is number => p !== null),
  }));
}

export function DiagnosesSection({
  visit,
  encounter,
  editable,
}: {
  visit: VisitDraft;
  encounter: Encounter;
  editable: boolean;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const { diagnoses, services } = visit.draft;

  if (!editable) {
    return (
      <Section id="visit-diagnoses" title={t('visit.diagnoses')}>
        {encounter.diagnoses.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('visit.diagnosesNone')}
          </Text>
        ) : (
          <Table fz="sm" verticalSpacing={6}>
            <Table.Tbody>
              {encounter.diagnoses.map((d) => (
                <Table.Tr key={d.code}>
                  <Table.Td w={28} c="dimmed">
                    {d.position}
                  </Table.Td>
                  <Table.Td w={90}>
                    <Badge variant="light" radius="sm" size="lg" tt="none" ff="monospace">
                      {d.code}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.description}</Table.Td>
                  <Table.Td ta="right">
                    <Group gap={4} justify="flex-end">
                      {d.chronic && (
                        <Badge variant="outline" color="grape" size="sm">
                          {t('visit.chronic')}
                        </Badge>
                      )}
                      {d.addendumId && (
                        <Badge variant="light" color="blue" size="sm">
                          {t('visit.byAddendum')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    );
  }

  const update = (next: DiagnosisDraft[], lines: LineDraft[] = services) => {
    setProblem(null);
    visit.setCodes({ diagnoses: next, services: lines });
  };
  const move = (index: number, by: -1 | 1) => {
    const target = index + by;
    const next = [...diagnoses];
    [next[index], next[target]] = [next[target], next[index]];
    const a = index + 1;
    const b = target + 1;
    update(
      next,
      remap(services, (p) => (p === a ? b : p === b ? a : p)),
    );
  };
  const remove = (index: number) => {
    const position = index + 1;
    const lines = remap(services, (p) => (p === position ? null : p > position ? p - 1 : p));
    const orphan = lines.find((line) => line.diagnosisPointers.length === 0);
    if (orphan) {
      setProblem(t('visit.diagnosisInUse', { code: diagnoses[index].code, service: orphan.code }));
      return;
    }
    update(
      diagnoses.filter((_, i) => i !== index),
      lines,
    );
  };

  return (
    <Section id="visit-diagnoses" title={t('visit.diagnoses')} description={t('visit.diagnosesHint')}>
      <Stack gap="sm">
        {diagnoses.length > 0 && (
          <Table fz="sm" verticalSpacing={4} aria-label={t('visit.diagnoses')}>
            <Table.Tbody>
              {diagnoses.map((d, index) => (
                <Table.Tr key={d.code}>
                  <Table.Td w={28} c="dimmed">
                    {index + 1}
                  </Table.Td>
                  <Table.Td w={90}>
                    <Badge variant="light" radius="sm" size="lg" tt="none" ff="monospace">
                      {d.code}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.description}</Table.Td>
                  <Table.Td w={120}>
                    <Switch
                      size="xs"
                      label={t('visit.chronic')}
                      aria-label={t('visit.chronicNamed', { code: d.code })}
                      checked={d.chronic}
                      onChange={(event) =>
                        update(
                          diagnoses.map((x, i) => (i === index ? { ...x, chronic: event.currentTarget.checked } : x)),
                        )
                      }
                    />
                  </Table.Td>
                  <Table.Td w={104}>
                    <Group gap={2} wrap="nowrap" justify="flex-end">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t('visit.moveUp', { code: d.code })}
                        disabled={index === 0}
                        onClick={() => move(index, -1)}
                      >
                        <IconArrowUp size={16} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t('visit.moveDown', { code: d.code })}
                        disabled={index === diagnoses.length - 1}
                        onClick={() => move(index, 1)}
                      >
                        <IconArrowDown size={16} aria-hidden />
                      </ActionIcon>
                      <Tooltip label={t('visit.removeNamed', { code: d.code })}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('visit.removeNamed', { code: d.code })}
                          onClick={() => remove(index)}
                        >
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {problem && (
          <Text size="sm" c="red.9" role="alert">
            {problem}
          </Text>
        )}
        <DiagnosisPicker
          taken={diagnoses.map((d) => d.code)}
          disabled={diagnoses.length >= MAX_DIAGNOSES}
          onPick={(code) => update([...diagnoses, { ...code, chronic: false }])}
        />
      </Stack>
    </Section>
  );
}

let newLineKey = 0;

/** Pick which of the visit's diagnoses (1–4) a service line is for. */
export function PointerPicker({
  diagnoses,
  value,
  onChange,
  lineLabel,
}: {
  diagnoses: { code: string }[];
  value: number[];
  onChange: (pointers: number[]) => void;
  lineLabel: string;
}) {
  return (
    <Group gap={6} role="group" aria-label={t('visit.pointersFor', { service: lineLabel })}>
      {diagnoses.map((d, index) => {
        const pointer = index + 1;
        const checked = value.includes(pointer);
        return (
          <Checkbox
            key={d.code}
            size="xs"
            label={d.code}
            aria-label={t('visit.pointerNamed', { code: d.code, service: lineLabel })}
            checked={checked}
            disabled={!checked && value.length >= MAX_POINTERS}
            onChange={(event) => {
              const next = event.currentTarget.checked
                ? [...value, pointer].sort((a, b) => a - b)
                : value.filter((p) => p !== pointer);
              if (next.length > 0) onChange(next);
            }}
          />
        );
      })}
    </Group>
  );
}

export function ServicesSection({
  visit,
  encounter,
  editable,
  services: catalogue,
  currency,
}: {
  visit: VisitDraft;
  encounter: Encounter;
  editable: boolean;
  services: Service[];
  currency: string;
}) {
  const { diagnoses, services } = visit.draft;
  const [picked, setPicked] = useState<string | null>(null);

  if (!editable) {
    const lines = encounter.services;
    const billed = lines.filter((l) => !l.removedByAddendumId);
    const total = billed.reduce((sum, l) => sum + l.units * l.feeCents, 0);
    return (
      <Section id="visit-services" title={t('visit.services')}>
        {lines.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('visit.servicesNone')}
          </Text>
        ) : (
          <Table fz="sm" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('visit.serviceCode')}</Table.Th>
                <Table.Th>{t('visit.serviceDescription')}</Table.Th>
                <Table.Th>{t('visit.pointers')}</Table.Th>
                <Table.Th ta="right">{t('visit.units')}</Table.Th>
                <Table.Th ta="right">{t('visit.fee')}</Table.Th>
                <Table.Th ta="right">{t('visit.lineTotal')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((line) => {
                const removed = line.removedByAddendumId !== null;
                return (
                  <Table.Tr key={line.id} c={removed ? 'dimmed' : undefined} td={removed ? 'line-through' : undefined}>
                    <Table.Td ff="monospace">{line.code}</Table.Td>
                    <Table.Td>
                      {line.description}{' '}
                      {line.addedByAddendumId && (
                        <Badge variant="light" color="blue" size="xs">
                          {t('visit.byAddendum')}
                        </Badge>
                      )}
                      {removed && (
                        <Badge variant="light" color="red" size="xs" td="none">
                          {t('visit.removedByAddendum')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ff="monospace">
                      {line.diagnosisPointers
                        .map((p) => encounter.diagnoses.find((d) => d.position === p)?.code ?? p)
                        .join(', ')}
                    </Table.Td>
                    <Table.Td ta="right">{line.units}</Table.Td>
                    <Table.Td ta="right">{formatCents(line.feeCents, currency)}</Table.Td>
                    <Table.Td ta="right">{formatCents(line.feeCents * line.units, currency)}</Table.Td>
                  </Table.Tr>
                );
              })}
              <Table.Tr>
                <Table.Td colSpan={5} ta="right" fw={700}>
                  {t('visit.total')}
                </Table.Td>
                <Table.Td ta="right" fw={700}>
                  {formatCents(total, currency)}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
      </Section>
    );
  }

  const total = services.reduce((sum, line) => sum + line.units * line.feeCents, 0);
  const setLines = (lines: LineDraft[]) => visit.setCodes({ diagnoses, services: lines });
  const active = catalogue.filter((s) => s.active);
  const add = (serviceId: string | null) => {
    const service = active.find((s) => s.id === serviceId);
    if (!service || diagnoses.length === 0) return;
    newLineKey += 1;
    setLines([
      ...services,
      {
        key: `new-${newLineKey}`,
        serviceId: service.id,
        code: service.code,
        description: service.description,
        feeCents: service.feeCents,
        units: service.defaultUnits,
        diagnosisPointers: [1],
      },
    ]);
    setPicked(null);
  };

  return (
    <Section id="visit-services" title={t('visit.services')} description={t('visit.servicesHint')}>
      <Stack gap="sm">
        {services.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table fz="sm" verticalSpacing={6} aria-label={t('visit.services')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('visit.serviceCode')}</Table.Th>
                  <Table.Th>{t('visit.serviceDescription')}</Table.Th>
                  <Table.Th>{t('visit.pointers')}</Table.Th>
                  <Table.Th w={90}>{t('visit.units')}</Table.Th>
                  <Table.Th ta="right">{t('visit.fee')}</Table.Th>
                  <Table.Th ta="right">{t('visit.lineTotal')}</Table.Th>
                  <Table.Th w={40} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {services.map((line, index) => (
                  <Table.Tr key={line.key}>
                    <Table.Td ff="monospace" fw={600}>
                      {line.code}
                    </Table.Td>
                    <Table.Td>{line.description}</Table.Td>
                    <Table.Td>
                      <PointerPicker
                        diagnoses={diagnoses}
                        value={line.diagnosisPointers}
                        lineLabel={line.code}
                        onChange={(pointers) =>
                          setLines(services.map((l, i) => (i === index ? { ...l, diagnosisPointers: pointers } : l)))
                        }
                      />
                    </Table.Td>
                    <Table.Td>
                      <NumberInput
                        size="xs"
                        min={1}
                        max={99}
                        allowDecimal={false}
                        aria-label={t('visit.unitsFor', { service: line.code })}
                        value={line.units}
                        onChange={(value) => {
                          const units = Number(value);
                          if (Number.isInteger(units) && units >= 1 && units <= 99)
                            setLines(services.map((l, i) => (i === index ? { ...l, units } : l)));
                        }}
                      />
                    </Table.Td>
                    <Table.Td ta="right">{formatCents(line.feeCents, currency)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {formatCents(line.feeCents * line.units, currency)}
                    </Table.Td>
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('visit.removeNamed', { code: line.code })}
                        onClick={() => setLines(services.filter((_, i) => i !== index))}
                      >
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Td colSpan={5} ta="right" fw={700}>
                    {t('visit.total')}
                  </Table.Td>
                  <Table.Td ta="right" fw={700} data-testid="services-total">
                    {formatCents(total, currency)}
                  </Table.Td>
                  <Table.Td />
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Select
          label={t('visit.serviceAdd')}
          placeholder={diagnoses.length === 0 ? t('visit.serviceNeedsDiagnosis') : t('visit.servicePick')}
          description={diagnoses.length === 0 ? t('visit.serviceNeedsDiagnosisHint') : undefined}
          inputWrapperOrder={['label', 'input', 'description']}
          data={active.map((s) => ({
            value: s.id,
            label: `${s.code} — ${s.description} (${formatCents(s.feeCents, currency)})`,
          }))}
          searchable
          value={picked}
          onChange={add}
          disabled={diagnoses.length === 0}
          nothingFoundMessage={active.length === 0 ? t('visit.serviceCatalogueEmpty') : t('common.nothingFound')}
        />
      </Stack>
    </Section>
  );
}
