import { Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { Heading } from './Heading';
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
      <Heading order={1} title={title} description={description} gap={4} />
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}
