import { useMemo, useState } from 'react';

/**
 * A searchable, paginated view of a list the API returns whole (staff, providers, payers…):
 * the search filters on the given text of each item.
 */
export function useClientList<T>(items: T[] | undefined, text: (item: T) => string, pageSize = 25) {
  const [query, setQueryState] = useState('');
  const [page, setPage] = useState(1);
  const filtered = useMemo(() => {
    const all = items ?? [];
    const needle = query.trim().toLowerCase();
    if (!needle) return all;
    return all.filter((item) => text(item).toLowerCase().includes(needle));
  }, [items, query, text]);
  const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
  const current = Math.min(page, pages);
  const pageItems = filtered.slice((current - 1) * pageSize, current * pageSize);
  const setQuery = (value: string) => {
    setQueryState(value);
    setPage(1);
  };
  return { query, setQuery, page: current, setPage, pageItems, total: filtered.length, pageSize };
}
