import { Badge, Table, Text } from '@mantine/core';
import { IconUserPlus, IconUsersGroup } from '@tabler/icons-react';
import { t, type User } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { formatDateTime } from '../components/format';
import { ListCard } from '../components/ListCard';
import { ActiveBadge, AddButton, EditButton } from '../components/ListParts';
import { PageHeader } from '../components/PageHeader';
import { useUsers } from './api';
import { StaffModal } from './StaffModal';

const searchText = (user: User) => `${user.name} ${user.email} ${t(`role.${user.role}`)}`;

function StatusBadge({ user, timezone }: { user: User; timezone: string }) {
  if (user.lockedUntil && new Date(user.lockedUntil) > new Date()) {
    return (
      <Badge variant="light" color="orange" size="sm" title={formatDateTime(user.lockedUntil, timezone)}>
        {t('staff.locked')}
      </Badge>
    );
  }
  return <ActiveBadge active={user.active} />;
}

export function StaffPage() {
  const { can, clinic } = useSession();
  const users = useUsers();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const canManage = can('user.manage');

  return (
    <>
      <PageHeader
        title={t('staff.title')}
        description={t('staff.description')}
        actions={
          canManage && (
            <AddButton icon={IconUserPlus} onClick={() => setEditing('new')}>
              {t('staff.add')}
            </AddButton>
          )
        }
      />
      <ListCard
        query={users}
        searchText={searchText}
        searchLabel={t('staff.search')}
        empty={{ icon: <IconUsersGroup aria-hidden /> }}
        columns={[t('staff.name'), t('staff.email'), t('staff.role'), t('common.status'), t('staff.lastSignIn')]}
        cells={(user) => (
          <>
            <Table.Td fw={600}>{user.name}</Table.Td>
            <Table.Td>{user.email}</Table.Td>
            <Table.Td>{t(`role.${user.role}`)}</Table.Td>
            <Table.Td>
              <StatusBadge user={user} timezone={clinic.timezone} />
            </Table.Td>
            <Table.Td>
              {user.lastSignInAt ? (
                formatDateTime(user.lastSignInAt, clinic.timezone)
              ) : (
                <Text span c="dimmed" size="sm">
                  {t('staff.never')}
                </Text>
              )}
            </Table.Td>
          </>
        )}
        action={
          canManage
            ? (user) => (
                <EditButton label={t('staff.editNamed', { name: user.name })} onClick={() => setEditing(user)} />
              )
            : undefined
        }
      />
      <StaffModal user={editing} onClose={() => setEditing(null)} />
    </>
  );
}
