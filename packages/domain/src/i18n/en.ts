import { enUi } from './en-ui';

/** English messages. Keys are grouped by area; placeholders are `{name}`. */
export const en = {
  ...enUi,
  // Validation — used by the shared zod schemas, so the server and the forms say the same thing.
  'validation.required': 'This field is required.',
  'validation.tooLong': 'Use at most {max} characters.',
  'validation.name': 'Use letters, spaces, apostrophes, hyphens and periods only.',
  'validation.date': 'Enter a real date as YYYY-MM-DD.',
  'validation.birthDateFuture': 'The birth date cannot be in the future.',
  'validation.birthDateTooOld': 'The birth date cannot be before 1900.',
  'validation.dateRange': 'The end date must be on or after the start date.',
  'validation.email': 'Enter an email address like name@example.com.',
  'validation.phone': 'Enter a valid phone number, e.g. {example}.',
  'validation.postalCode': 'Enter a valid postal code for {country}, e.g. {example}.',
  'validation.country': 'Use a two-letter country code such as US.',
  'validation.timezone': 'Choose a time zone from the list (e.g. America/New_York).',
  'validation.currency': 'Use a three-letter currency code such as USD.',
  'validation.password': 'Use at least 12 characters.',
  'validation.memberId': 'This member ID does not match {payer}’s format{example}.',
  'validation.memberIdPattern': 'This is not a valid pattern (regular expression).',
  'validation.npi': 'An NPI is 10 digits with a valid check digit.',
  'validation.color': 'Use a color like #228be6.',
  'validation.money': 'Enter an amount like 25.00.',
  'validation.language': 'Use a language code such as en or es.',
  'validation.role': 'Choose one of the roles.',
  'validation.sex': 'Choose female, male, other or unknown.',
  'validation.uuid': 'This is not a valid id.',
  'validation.emergencyPhone': 'An emergency contact needs a phone number.',
} as const;
