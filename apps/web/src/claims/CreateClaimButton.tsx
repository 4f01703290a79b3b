import { Button, Group } from '@mantine/core';
import { IconFilePlus } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { ButtonLink } from '../components/links';
import { notifyError, notifySuccess } from '../components/notify';
import { useCreateClaim, useVisitClaims } from './api';
import { ClaimStatusBadge } from './shared';

/**
 * On a signed visit, for billing: its claims, or the button that builds one (the server says why
 * not when the patient had no coverage or the visit is claimed already).
 */
export function CreateClaimButton({ encounterId }: { encounterId: string }) {
  const claims = useVisitClaims(encounterId);
  const create = useCreateClaim();
  const navigate = useNavigate();
  if (claims.isPending || claims.isError) return null;
  if (claims.data.length) {
    return (
      <Group gap="xs">
        {claims.data.map((claim) => (
          <ButtonLink
            key={claim.id}
            to="/claims/$claimId"
            params={{ claimId: claim.id }}
            variant="default"
            rightSection={<ClaimStatusBadge status={claim.status} />}
          >
            {t('visit.claimLink', { number: claim.number })}
          </ButtonLink>
        ))}
      </Group>
    );
  }
  return (
    <Button
      leftSection={<IconFilePlus size={18} aria-hidden />}
      loading={create.isPending}
      onClick={async () => {
        try {
          const claim = await create.mutateAsync(encounterId);
          notifySuccess(
            claim.problems.length
              ? t('claims.createdDraft', { number: claim.number, count: claim.problems.length })
              : t('claims.createdReady', { number: claim.number }),
          );
          void navigate({ to: '/claims/$claimId', params: { claimId: claim.id } });
        } catch (error) {
          notifyError(error, t('claims.createFailed'));
        }
      }}
    >
      {t('visit.createClaim')}
    </Button>
  );
}
