import { enAccess } from './en-access';
import { enAmendments } from './en-amendments';
import { enBilling } from './en-billing';
import { enDashboard } from './en-dashboard';
import { enDowntime } from './en-downtime';
import { enEmail } from './en-email';
import { enEmergency } from './en-emergency';
import { enHealth } from './en-health';
import { enMessaging } from './en-messaging';
import { enMfa } from './en-mfa';
import { enOffline } from './en-offline';
import { enReports } from './en-reports';
import { enTraining } from './en-training';
import { enTrainingExercises } from './en-training-exercises';
import { enUi } from './en-ui';

/** English messages. Keys are grouped by area; placeholders are `{name}`. */
export const en = {
  ...enUi,
  ...enAmendments,
  ...enBilling,
  ...enMessaging,
  ...enEmail,
  ...enReports,
  ...enDashboard,
  ...enTraining,
  ...enTrainingExercises,
  ...enDowntime,

  // Requests the server refuses before a route runs (http/errors.ts, http/csrf.ts).
  'error.payloadTooLarge': 'The request is too large: the server accepts at most {limit}.',
  'error.unsupportedMediaType': 'Send the request body as JSON (Content-Type: application/json).',
  'error.malformedJson': 'The request body is not valid JSON; check its syntax.',
  'error.csrfFailed':
    'This change was refused because it did not come from a Tend page of this session. Reload the page and try again.',
  'error.internal':
    'Something went wrong on the server. Please try again; if it keeps happening, tell your administrator.',

  ...enMfa,
  ...enOffline,
  ...enEmergency,
  ...enHealth,
  ...enAccess,
  // Validation — used by the shared zod schemas, so the server and the forms say the same thing.
  'validation.required': 'This field is required.',
  'validation.tooLong': 'Use at most {max} characters.',
  'validation.controlCharacters': 'Remove the invisible control characters from this text.',
  'validation.name': 'Use letters, spaces, apostrophes, hyphens and periods only.',
  'validation.date': 'Enter a real date as YYYY-MM-DD.',
  'validation.birthDateFuture': 'The birth date cannot be in the future.',
  'validation.birthDateTooOld': 'The birth date cannot be before 1900.',
  'validation.dateRange': 'The end date must be on or after the start date.',
  'validation.month': 'Enter a month as YYYY-MM, e.g. 2026-10.',
  'validation.email': 'Enter an email address like name@example.com.',
  'validation.phone': 'Enter a valid phone number, e.g. {example}.',
  'validation.postalCode': 'Enter a valid postal code for {country}, e.g. {example}.',
  'validation.country': 'Use a two-letter country code such as US.',
  'validation.timezone': 'Choose a time zone from the list (e.g. America/New_York).',
  'validation.currency': 'Use a three-letter currency code such as USD.',
  'validation.password': 'Use at least 12 characters.',
  'validation.passwordTooLong': 'Use at most 256 characters.',
  'validation.passwordCommon': 'This password is on a list of commonly used passwords — choose another.',
  'validation.passwordEmail': 'The password must not contain your email address’s name — choose another.',
  'validation.permission': 'Choose a permission from the list.',
  'validation.tokenScopes': 'Choose at least one thing the token may do.',
  'validation.tokenExpiry': 'Choose when the token expires: in 1 to {max} days.',
  'validation.tokenScopeNotAllowed': 'Your role does not allow {scopes}; a token can only do what your role may.',
  'validation.passwordClinic': 'The password must not contain the clinic’s name — choose another.',
  'validation.memberId': 'This member ID does not match {payer}’s format{example}.',
  'validation.memberIdPattern':
    'Use a simple format: letters, digits, classes like [A-Z], \\d for a digit and counts like {6} or {8,9} — no groups, | or back-references, at most three variable-length parts.',
  'validation.npi': 'An NPI is 10 digits with a valid check digit.',
  'validation.taxId': 'A tax ID (EIN) is 9 digits, e.g. 12-3456789.',
  'validation.placeOfService': 'A place of service code is 2 digits (11 for an office).',
  'validation.color': 'Use a color like #228be6.',
  'validation.money': 'Enter an amount like 25.00.',
  'validation.language': 'Use a language code such as en or es.',
  'validation.role': 'Choose one of the roles.',
  'validation.sex': 'Choose female, male, other or unknown.',
  'validation.uuid': 'This is not a valid id.',
  'validation.emergencyPhone': 'An emergency contact needs a phone number.',
  'validation.time': 'Enter a time as HH:MM, e.g. 08:00.',
  'validation.timeOrder': 'The end time must be after the start time.',
  'validation.weekday': 'Choose a weekday from 1 (Monday) to 7 (Sunday).',
  'validation.blocksOverlap': 'This block overlaps another block on the same day.',
  'validation.dateTime': 'Enter a date and time with its offset, e.g. 2026-03-09T08:00:00-05:00.',
  'validation.endAfterStart': 'The end must be after the start.',
  'validation.rangeTooLong': 'Choose a range of at most {days} days.',
  'validation.extraHoursTooLong': 'Extra hours can last at most 24 hours.',
  'validation.minutes': 'Enter a whole number of minutes from {min} to {max}.',
  'validation.coinsurance': 'Coinsurance is a percentage from 0 to 100 (in basis points: 2000 = 20 %).',
  'validation.positiveAmount': 'Enter an amount above zero.',
  'validation.paymentPatient': 'Choose the patient who paid.',
  'validation.paymentPayer': 'Choose the insurer that paid.',
  'validation.overAllocated': 'The allocations add up to more than the payment.',
  'validation.icd10': 'Enter an ICD-10-CM code, e.g. J11.1.',
  'validation.units': 'Units are a whole number from 1 to 99.',
  'validation.pointers': 'Point each service at 1 to 4 different diagnoses of the visit.',
  'validation.pointerMissing': 'The visit has {count} diagnoses; point at one of them.',
  'validation.diagnosisTwice': 'This diagnosis is on the visit already.',
  'validation.tooManyDiagnoses': 'A visit can carry at most 12 diagnoses.',
  'validation.addendumEmpty': 'Write the correction, or add or remove a code.',
  'validation.followUpWhen': 'Give the follow-up a date, or a number of weeks or months.',
  'validation.codeSystem': 'Choose CPT, HCPCS, CDT or the clinic’s own codes.',
  'validation.number': 'Enter a number.',
  'validation.wholeNumber': 'Enter a whole number.',
  'validation.unit': 'Name the unit: {units}.',
  'validation.vital.systolic': 'A systolic pressure must be between 50 and 300 mmHg. Check the reading.',
  'validation.vital.diastolic': 'A diastolic pressure must be between 20 and 200 mmHg. Check the reading.',
  'validation.vital.heartRate': 'A heart rate must be between 20 and 250 per minute. Check the reading.',
  'validation.vital.respiratoryRate': 'A respiratory rate must be between 4 and 80 per minute. Check the reading.',
  'validation.vital.temperatureDc': 'A temperature must be between 30.0 and 45.0 °C (86.0–113.0 °F). Check the unit.',
  'validation.vital.spo2': 'SpO2 must be between 50 and 100 %.',
  'validation.vital.heightMm': 'A height must be between 30 and 250 cm (12–98 in). Check the unit.',
  'validation.vital.weightG': 'A weight must be between 0.5 and 400 kg (1.1–880 lb). Check the unit.',
  'validation.vital.pain': 'A pain score is 0 (none) to 10 (worst).',
  'validation.vital.bpOrder': 'The diastolic pressure must be lower than the systolic. Check the reading.',
  'validation.vital.bpPair': 'Enter both the systolic and the diastolic pressure.',
  'validation.vital.none': 'Enter at least one measurement.',
  'validation.slotGrid': 'Choose a slot grid of 5, 10, 15, 20, 30 or 60 minutes.',
  'validation.seriesEvery': 'Choose how often: every 1 to {max} weeks.',
  'validation.seriesCount': 'Choose between 2 and {max} visits.',
  'validation.seriesRepeat': 'Two visits of the series are at the same time.',
  'validation.overrideReason': 'Give a reason of at least 3 characters for booking outside working hours.',
} as const;
