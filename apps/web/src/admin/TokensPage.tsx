import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { type ApiToken, can, type Permission, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FormFooter } from '../components/FormFooter';
import { focusFirstError, saveErrorMessage } from '../components/form';
import { formatDateTime } from '../components/format';
import { ListCard } from '../components/ListCard';
import { AddButton } from '../components/ListParts';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { useCreateToken, useRevokeToken, useTokens } from './api';
import { permissionGroups } from './permissionGroups';

type TokenStatus = 'active' | 'revoked' | 'expired';

function statusOf(token: ApiToken): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (new Date(token.expiresAt) <= new Date()) return 'expired';
  return 'active';
}

const STATUS_COLOR: Record<TokenStatus, string> = { active: 'green', revoked: 'red', expired: 'gray' };
const EXPIRY_CHOICES = ['7', '30', '90', '365'] as const;

function CreateTokenForm({ onCreated, onClose }: { onCreated: (token: string) => void; onClose: () => void }) {
  const { user } = useSession();
  const create = useCreateToken();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: t('tokens.defaultName'),
      expires: '90' as (typeof EXPIRY_CHOICES)[number],
      scopes: [] as Permission[],
    },
    validate: {
      scopes: (value) => (value.length ? null : t('validation.tokenScopes')),
      name: (value) =>
        value.trim()
          ? value.trim().length > 100
            ? t('validation.tooLong', { max: 100 })
            : null
          : t('validation.required'),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      const created = await create.mutateAsync({
        name: values.name.trim(),
        scopes: values.scopes,
        expiresInDays: Number(values.expires),
      });
      onCreated(created.token);
    } catch (caught) {
      setError(saveErrorMessage(form, caught, (path) => (path === 'expiresInDays' ? 'expires' : path)));
    }
  }, focusFirstError(form));
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">{t('tokens.actsAsYou')}</Text>
        <TextInput
          label={t('tokens.name')}
          description={t('tokens.nameHint')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Checkbox.Group
          label={t('tokens.scopes')}
          description={t('tokens.scopesHint')}
          required
          {...form.getInputProps('scopes')}
        >
          <Stack gap="sm" mt="xs">
            {permissionGroups((permission) => can(user.role, permission)).map(({ group, permissions }) => (
              <fieldset key={group} style={{ border: 0, padding: 0, margin: 0 }}>
                <Text component="legend" size="sm" fw={600} mb={4}>
                  {t(`permissionGroup.${group}`)}
                </Text>
                <Stack gap={4}>
                  {permissions.map((permission) => (
                    <Checkbox
                      key={permission}
                      value={permission}
                      label={t(`permission.${permission}`)}
                      description={permission}
                    />
                  ))}
                </Stack>
              </fieldset>
            ))}
          </Stack>
        </Checkbox.Group>
        <NativeSelect
          label={t('tokens.expires')}
          required
          data={EXPIRY_CHOICES.map((choice) => ({ value: choice, label: t(`tokens.expiry.${choice}`) }))}
          {...form.getInputProps('expires')}
        />
        <FormFooter
          error={error}
          errorIcon={null}
          submitLabel={t('tokens.create')}
          pending={create.isPending}
          onCancel={onClose}
        />
      </Stack>
    </form>
  );
}

/** The new token, shown this once, with a copy button. */
function NewToken({ token, onClose }: { token: string; onClose: () => void }) {
  return (
    <Stack gap="md">
      <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('tokens.onceTitle')}>
        {t('tokens.onceBody')}
      </Alert>
      <div>
        <Text size="sm" fw={600} mb={4} id="new-token-label">
          {t('tokens.newToken')}
        </Text>
        <Code
          block
          aria-labelledby="new-token-label"
          data-testid="new-token"
          style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
        >
          {token}
        </Code>
      </div>
      <Group justify="space-between">
        <CopyButton value={token}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'light' : 'filled'}
              color={copied ? 'green' : undefined}
              leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
              onClick={copy}
            >
              {copied ? t('tokens.copied') : t('tokens.copy')}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={onClose}>
          {t('tokens.done')}
        </Button>
      </Group>
    </Stack>
  );
}

const searchText = (token: ApiToken) => `${token.name} ${token.prefix} ${token.userEmail}`;

export function TokensPage() {
  const { clinic } = useSession();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const closeCreate = () => {
    setCreating(false);
    setCreated(null);
  };
  const when = (iso: string | null, empty: string) =>
    iso ? (
      formatDateTime(iso, clinic.timezone)
    ) : (
      <Text span c="dimmed" size="sm">
        {empty}
      </Text>
    );

  return (
    <>
      <PageHeader
        title={t('tokens.title')}
        description={
          <>
            {t('tokens.description')}{' '}
            <Anchor href="/api/docs" target="_blank" rel="noreferrer" underline="always">
              {t('tokens.docs')}
            </Anchor>
          </>
        }
        documentTitle={t('tokens.title')}
        actions={<AddButton onClick={() => setCreating(true)}>{t('tokens.add')}</AddButton>}
      />
      <ListCard
        query={tokens}
        searchText={searchText}
        searchLabel={t('tokens.search')}
        empty={{ icon: <IconKey aria-hidden />, title: t('tokens.none'), description: t('tokens.noneHint') }}
        columns={[
          t('tokens.name'),
          t('tokens.prefix'),
          t('tokens.user'),
          t('tokens.created'),
          t('tokens.lastUsed'),
          t('tokens.scopes'),
          t('tokens.expiresAt'),
          t('common.status'),
        ]}
        minWidth={900}
        cells={(token) => {
          const status = statusOf(token);
          return (
            <>
              <Table.Td fw={600}>{token.name}</Table.Td>
              <Table.Td>
                <Code>{token.prefix}…</Code>
              </Table.Td>
              <Table.Td>{token.userEmail}</Table.Td>
              <Table.Td>{when(token.createdAt, '')}</Table.Td>
              <Table.Td>{when(token.lastUsedAt, t('tokens.neverUsed'))}</Table.Td>
              <Table.Td title={token.scopes.join(', ')}>
                {token.scopes.length === 1 ? (
                  <Code>{token.scopes[0]}</Code>
                ) : (
                  t('tokens.scopesCount', { count: token.scopes.length })
                )}
              </Table.Td>
              <Table.Td>{when(token.expiresAt, '')}</Table.Td>
              <Table.Td>
                <Badge
                  variant="light"
                  color={STATUS_COLOR[status]}
                  size="sm"
                  title={token.revokedAt ? formatDateTime(token.revokedAt, clinic.timezone) : undefined}
                >
                  {t(`tokens.status.${status}`)}
                </Badge>
              </Table.Td>
            </>
          );
        }}
        action={(token) =>
          statusOf(token) === 'active' && (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              onClick={() => setRevoking(token)}
              aria-label={t('tokens.revokeNamed', { name: token.name, prefix: token.prefix })}
            >
              {t('tokens.revoke')}
            </Button>
          )
        }
      />
      <Modal
        opened={creating}
        onClose={closeCreate}
        title={created ? t('tokens.createdTitle') : t('tokens.addTitle')}
        size="lg"
        closeOnClickOutside={!created}
      >
        {created ? (
          <NewToken token={created} onClose={closeCreate} />
        ) : (
          <CreateTokenForm onCreated={setCreated} onClose={closeCreate} />
        )}
      </Modal>
      <ConfirmDialog
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={t('tokens.revokeTitle', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        danger
        onConfirm={async () => {
          if (!revoking) return;
          await revoke.mutateAsync(revoking.id);
          notifySuccess(t('tokens.revoked', { name: revoking.name }));
        }}
      >
        {revoking && t('tokens.revokeBody', { prefix: revoking.prefix, user: revoking.userEmail })}
      </ConfirmDialog>
    </>
  );
}
