import { Badge, Code, Paper, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCheck, IconId, IconX } from '@tabler/icons-react';
import { isValidPattern, memberIdMatches, type Payer, t, zPayerCreate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { EditModal } from '../components/EditModal';
import { orNull, zodValidator } from '../components/form';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { RecordForm } from '../components/RecordForm';
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

  const onSave = async (values: PayerValues) => {
    const body = payer ? { ...toInput(values), active: values.active } : toInput(values);
    await save.mutateAsync({ id: payer?.id, body });
    notifySuccess(
      payer ? t('payers.saved', { name: values.name.trim() }) : t('payers.created', { name: values.name.trim() }),
    );
  };

  return (
    <RecordForm
      form={form}
      wasActive={payer?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={payer ? t('common.saveChanges') : t('payers.add')}
      deactivate={{
        title: t('payers.deactivateTitle', { name: payer?.name ?? '' }),
        confirmLabel: t('payers.deactivate'),
        body: t('payers.deactivateBody'),
      }}
    >
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
    </RecordForm>
  );
}

const searchText = (p: Payer) => [p.name, p.payerCode, p.phone].filter(Boolean).join(' ');

export function PayersPage() {
  const { can } = useSession();
  const payers = usePayers();
  const [editing, setEditing] = useState<Payer | 'new' | null>(null);
  const canManage = can('payer.manage');

  return (
    <>
      <PageHeader
        title={t('payers.title')}
        description={t('payers.description')}
        actions={canManage && <AddButton onClick={() => setEditing('new')}>{t('payers.add')}</AddButton>}
      />
      <ListCard
        query={payers}
        searchText={searchText}
        searchLabel={t('payers.search')}
        empty={{ icon: <IconId aria-hidden />, title: t('payers.none'), description: t('payers.noneHint') }}
        columns={[t('payers.name'), t('payers.code'), t('payers.format'), t('payers.phone'), t('common.status')]}
        cells={(payer) => (
          <>
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
          </>
        )}
        action={
          canManage
            ? (payer) => (
                <EditButton label={t('payers.editNamed', { name: payer.name })} onClick={() => setEditing(payer)} />
              )
            : undefined
        }
      />
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('payers.addTitle')}
        editTitle={t('payers.editTitle')}
        size="lg"
      >
        {(payer) => <PayerForm payer={payer} onClose={() => setEditing(null)} />}
      </EditModal>
    </>
  );
}
