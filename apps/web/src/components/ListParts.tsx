import { Badge, Group, TextInput, VisuallyHidden } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { t } from '@tend/domain';

/** The search box above an admin list, with the number of matching rows. */
export function ListSearch({
  label,
  value,
  onChange,
  count,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  count: number;
}) {
  return (
    <Group justify="space-between" align="flex-end" mb="md" gap="md">
      <TextInput
        label={label}
        type="search"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        w={{ base: '100%', sm: 340 }}
      />
      <VisuallyHidden aria-live="polite">{t('list.count', { count })}</VisuallyHidden>
    </Group>
  );
}

export function ActiveBadge({ active }: { active: boolean }) {
  return (
    <Badge variant="light" color={active ? 'green' : 'gray'} size="sm">
      {active ? t('common.active') : t('common.inactive')}
    </Badge>
  );
}
