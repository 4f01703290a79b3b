import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { type Claim, formatCents, formatIcd10Code, type MessageKey, type PostalAddress, t } from '@tend/domain';
import type { ReactNode } from 'react';
import { useSession } from '../auth/session';
import { displayPhone, formatDate } from '../components/format';

/** The CMS-1500 data set of a claim, box by box, with what is missing marked. */

export const LETTERS = 'ABCDEFGHIJKL';

function address(a: PostalAddress | null): string | null {
  if (!a) return null;
  return [a.line1, a.line2, [a.city, a.region, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

function taxId(value: string | null): string | null {
  return value && /^\d{9}$/.test(value) ? `${value.slice(0, 2)}-${value.slice(2)}` : value;
}

/** "11 · Office" for the common codes, the bare code otherwise. */
function placeOfService(code: string): string {
  const known = ['11', '02', '10', '22'].includes(code) ? t(`claims.pos.${code as '11' | '02' | '10' | '22'}`) : null;
  return known ? `${code} · ${known}` : code;
}

const SEX: Record<'F' | 'M' | 'U', MessageKey> = { F: 'sex.female', M: 'sex.male', U: 'sex.unknown' };

function Row({ label, value, box }: { label: string; value: ReactNode; box?: string }) {
  const missing = value === null || value === undefined || value === '';
  return (
    <Group gap={6} wrap="nowrap" align="baseline">
      <Text size="xs" c="dimmed" w={104} style={{ flexShrink: 0 }}>
        {label}
        {box && (
          <Text span size="xs" c="dimmed">
            {' '}
            ({t('claims.box', { box })})
          </Text>
        )}
      </Text>
      {missing ? (
        <Text size="sm" c="red.8" fw={600}>
          {t('claims.missingValue')}
        </Text>
      ) : (
        <Text size="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
          {value}
        </Text>
      )}
    </Group>
  );
}

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={700}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

export function ClaimData({ claim }: { claim: Claim }) {
  const { clinic } = useSession();
  const d = claim.data;
  const name = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`.trim();
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="claim-data">
      <Title order={2} fz="lg" id="claim-data">
        {t('claims.dataTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {claim.submittedAt ? t('claims.dataHintSubmitted') : t('claims.dataHint')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" verticalSpacing="lg">
        <Block title={t('claims.patient')}>
          <Row label={t('claims.name')} value={name(d.patient)} box="2" />
          <Row label={t('claims.birthDate')} value={formatDate(d.patient.birthDate)} box="3" />
          <Row label={t('claims.sex')} value={t(SEX[d.patient.sex])} />
          <Row label={t('claims.mrn')} value={d.patient.mrn} />
          <Row label={t('claims.address')} value={address(d.patient.address)} box="5" />
        </Block>
        <Block title={t('claims.insured')}>
          <Row label={t('claims.name')} value={name(d.subscriber)} box="4" />
          <Row label={t('claims.memberId')} value={d.subscriber.memberId} box="1a" />
          <Row label={t('claims.group')} value={d.subscriber.groupNumber ?? t('common.none')} box="11" />
          <Row label={t('claims.relationship')} value={t(`claims.relationship.${d.subscriber.relationship}`)} box="6" />
        </Block>
        <Block title={t('claims.payer')}>
          <Row label={t('claims.name')} value={d.payer.name} />
          <Row label={t('claims.payerId')} value={d.payer.payerId} />
          {d.priorPayer && (
            <>
              <Row label={t('claims.primaryPayer')} value={d.priorPayer.name} box="9" />
              <Row label={t('claims.payerId')} value={d.priorPayer.payerId} />
              <Row label={t('claims.memberId')} value={d.priorPayer.memberId} box="9a" />
            </>
          )}
          {d.rank === 'secondary' && (
            <Row label={t('claims.priorPaid')} value={formatCents(d.priorPaidCents, clinic.currency)} box="29" />
          )}
        </Block>
        <Block title={t('claims.billingProvider')}>
          <Row label={t('claims.name')} value={d.billingProvider.name} box="33" />
          <Row label={t('claims.npi')} value={d.billingProvider.npi} box="33a" />
          <Row label={t('claims.taxId')} value={taxId(d.billingProvider.taxId)} box="25" />
          <Row label={t('claims.address')} value={address(d.billingProvider.address)} />
          <Row
            label={t('claims.phone')}
            value={d.billingProvider.phone ? displayPhone(d.billingProvider.phone) : t('common.none')}
          />
        </Block>
        <Block title={t('claims.renderingProvider')}>
          <Row label={t('claims.name')} value={name(d.renderingProvider)} />
          <Row label={t('claims.npi')} value={d.renderingProvider.npi} box="24J" />
        </Block>
        <Block title={t('claims.facility')}>
          <Row label={t('claims.name')} value={d.serviceFacility.name} box="32" />
          <Row label={t('claims.placeOfService')} value={placeOfService(d.serviceFacility.placeOfService)} box="24B" />
          <Row label={t('claims.address')} value={address(d.serviceFacility.address)} />
        </Block>
      </SimpleGrid>
      <Stack gap={6} mt="lg">
        <Text size="sm" fw={700}>
          {t('claims.diagnoses')}{' '}
          <Text span size="xs" c="dimmed" fw={400}>
            ({t('claims.box', { box: '21' })})
          </Text>
        </Text>
        {d.diagnosisCodes.length === 0 ? (
          <Text size="sm" c="red.8" fw={600}>
            {t('claims.missingValue')}
          </Text>
        ) : (
          <Group gap="xs">
            {d.diagnosisCodes.map((code, index) => (
              <Badge key={code} variant="default" radius="sm" size="lg" tt="none" fw={500}>
                <Text span fw={700} size="sm">
                  {LETTERS[index]}
                </Text>{' '}
                <Text span ff="monospace" size="sm">
                  {formatIcd10Code(code)}
                </Text>
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
