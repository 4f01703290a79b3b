import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  PasswordInput,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { IconInfoCircle } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { ROLES, type Role, t, type User, zUserCreate, zUserPatch } from '@tend/domain';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EditModal } from '../components/EditModal';
import { zodValidator } from '../components/form';
import { formatDateTime } from '../components/format';
import { notifySuccess } from '../components/notify';
import { RecordForm } from '../components/RecordForm';
import { useResetMfa, useSave } from './api';

interface StaffValues {
  name: string;
  email: string;
  role: Role;
  active: boolean;
  password: string;
}

const roleOptions = () => ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }));

/** Only what changed: an unchanged role must not sign the person out. */
function patchOf(user: User, values: StaffValues) {
  const patch: { name?: string; role?: Role; active?: boolean; password?: string } = {};
  if (values.name.trim() !== user.name) patch.name = values.name;
  if (values.role !== user.role) patch.role = values.role;
  if (values.active !== user.active) patch.active = values.active;
  if (values.password) patch.password = values.password;
  return patch;
}

function StaffForm({ user, onClose }: { user: User | null; onClose: () => void }) {
  const session = useSession();
  const save = useSave<User>('users');
  const form = useForm<StaffValues>({
    initialValues: user
      ? { name: user.name, email: user.email, role: user.role, active: user.active, password: '' }
      : { name: '', email: '', role: 'receptionist', active: true, password: '' },
    validate: user
      ? zodValidator(zUserPatch, (values: StaffValues) => ({ ...patchOf(user, values) }))
      : zodValidator(zUserCreate, (values: StaffValues) => ({
          name: values.name,
          email: values.email,
          role: values.role,
          password: values.password,
        })),
  });
  const self = user?.id === session.user.id;
  const locked = user?.lockedUntil && new Date(user.lockedUntil) > new Date();

  const onSave = async (values: StaffValues) => {
    if (user) {
      await save.mutateAsync({ id: user.id, body: patchOf(user, values) });
      notifySuccess(t('staff.saved', { name: values.name.trim() }));
    } else {
      const { name, email, role, password } = values;
      await save.mutateAsync({ body: { name, email, role, password } });
      notifySuccess(t('staff.created', { name: name.trim() }));
    }
  };

  return (
    <RecordForm
      form={form}
      wasActive={user?.active ?? false}
      onSave={onSave}
      onClose={onClose}
      pending={save.isPending}
      submitLabel={user ? t('common.saveChanges') : t('staff.create')}
      deactivate={{
        title: t('staff.deactivateTitle', { name: user?.name ?? '' }),
        confirmLabel: t('staff.deactivate'),
        body: t('staff.deactivateBody'),
      }}
    >
      {locked && user?.lockedUntil && (
        <Alert color="orange" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('staff.lockedNotice', { until: formatDateTime(user.lockedUntil, session.clinic.timezone) })}
        </Alert>
      )}
      <TextInput label={t('staff.name')} required data-autofocus {...form.getInputProps('name')} />
      <TextInput
        label={t('staff.email')}
        type="email"
        required
        disabled={user !== null}
        description={user ? t('staff.emailFixed') : undefined}
        {...form.getInputProps('email')}
      />
      <NativeSelect
        label={t('staff.role')}
        data={roleOptions()}
        description={
          <>
            {user ? t('staff.roleHint') : t(`roleHint.${form.values.role}`)}{' '}
            <Anchor component={Link} to="/admin/permissions" target="_blank" size="xs" underline="always">
              {t('staff.permissionsLink')}
            </Anchor>
          </>
        }
        {...form.getInputProps('role')}
      />
      {user && (
        <Switch
          label={t('staff.active')}
          description={t('staff.activeHint')}
          disabled={self}
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
      )}
      <PasswordInput
        label={user ? t('staff.newPassword') : t('staff.password')}
        description={user ? t('staff.newPasswordHint') : t('staff.passwordHint')}
        autoComplete="new-password"
        required={!user}
        {...form.getInputProps('password')}
      />
      {user && <MfaState user={user} self={self} />}
      {self && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('staff.selfNotice')}
        </Alert>
      )}
    </RecordForm>
  );
}

/** Whether the person uses two-step sign-in, and the reset for a lost phone (not one's own). */
function MfaState({ user, self }: { user: User; self: boolean }) {
  const session = useSession();
  const reset = useResetMfa();
  const [confirmOpened, confirm] = useDisclosure(false);
  return (
    <Group justify="space-between" gap="sm">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          {t('staff.mfa')}
        </Text>
        <Badge color={user.mfaEnabled ? 'green' : 'gray'} variant="light" data-testid="staff-mfa">
          {user.mfaEnabled ? t('staff.mfaOn') : t('staff.mfaOff')}
        </Badge>
      </Group>
      {user.mfaEnabled && !self && session.can('user.manage') && (
        <Button size="xs" variant="light" color="red" onClick={confirm.open}>
          {t('staff.mfaReset')}
        </Button>
      )}
      <ConfirmDialog
        opened={confirmOpened}
        onClose={confirm.close}
        title={t('staff.mfaResetTitle', { name: user.name })}
        confirmLabel={t('staff.mfaReset')}
        danger
        onConfirm={async () => {
          await reset.mutateAsync(user.id);
          notifySuccess(t('staff.mfaResetDone', { name: user.name }));
        }}
      >
        {t('staff.mfaResetBody')}
      </ConfirmDialog>
    </Group>
  );
}

export function StaffModal({ user, onClose }: { user: User | 'new' | null; onClose: () => void }) {
  return (
    <EditModal
      editing={user}
      onClose={onClose}
      addTitle={t('staff.addTitle')}
      editTitle={t('staff.editTitle')}
      size="md"
    >
      {(record) => <StaffForm user={record} onClose={onClose} />}
    </EditModal>
  );
}
