import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useDocumentTitle } from './useDocumentTitle';

interface PageHeaderProps {
  title: ReactNode;
  /** The browser tab's title; defaults to `title` when it is a string. Never a patient's name. */
  documentTitle?: string;
  description?: ReactNode;
  actions?: ReactNode;
}

/** Every page's one `h1`, an optional line of explanation, and the page's main actions. */
export function PageHeader({ title, documentTitle, description, actions }: PageHeaderProps) {
  useDocumentTitle(documentTitle ?? (typeof title === 'string' ? title : ''));
  return (
    <Group justify="space-between" align="flex-start" mb="lg" gap="md">
      <div>
        <Title order={1}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        )}
      </div>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}
