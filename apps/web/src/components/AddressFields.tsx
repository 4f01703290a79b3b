import { SimpleGrid, TextInput } from '@mantine/core';
import type { GetInputPropsReturnType } from '@mantine/form';
import { type Address, postalCodeRule, t } from '@tend/domain';
import { orNull } from './form';
import { CountrySelect } from './selects';

/** A postal address as the form holds it (strings), and its conversions to and from the API. */
export interface AddressValues {
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export function emptyAddress(country: string): AddressValues {
  return { line1: '', line2: '', city: '', region: '', postalCode: '', country };
}

export function addressFromApi(address: Address | null | undefined, defaultCountry: string): AddressValues {
  if (!address) return emptyAddress(defaultCountry);
  return {
    line1: address.line1,
    line2: address.line2 ?? '',
    city: address.city,
    region: address.region ?? '',
    postalCode: address.postalCode,
    country: address.country,
  };
}

/** No address at all when every line is empty (the country alone is not an address). */
export function addressToInput(values: AddressValues) {
  const { line1, line2, city, region, postalCode } = values;
  if (![line1, line2, city, region, postalCode].some((v) => v.trim())) return null;
  return {
    line1: line1.trim(),
    line2: orNull(line2),
    city: city.trim(),
    region: orNull(region),
    postalCode: postalCode.trim(),
    country: values.country,
  };
}

export function formatAddress(address: Address | null | undefined): string[] {
  if (!address) return [];
  const cityLine = [address.city, [address.region, address.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return [address.line1, address.line2 ?? '', cityLine, address.country].filter(Boolean);
}

interface AddressFieldsProps {
  /** `getInputProps` for one field of the address, e.g. `(f) => form.getInputProps(\`address.${f}\`)`. */
  field: (name: keyof AddressValues) => GetInputPropsReturnType;
  country: string;
  disabled?: boolean;
  /** Hide the country when it is fixed elsewhere (the clinic's own address at setup). */
  withCountry?: boolean;
}

export function AddressFields({ field, country, disabled, withCountry = true }: AddressFieldsProps) {
  const rule = postalCodeRule(country || 'US');
  return (
    <>
      <TextInput label={t('address.line1')} autoComplete="off" disabled={disabled} {...field('line1')} />
      <TextInput label={t('address.line2')} autoComplete="off" disabled={disabled} {...field('line2')} />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <TextInput label={t('address.city')} disabled={disabled} {...field('city')} />
        <TextInput label={t('address.region')} disabled={disabled} {...field('region')} />
        <TextInput
          label={t('address.postalCode')}
          placeholder={t('common.example', { example: rule.example })}
          disabled={disabled}
          {...field('postalCode')}
        />
      </SimpleGrid>
      {withCountry && <CountrySelect label={t('address.country')} disabled={disabled} {...field('country')} />}
    </>
  );
}
