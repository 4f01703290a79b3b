import { Paper, Table, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { t } from '@tend/domain';
import type { ReactNode } from 'react';
import { ListSearch } from './ListParts';
import { TotalPager } from './Pager';
import { EmptyState, QueryView } from './states';
import { useClientList } from './useClientList';

interface ListCardProps<T extends { id: string }> {
  /** The whole list, as the API returns it. */
  query: UseQueryResult<T[]>;
  /** The text of a row that the search looks in (keep it stable: a module-level function). */
  searchText: (item: T) => string;
  searchLabel: string;
  /** Shown when there are no rows; `title` and `description` only while nothing is searched for. */
  empty: { icon: ReactNode; title?: string; description?: string };
  columns: string[];
  minWidth?: number;
  /** A row's cells, in the order of `columns`. */
  cells: (item: T) => ReactNode;
  /** A row's action (Edit, Revoke…): a last, right-aligned column whose header only screen readers read. */
  action?: (item: T) => ReactNode;
}

/** An admin list in its card: a search box, the loading/error/empty states, the table and its pages. */
export function ListCard<T extends { id: string }>({
  query,
  searchText,
  searchLabel,
  empty,
  columns,
  minWidth = 760,
  cells,
  action,
}: ListCardProps<T>) {
  const list = useClientList(query.data, searchText);
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
      <ListSearch label={searchLabel} value={list.query} onChange={list.setQuery} count={list.total} />
      <QueryView
        query={query}
        isEmpty={() => list.total === 0}
        empty={
          <EmptyState
            icon={empty.icon}
            title={list.query || !empty.title ? t('list.noMatch') : empty.title}
            description={list.query ? undefined : empty.description}
          />
        }
      >
        {() => (
          <>
            <Table.ScrollContainer minWidth={minWidth}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    {columns.map((column) => (
                      <Table.Th key={column}>{column}</Table.Th>
                    ))}
                    {action && (
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.pageItems.map((item) => (
                    <Table.Tr key={item.id}>
                      {cells(item)}
                      {action && <Table.Td ta="right">{action(item)}</Table.Td>}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <TotalPager page={list.page} pageSize={list.pageSize} total={list.total} onChange={list.setPage} />
          </>
        )}
      </QueryView>
    </Paper>
  );
}
