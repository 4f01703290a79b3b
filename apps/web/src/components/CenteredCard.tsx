import { Box, Center, Paper, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from './Logo';

/** The layout of the pages outside the app: setup, sign-in, lock screen. */
export function CenteredCard({ children, width = 420 }: { children: ReactNode; width?: number }) {
  return (
    <Box component="main" mih="100vh" bg="gray.0" py={48} px="md">
      <Center>
        <Stack w="100%" maw={width} gap="lg">
          <Center>
            <Logo size="lg" />
          </Center>
          <Paper withBorder shadow="sm" radius="lg" p={{ base: 'lg', sm: 32 }}>
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
