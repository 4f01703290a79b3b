import { Badge, Button, Group, TextInput, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconPlus, IconSearch, type TablerIcon } from '@tabler/icons-react';
import { t } from '@tend/domain';
import type { ReactNode } from 'react';

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

/** A list page's main action: add a record. */
export function AddButton({
  icon: Icon = IconPlus,
  onClick,
  children,
}: {
  icon?: TablerIcon;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <Button leftSection={<Icon size={18} aria-hidden />} onClick={onClick}>
      {children}
    </Button>
  );
}

/** A row's Edit button; `label` names the row for screen readers ("Edit Main Street"). */
export function EditButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button
      variant="subtle"
      size="xs"
      leftSection={<IconPencil size={14} aria-hidden />}
      onClick={onClick}
      aria-label={label}
    >
      {t('common.edit')}
    </Button>
  );
}
