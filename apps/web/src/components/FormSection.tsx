import { Paper, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Heading } from './Heading';

/** A titled group of fields (a card with an h2). */
export function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section">
      <Stack gap="md">
        <Heading order={2} size="h4" title={title} description={description} gap={2} />
        {children}
      </Stack>
    </Paper>
  );
}
