import { Badge, Button, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconUserPlus, IconUsersGroup } from '@tabler/icons-react';
import { t, type User } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { formatDateTime } from '../components/format';
import { ActiveBadge, ListSearch } from '../components/ListParts';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useClientList } from '../components/useClientList';
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
  const list = useClientList(users.data, searchText);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const canManage = can('user.manage');

  return (
    <>
      <PageHeader
        title={t('staff.title')}
        description={t('staff.description')}
        actions={
          canManage && (
            <Button leftSection={<IconUserPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
              {t('staff.add')}
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <ListSearch label={t('staff.search')} value={list.query} onChange={list.setQuery} count={list.total} />
        {users.isPending ? (
          <Loading />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : list.total === 0 ? (
          <EmptyState icon={<IconUsersGroup aria-hidden />} title={t('list.noMatch')} />
        ) : (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('staff.name')}</Table.Th>
                    <Table.Th>{t('staff.email')}</Table.Th>
                    <Table.Th>{t('staff.role')}</Table.Th>
                    <Table.Th>{t('common.status')}</Table.Th>
                    <Table.Th>{t('staff.lastSignIn')}</Table.Th>
                    {canManage && (
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.pageItems.map((user) => (
                    <Table.Tr key={user.id}>
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
                      {canManage && (
                        <Table.Td ta="right">
                          <Button
                            variant="subtle"
                            size="xs"
                            leftSection={<IconPencil size={14} aria-hidden />}
                            onClick={() => setEditing(user)}
                            aria-label={t('staff.editNamed', { name: user.name })}
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
      <StaffModal user={editing} onClose={() => setEditing(null)} />
    </>
  );
}
