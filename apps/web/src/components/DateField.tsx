import { TextInput, type TextInputProps } from '@mantine/core';
import { IconCalendar } from '@tabler/icons-react';
import { t } from '@tend/domain';
import type { FocusEvent } from 'react';
import { useOptionalSession } from '../auth/session';

type DateFieldProps = Omit<TextInputProps, 'onChange'> & {
  onChange?: (value: string) => void;
};

/**
 * A calendar date typed as YYYY-MM-DD. Also accepts 3/4/1985 (month first in the US, day first
 * elsewhere) and rewrites it to 1985-03-04 when the field is left.
 */
export function DateField({ onChange, onBlur, description, ...props }: DateFieldProps) {
  const session = useOptionalSession();
  const dayFirst = session ? session.clinic.country !== 'US' : false;
  const handleBlur = (event: FocusEvent<HTMLInputElement>) => {
    const normalized = normalizeDate(event.currentTarget.value, dayFirst);
    if (normalized !== event.currentTarget.value) onChange?.(normalized);
    onBlur?.(event);
  };
  return (
    <TextInput
      {...props}
      placeholder={props.placeholder ?? t('date.placeholder')}
      description={description}
      inputMode="numeric"
      autoComplete="off"
      leftSection={<IconCalendar size={16} aria-hidden />}
      onChange={(event) => onChange?.(event.currentTarget.value)}
      onBlur={handleBlur}
    />
  );
}

export function normalizeDate(value: string, dayFirst: boolean): string {
  const trimmed = value.trim();
  const slashed = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (slashed) {
    const [a, b, year] = [slashed[1].padStart(2, '0'), slashed[2].padStart(2, '0'), slashed[3]];
    const [month, day] = dayFirst ? [b, a] : [a, b];
    return `${year}-${month}-${day}`;
  }
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return trimmed;
}
