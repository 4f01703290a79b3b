import { Button, Group, Pagination, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { t } from '@tend/domain';

/** Pages of a list whose total is not known (the API answers one page at a time). */
export function OffsetPager({
  page,
  pageSize,
  shown,
  hasMore,
  onChange,
}: {
  page: number;
  pageSize: number;
  shown: number;
  hasMore: boolean;
  onChange: (page: number) => void;
}) {
  if (page === 1 && !hasMore) return null;
  const first = (page - 1) * pageSize + 1;
  return (
    <Group justify="space-between" mt="md">
      <Text size="sm" c="dimmed">
        {shown ? t('pager.range', { first, last: first + shown - 1 }) : t('pager.none')}
      </Text>
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconChevronLeft size={14} aria-hidden />}
          disabled={page <= 1}
          onClick={() => onChange(page - 1)}
        >
          {t('pager.previous')}
        </Button>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} aria-hidden />}
          disabled={!hasMore}
          onClick={() => onChange(page + 1)}
        >
          {t('pager.next')}
        </Button>
      </Group>
    </Group>
  );
}

/** Pages of a list whose total is known. */
export function TotalPager({
  page,
  pageSize,
  total,
  onChange,
}: {
  page: number;
  pageSize: number;
  total: number;
  onChange: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <Group justify="space-between" mt="md" gap="sm">
      <Text size="sm" c="dimmed">
        {total === 0 ? t('pager.none') : t('pager.rangeOf', { first, last, total })}
      </Text>
      {pages > 1 && (
        <nav aria-label={t('pager.label')}>
          <Pagination
            total={pages}
            value={page}
            onChange={onChange}
            size="sm"
            getItemProps={(item) => ({ 'aria-label': t('pager.page', { page: item }) })}
            getControlProps={(control) => {
              if (control === 'previous') return { 'aria-label': t('pager.previous') };
              if (control === 'next') return { 'aria-label': t('pager.next') };
              if (control === 'first') return { 'aria-label': t('pager.first') };
              return { 'aria-label': t('pager.last') };
            }}
          />
        </nav>
      )}
    </Group>
  );
}
