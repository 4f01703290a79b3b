import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconCheck, IconId, IconPencil, IconPlus, IconX } from '@tabler/icons-react';
import { isValidPattern, memberIdMatches, type Payer, t, zPayerCreate } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { applyServerErrors, focusFirstError, orNull, zodValidator } from '../components/form';
import { ActiveBadge, ListSearch } from '../components/ListParts';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useClientList } from '../components/useClientList';
import { usePayers, useSavePayer } from '../insurance/api';

interface PayerValues {
  name: string;
  payerCode: string;
  memberIdPattern: string;
  memberIdExample: string;
  phone: string;
  active: boolean;
}

function toInput(values: PayerValues) {
  return {
    name: values.name,
    payerCode: orNull(values.payerCode),
    memberIdPattern: orNull(values.memberIdPattern),
    memberIdExample: orNull(values.memberIdExample),
    phone: orNull(values.phone),
  };
}

/** Try the format before saving it: does this member ID pass? */
function MemberIdTester({ pattern }: { pattern: string }) {
  const [sample, setSample] = useState('');
  const usable = pattern.trim() !== '' && isValidPattern(pattern.trim());
  const matches = usable && sample.trim() !== '' ? memberIdMatches(sample, pattern.trim()) : null;
  return (
    <Paper withBorder radius="md" p="sm" bg="gray.0">
      <TextInput
        label={t('payers.test')}
        description={usable ? t('payers.testHint') : t('payers.testNeedsPattern')}
        inputWrapperOrder={['label', 'input', 'description']}
        value={sample}
        disabled={!usable}
        onChange={(event) => setSample(event.currentTarget.value)}
      />
      <Text
        size="sm"
        mt={6}
        aria-live="polite"
        c={matches === null ? 'dimmed' : matches ? 'green.9' : 'red.9'}
        fw={matches === null ? 400 : 600}
      >
        {matches === null ? (
          ' '
        ) : matches ? (
          <>
            <IconCheck size={14} aria-hidden style={{ verticalAlign: -2 }} /> {t('payers.testMatch')}
          </>
        ) : (
          <>
            <IconX size={14} aria-hidden style={{ verticalAlign: -2 }} /> {t('payers.testNoMatch')}
          </>
        )}
      </Text>
    </Paper>
  );
}

function PayerForm({ payer, onClose }: { payer: Payer | null; onClose: () => void }) {
  const save = useSavePayer();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<PayerValues | null>(null);
  const form = useForm<PayerValues>({
    initialValues: {
      name: payer?.name ?? '',
      payerCode: payer?.payerCode ?? '',
      memberIdPattern: payer?.memberIdPattern ?? '',
      memberIdExample: payer?.memberIdExample ?? '',
      phone: payer?.phone ?? '',
      active: payer?.active ?? true,
    },
    validate: zodValidator(zPayerCreate, toInput, {
      extra: (input) =>
        input.memberIdPattern &&
        isValidPattern(input.memberIdPattern) &&
        input.memberIdExample &&
        !memberIdMatches(input.memberIdExample, input.memberIdPattern)
          ? [{ path: 'memberIdExample', message: t('payers.exampleMismatch') }]
          : [],
    }),
  });

  const send = async (values: PayerValues) => {
    setError(null);
    try {
      const body = payer ? { ...toInput(values), active: values.active } : toInput(values);
      await save.mutateAsync({ id: payer?.id, body });
      notifySuccess(
        payer ? t('payers.saved', { name: values.name.trim() }) : t('payers.created', { name: values.name.trim() }),
      );
      onClose();
    } catch (caught) {
      const leftovers = applyServerErrors(form, caught);
      if (!isApiError(caught) || !caught.fields.length || leftovers.length) {
        setError(leftovers.length ? leftovers.join(' ') : errorMessage(caught));
      }
    }
  };
  const submit = form.onSubmit((values) => {
    if (payer?.active && !values.active) setConfirming(values);
    else void send(values);
  }, focusFirstError(form));

  return (
    <>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput label={t('payers.name')} required data-autofocus {...form.getInputProps('name')} />
            <TextInput
              label={t('payers.code')}
              description={t('payers.codeHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              {...form.getInputProps('payerCode')}
            />
          </SimpleGrid>
          <TextInput
            label={t('payers.pattern')}
            description={t('payers.patternHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            spellCheck={false}
            {...form.getInputProps('memberIdPattern')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput
              label={t('payers.example')}
              description={t('payers.exampleHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              {...form.getInputProps('memberIdExample')}
            />
            <TextInput label={t('payers.phone')} type="tel" {...form.getInputProps('phone')} />
          </SimpleGrid>
          <MemberIdTester pattern={form.values.memberIdPattern} />
          {payer && (
            <Switch
              label={t('payers.active')}
              description={t('payers.activeHint')}
              {...form.getInputProps('active', { type: 'checkbox' })}
            />
          )}
          {error && (
            <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={save.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {payer ? t('common.saveChanges') : t('payers.add')}
            </Button>
          </Group>
        </Stack>
      </form>
      <ConfirmDialog
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={t('payers.deactivateTitle', { name: payer?.name ?? '' })}
        confirmLabel={t('payers.deactivate')}
        danger
        onConfirm={() => (confirming ? send(confirming) : undefined)}
      >
        {t('payers.deactivateBody')}
      </ConfirmDialog>
    </>
  );
}

const searchText = (p: Payer) => [p.name, p.payerCode, p.phone].filter(Boolean).join(' ');

export function PayersPage() {
  const { can } = useSession();
  const payers = usePayers();
  const list = useClientList(payers.data, searchText);
  const [editing, setEditing] = useState<Payer | 'new' | null>(null);
  const canManage = can('payer.manage');

  return (
    <>
      <PageHeader
        title={t('payers.title')}
        description={t('payers.description')}
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
              {t('payers.add')}
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <ListSearch label={t('payers.search')} value={list.query} onChange={list.setQuery} count={list.total} />
        {payers.isPending ? (
          <Loading />
        ) : payers.isError ? (
          <ErrorState error={payers.error} onRetry={() => void payers.refetch()} />
        ) : list.total === 0 ? (
          <EmptyState
            icon={<IconId aria-hidden />}
            title={list.query ? t('list.noMatch') : t('payers.none')}
            description={list.query ? undefined : t('payers.noneHint')}
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('payers.name')}</Table.Th>
                    <Table.Th>{t('payers.code')}</Table.Th>
                    <Table.Th>{t('payers.format')}</Table.Th>
                    <Table.Th>{t('payers.phone')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    {canManage && (
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.pageItems.map((payer) => (
                    <Table.Tr key={payer.id}>
                      <Table.Td fw={600}>{payer.name}</Table.Td>
                      <Table.Td>{payer.payerCode ?? ''}</Table.Td>
                      <Table.Td>
                        {payer.memberIdPattern ? (
                          <Stack gap={2}>
                            <Code>{payer.memberIdPattern}</Code>
                            {payer.memberIdExample && (
                              <Text size="xs" c="dimmed">
                                {t('payers.exampleShort', { example: payer.memberIdExample })}
                              </Text>
                            )}
                          </Stack>
                        ) : (
                          <Badge variant="light" color="gray" size="sm">
                            {t('payers.anyFormat')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{payer.phone ?? ''}</Table.Td>
                      <Table.Td>
                        <ActiveBadge active={payer.active} />
                      </Table.Td>
                      {canManage && (
                        <Table.Td ta="right">
                          <Button
                            variant="subtle"
                            size="xs"
                            leftSection={<IconPencil size={14} aria-hidden />}
                            onClick={() => setEditing(payer)}
                            aria-label={t('payers.editNamed', { name: payer.name })}
                          >
                            {t('common.edit')}
                          </Button>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <TotalPager page={list.page} pageSize={list.pageSize} total={list.total} onChange={list.setPage} />
          </>
        )}
      </Paper>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('payers.addTitle') : t('payers.editTitle')}
        size="lg"
      >
        {editing !== null && <PayerForm payer={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      </Modal>
    </>
  );
}
