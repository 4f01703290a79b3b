import { Badge, Button, Group, MultiSelect, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { type Claim, formatCents, formatIcd10Code, t } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { useClaimAction } from './api';
import { LETTERS } from './ClaimData';

interface LineDraft {
  id: string;
  modifiers: string[];
  pointers: string[];
}

const MODIFIER = /^[A-Z0-9]{2}$/;

function draftOf(claim: Claim): LineDraft[] {
  return claim.lines.map((line) => ({
    id: line.id,
    modifiers: [0, 1, 2, 3].map((i) => line.modifiers[i] ?? ''),
    pointers: line.diagnosisPointers.map(String),
  }));
}

/** The service lines (box 24): modifiers and diagnosis pointers editable while the claim can be corrected. */
export function ClaimLines({ claim, editable }: { claim: Claim; editable: boolean }) {
  const { clinic } = useSession();
  const action = useClaimAction(claim.id);
  const [drafts, setDrafts] = useState<LineDraft[]>(() => draftOf(claim));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const original = draftOf(claim);
  const changed = drafts.filter((draft, i) => JSON.stringify(draft) !== JSON.stringify(original[i]));
  const money = (cents: number) => formatCents(cents, clinic.currency);
  const diagnoses = claim.data.diagnosisCodes.map((code, index) => ({
    value: String(index + 1),
    label: `${LETTERS[index]} · ${formatIcd10Code(code)}`,
  }));

  const set = (index: number, change: Partial<LineDraft>) =>
    setDrafts((current) => current.map((draft, i) => (i === index ? { ...draft, ...change } : draft)));

  const save = async () => {
    const found: Record<string, string> = {};
    drafts.forEach((draft, i) => {
      draft.modifiers.forEach((modifier, m) => {
        if (modifier && !MODIFIER.test(modifier)) found[`${i}.modifiers.${m}`] = t('claims.modifierFormat');
      });
      if (draft.pointers.length === 0) found[`${i}.pointers`] = t('claims.pointerRequired');
    });
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const saved = await action.mutateAsync({
        kind: 'lines',
        body: {
          lines: changed.map((draft) => ({
            id: draft.id,
            modifiers: draft.modifiers.filter(Boolean),
            diagnosisPointers: draft.pointers.map(Number),
          })),
        },
      });
      setDrafts(draftOf(saved));
      notifySuccess(
        saved.problems.length
          ? t('claims.linesSavedProblems', { count: saved.problems.length })
          : t('claims.linesSaved', { number: saved.number }),
      );
    } catch (error) {
      if (isApiError(error) && error.fields.length) {
        const byField: Record<string, string> = {};
        for (const field of error.fields) {
          // lines.<index of the changed lines>.modifiers.<m> → the line's own index here.
          const match = /^lines\.(\d+)\.(modifiers(?:\.\d+)?|diagnosisPointers)/.exec(field.path);
          if (!match) continue;
          const line = drafts.indexOf(changed[Number(match[1])]);
          const where =
            match[2] === 'diagnosisPointers' ? 'pointers' : match[2] === 'modifiers' ? 'modifiers.0' : match[2];
          byField[`${line}.${where}`] = field.message;
        }
        setErrors(byField);
      }
      notifyError(error);
    }
  };

  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="claim-lines">
      <Group justify="space-between" align="flex-start" gap="md" mb="sm">
        <div>
          <Title order={2} fz="lg" id="claim-lines">
            {t('claims.lines')}
          </Title>
          <Text size="sm" c="dimmed">
            {editable ? t('claims.linesHintEditable') : t('claims.linesHint')}
          </Text>
        </div>
        {editable && (
          <Group gap="sm">
            {changed.length > 0 && (
              <Button variant="default" onClick={() => setDrafts(original)} disabled={action.isPending}>
                {t('claims.undoLines')}
              </Button>
            )}
            <Button
              leftSection={<IconDeviceFloppy size={16} aria-hidden />}
              disabled={changed.length === 0}
              loading={action.isPending && action.variables?.kind === 'lines'}
              onClick={() => void save()}
            >
              {t('claims.saveLines')}
            </Button>
          </Group>
        )}
      </Group>
      <Table.ScrollContainer minWidth={860}>
        <Table fz="sm" verticalSpacing={8} aria-label={t('claims.lines')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('claims.serviceDate')}</Table.Th>
              <Table.Th>{t('claims.code')}</Table.Th>
              <Table.Th>{t('claims.modifiers')}</Table.Th>
              <Table.Th>{t('claims.pointers')}</Table.Th>
              <Table.Th ta="right">{t('claims.units')}</Table.Th>
              <Table.Th ta="right">{t('claims.charge')}</Table.Th>
              <Table.Th ta="right">{t('claims.paid')}</Table.Th>
              <Table.Th ta="right">{t('claims.balance')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {claim.lines.map((line, index) => {
              const draft = drafts[index];
              return (
                <Table.Tr key={line.id}>
                  <Table.Td>{line.lineNumber}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(line.serviceDate)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" fw={700}>
                      {line.code}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={2} maw={200}>
                      {line.description}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {editable && draft ? (
                      <Group gap={4} wrap="nowrap" align="flex-start">
                        {draft.modifiers.map((modifier, m) => (
                          <TextInput
                            // biome-ignore lint/suspicious/noArrayIndexKey: the four modifier boxes are positions
                            key={m}
                            aria-label={t('claims.modifierN', { n: m + 1, line: line.lineNumber })}
                            value={modifier}
                            maxLength={2}
                            w={40}
                            size="xs"
                            styles={{ input: { textAlign: 'center', fontFamily: 'monospace', paddingInline: 4 } }}
                            error={errors[`${index}.modifiers.${m}`] ? true : undefined}
                            onChange={(event) => {
                              const modifiers = [...draft.modifiers];
                              modifiers[m] = event.currentTarget.value.toUpperCase().trim();
                              set(index, { modifiers });
                            }}
                          />
                        ))}
                      </Group>
                    ) : line.modifiers.length ? (
                      <Text size="sm" ff="monospace">
                        {line.modifiers.join(' ')}
                      </Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                    {Object.entries(errors)
                      .filter(([key]) => key.startsWith(`${index}.modifiers`))
                      .slice(0, 1)
                      .map(([key, message]) => (
                        <Text key={key} size="xs" c="red.8" mt={4} maw={200}>
                          {message}
                        </Text>
                      ))}
                  </Table.Td>
                  <Table.Td>
                    {editable && draft ? (
                      <MultiSelect
                        aria-label={t('claims.pointersFor', { line: line.lineNumber })}
                        data={diagnoses}
                        value={draft.pointers}
                        onChange={(pointers) => set(index, { pointers })}
                        maxValues={4}
                        size="xs"
                        w={180}
                        error={errors[`${index}.pointers`]}
                        placeholder={draft.pointers.length ? undefined : t('claims.pickDiagnoses')}
                      />
                    ) : (
                      <Group gap={4}>
                        {line.diagnosisPointers.map((pointer) => (
                          <Badge key={pointer} variant="default" radius="sm" tt="none">
                            {LETTERS[pointer - 1] ?? pointer}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{line.units}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {money(line.chargeCents)}
                  </Table.Td>
                  <Table.Td ta="right">
                    {money(line.paidCents)}
                    {line.adjudication === 'denied' && (
                      <Badge color="red" variant="light" size="xs" ml={6} radius="sm" tt="none">
                        {t('claims.lineDenied')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{money(line.balanceCents)}</Table.Td>
                </Table.Tr>
              );
            })}
            <Table.Tr>
              <Table.Td colSpan={6} ta="right" fw={700}>
                {t('claims.total')}
              </Table.Td>
              <Table.Td ta="right" fw={700}>
                {money(claim.totalCents)}
              </Table.Td>
              <Table.Td ta="right" fw={700}>
                {money(claim.paidCents)}
              </Table.Td>
              <Table.Td ta="right" fw={700}>
                {money(claim.balanceCents)}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
