import { Radio, SimpleGrid, Text } from '@mantine/core';
import { type Provider, t } from '@tend/domain';
import type { Slot } from './api';
import { providerName } from './shared';
import { shortDate, zoned } from './time';

export function slotKey(slot: Slot): string {
  return `${slot.providerId}|${slot.start}`;
}

/** Open slots to choose one from, each "Tue, Mar 3 08:00 with Dr Lee". */
export function SlotPicker({
  slots,
  providers,
  timezone,
  value,
  onChange,
  label,
  showProvider = true,
}: {
  slots: Slot[];
  providers: Provider[];
  timezone: string;
  value: string | null;
  onChange: (key: string) => void;
  label: string;
  /** Name the provider on each time (several providers); otherwise only the time. */
  showProvider?: boolean;
}) {
  if (slots.length === 0) {
    return (
      <Text size="sm" c="dimmed" role="status">
        {t('schedule.noSlots')}
      </Text>
    );
  }
  const days = new Set(slots.map((slot) => zoned(slot.start, timezone).date));
  const oneDay = days.size === 1 ? [...days][0] : null;
  return (
    <Radio.Group label={oneDay ? `${label} · ${shortDate(oneDay)}` : label} value={value} onChange={onChange}>
      <SimpleGrid cols={showProvider ? { base: 1, sm: 2 } : { base: 3, sm: 5 }} spacing="xs" mt="xs">
        {slots.map((slot) => {
          const at = zoned(slot.start, timezone);
          const provider = providers.find((p) => p.id === slot.providerId);
          return (
            <Radio.Card key={slotKey(slot)} value={slotKey(slot)} p="xs" radius="md">
              <Radio.Indicator size="xs" style={{ display: 'inline-flex', verticalAlign: 'middle', marginRight: 8 }} />
              <Text span size="sm" fw={600}>
                {oneDay ? at.time : `${shortDate(at.date)} ${at.time}`}
              </Text>
              {showProvider && (
                <Text span size="sm">
                  {' '}
                  {t('schedule.slotWith', { provider: providerName(provider) })}
                </Text>
              )}
              {slot.outside && (
                <Text span size="sm" c="orange.9">
                  {' · '}
                  {t('schedule.outsideHours')}
                </Text>
              )}
            </Radio.Card>
          );
        })}
      </SimpleGrid>
    </Radio.Group>
  );
}
