/**
 * The one error type of Tend. Services throw it; the HTTP edge maps `code` to a status
 * (see `httpStatusFor`), and the web client parses the same shape back.
 */
export const ERROR_CODES = {
  validation_failed: 400,
  unauthenticated: 401,
  session_expired: 401,
  invalid_credentials: 401,
  account_locked: 401,
  forbidden: 403,
  /** A signed-in browser's change without the `x-tend-csrf` header matching its `tend_csrf` cookie. */
  csrf_failed: 403,
  /** The clinic requires two-step sign-in for this role and it is not set up yet: only /api/auth/* answers. */
  mfa_enrolment_required: 403,
  /** The two-step sign-in challenge is unknown, used or older than its minutes: sign in with the password again. */
  mfa_challenge_expired: 401,
  /**
   * The patient's record is restricted and the user has no care relationship with the patient:
   * `details.emergencyAccessAvailable` says whether the user may ask for emergency access.
   */
  restricted_record: 403,
  not_found: 404,
  conflict: 409,
  possible_duplicate: 409,
  already_set_up: 409,
  not_set_up: 409,
  /** The provider or room is already booked then; `details.conflictingAppointmentId` names the booking. */
  slot_taken: 409,
  /** The time is outside the provider's working hours; a manager or receptionist may override with a reason. */
  outside_availability: 409,
  /** The patient already has an appointment at an overlapping time; confirm with `allowPatientOverlap`. */
  patient_overlap: 409,
  /**
   * The time is held for a waitlist patient who was offered it (until `details.holdUntil`); the
   * front desk can release the hold: POST /api/waitlist/offers/{details.offerId}/release.
   */
  slot_held: 409,
  /** A payment with this reference is posted already: nothing is counted twice. */
  duplicate_payment: 409,
  /** The body is larger than the server accepts (1 MiB for the API). */
  payload_too_large: 413,
  /** The body is not JSON (`Content-Type: application/json`). */
  unsupported_media_type: 415,
  /** The body says it is JSON but cannot be parsed. */
  malformed_json: 400,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** Dotted path of the offending field, e.g. `address.postalCode`. */
  path: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields: FieldError[];
    /** Extra data some codes carry, e.g. the candidates of `possible_duplicate`. */
    details?: unknown;
  };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { fields?: FieldError[]; details?: unknown } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields ?? [];
    this.details = options.details;
  }

  get status(): number {
    return httpStatusFor(this.code);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message, fields: this.fields } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }

  static validation(fields: FieldError[], message = 'Some fields need attention.'): AppError {
    return new AppError('validation_failed', message, { fields });
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found.`);
  }

  static forbidden(message = 'Your role does not allow this action.'): AppError {
    return new AppError('forbidden', message);
  }
}

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code] ?? 500;
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}
