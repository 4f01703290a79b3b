import { Card, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { can, ROLES, t } from '@tend/domain';
import { PageHeader } from '../components/PageHeader';
import { permissionGroups } from './permissionGroups';

/** The permission matrix (packages/domain/src/permissions.ts), read-only: what each role may do. */
export function PermissionsPage() {
  return (
    <>
      <PageHeader title={t('permissions.title')} description={t('permissions.description')} />
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover stickyHeader>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('permissions.permission')}</Table.Th>
                {ROLES.map((role) => (
                  <Table.Th key={role} scope="col" ta="center">
                    {t(`role.${role}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            {permissionGroups().map(({ group, permissions }) => (
              <Table.Tbody key={group}>
                <Table.Tr>
                  <Table.Th scope="colgroup" colSpan={ROLES.length + 1} bg="gray.1">
                    {t(`permissionGroup.${group}`)}
                  </Table.Th>
                </Table.Tr>
                {permissions.map((permission) => (
                  <Table.Tr key={permission} data-permission={permission}>
                    <Table.Th scope="row" fw={400}>
                      {t(`permission.${permission}`)}
                      <Text size="xs" c="dimmed" ff="monospace">
                        {permission}
                      </Text>
                    </Table.Th>
                    {ROLES.map((role) => (
                      <Table.Td key={role} ta="center" data-role={role}>
                        {can(role, permission) ? (
                          <>
                            <IconCheck size={18} aria-hidden color="var(--mantine-color-green-8)" />
                            <VisuallyHidden>{t('permissions.allowed')}</VisuallyHidden>
                          </>
                        ) : (
                          <VisuallyHidden>{t('permissions.denied')}</VisuallyHidden>
                        )}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            ))}
          </Table>
        </Table.ScrollContainer>
      </Card>
    </>
  );
}
