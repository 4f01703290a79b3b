import { TextInput, type TextInputProps } from '@mantine/core';
import { t } from '@tend/domain';

type MoneyInputProps = Omit<TextInputProps, 'onChange'> & {
  currency: string;
  onChange?: (value: string) => void;
};

/** An amount typed as 25.00 in the clinic's currency; the caller converts with parseMoneyToCents. */
export function MoneyInput({ currency, onChange, ...props }: MoneyInputProps) {
  return (
    <TextInput
      {...props}
      inputMode="decimal"
      placeholder={props.placeholder ?? t('money.placeholder')}
      leftSection={<span aria-hidden>{currencySymbol(currency)}</span>}
      leftSectionWidth={currencySymbol(currency).length > 1 ? 44 : 32}
      onChange={(event) => onChange?.(event.currentTarget.value)}
    />
  );
}

export function currencySymbol(currency: string): string {
  try {
    const parts = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    }).formatToParts(0);
    return parts.find((part) => part.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}
