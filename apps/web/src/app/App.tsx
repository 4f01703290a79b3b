import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { AuthGate } from '../auth/AuthGate';
import { PatientLinkPage } from '../reminders/PatientLinkPage';
import { queryClient } from './queryClient';
import { router } from './router';
import { cssVariablesResolver, theme, trainingTheme } from './theme';
import { useTrainingAccent } from './trainingAccent';

/** A link from a patient's message (`/r/<token>`): a public page, outside sign-in. */
const linkToken = /^\/r\/([A-Za-z0-9_-]{1,100})$/.exec(window.location.pathname)?.[1];

export function App() {
  const training = useTrainingAccent();
  return (
    <MantineProvider
      theme={training ? trainingTheme : theme}
      cssVariablesResolver={cssVariablesResolver}
      defaultColorScheme="light"
    >
      <Notifications position="top-right" limit={4} />
      {linkToken ? (
        <PatientLinkPage token={linkToken} />
      ) : (
        <QueryClientProvider client={queryClient}>
          <AuthGate>
            <RouterProvider router={router} />
          </AuthGate>
        </QueryClientProvider>
      )}
    </MantineProvider>
  );
}
