import { Select, type SelectProps } from '@mantine/core';
import { t } from '@tend/domain';
import { useMemo } from 'react';

/** Searchable pickers for time zones, countries, currencies and languages. */

type PickerProps = Omit<SelectProps, 'data' | 'onChange'> & { onChange?: (value: string) => void };

function Picker({ onChange, data, ...props }: PickerProps & { data: { value: string; label: string }[] }) {
  return (
    <Select
      searchable
      allowDeselect={false}
      nothingFoundMessage={t('common.nothingFound')}
      maxDropdownHeight={280}
      limit={500}
      {...props}
      data={data}
      onChange={(value) => onChange?.(value ?? '')}
    />
  );
}

/** A searchable choice that may be left empty (a filter, an optional link): it can be cleared. */
export function OptionalSelect(props: SelectProps) {
  return <Select searchable clearable allowDeselect nothingFoundMessage={t('common.nothingFound')} {...props} />;
}

export function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : [...zones, 'UTC'];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function TimeZoneSelect(props: PickerProps) {
  const data = useMemo(() => {
    const zones = timeZones();
    const value = typeof props.value === 'string' ? props.value : '';
    const all = value && !zones.includes(value) ? [value, ...zones] : zones;
    return all.map((zone) => ({ value: zone, label: zone }));
  }, [props.value]);
  return <Picker {...props} data={data} />;
}

/** Pseudo-regions Intl knows that are not countries. */
// 'UK' is only reserved for the United Kingdom; its ISO code is GB.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ', 'AA', 'UK']);

export function countryOptions(): { value: string; label: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const options: { value: string; label: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        name = undefined;
      }
      if (name && name !== code && !name.startsWith('Unknown'))
        options.push({ value: code, label: `${name} (${code})` });
    }
  }
  return options.sort((x, y) => x.label.localeCompare(y.label));
}

export function CountrySelect(props: PickerProps) {
  const data = useMemo(countryOptions, []);
  return <Picker {...props} data={data} />;
}

export function CurrencySelect(props: PickerProps) {
  const data = useMemo(() => {
    const names = new Intl.DisplayNames(['en'], { type: 'currency', fallback: 'none' });
    const codes = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['USD'];
    return codes.map((code) => {
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        name = undefined;
      }
      return { value: code, label: name ? `${code} — ${name}` : code };
    });
  }, []);
  return <Picker {...props} data={data} />;
}

/** Languages a clinic's patients commonly prefer; the code is what the API stores. */
const LANGUAGES = [
  'en',
  'es',
  'zh',
  'vi',
  'tl',
  'ar',
  'fr',
  'ht',
  'ko',
  'ru',
  'pt',
  'de',
  'it',
  'pl',
  'hi',
  'ja',
  'fa',
  'ur',
  'bn',
  'so',
  'nl',
  'uk',
  'el',
  'he',
  'tr',
  'sw',
  'am',
  'hmn',
  'km',
  'lo',
  'ne',
  'pa',
  'ta',
  'te',
  'gu',
  'ase',
];

export function LanguageSelect(props: PickerProps) {
  const data = useMemo(() => {
    const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
    const value = typeof props.value === 'string' ? props.value : '';
    const codes = value && !LANGUAGES.includes(value) ? [value, ...LANGUAGES] : LANGUAGES;
    return codes
      .map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }))
      .sort((x, y) => x.label.localeCompare(y.label));
  }, [props.value]);
  return <Picker clearable allowDeselect {...props} data={data} />;
}
