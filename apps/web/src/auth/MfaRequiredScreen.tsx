import { Button, Stack } from '@mantine/core';
import { t } from '@tend/domain';
import { CenteredCard } from '../components/CenteredCard';
import { Heading } from '../components/Heading';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { MfaEnrolment } from './MfaEnrolment';
import { useSession } from './session';

/**
 * What a person sees whose role the clinic requires two-step sign-in for, until they set it up:
 * the server answers nothing else for their session anyway.
 */
export function MfaRequiredScreen() {
  const { setMfaEnabled, signOut } = useSession();
  useDocumentTitle(t('mfa.requiredTitle'));
  return (
    <CenteredCard>
      <Stack gap="md">
        <Heading order={1} size="h2" title={t('mfa.requiredTitle')} description={t('mfa.requiredBody')} gap={4} />
        {/* The recovery codes stay on screen until the person says they saved them. */}
        <MfaEnrolment onEnabled={() => undefined} onDone={() => setMfaEnabled(true)} />
        <Button variant="subtle" color="gray" onClick={() => void signOut()}>
          {t('userMenu.signOut')}
        </Button>
      </Stack>
    </CenteredCard>
  );
}
