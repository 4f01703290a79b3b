import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconHeartbeat } from '@tabler/icons-react';
import { t } from '@tend/domain';

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={size === 'lg' ? 38 : 30} radius="md" aria-hidden>
        <IconHeartbeat size={size === 'lg' ? 24 : 19} stroke={2} />
      </ThemeIcon>
      <Text fw={750} fz={size === 'lg' ? 24 : 19} c="tend.9" lh={1}>
        {t('app.name')}
      </Text>
    </Group>
  );
}
