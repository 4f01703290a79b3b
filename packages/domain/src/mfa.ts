import { z } from 'zod';
import { t } from './i18n';

/** Two-step sign-in (TOTP): enrolment, the second sign-in step, turning it off. */

/** Six digits from the authenticator app; spaces are ignored ("123 456"). */
export const zTotpCode = z
  .string()
  .transform((value) => value.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, { error: () => t('validation.totpCode') }));

/** A recovery code as printed ("abcd-efgh-jkmn-pqrs"); case, spaces and dashes are ignored. */
export const zRecoveryCode = z
  .string()
  .max(64)
  .transform((value) => value.replace(/[\s-]/g, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z2-7]{16}$/, { error: () => t('validation.recoveryCode') }));

export const zMfaSignIn = z
  .object({
    challenge: z.string().min(1).max(200),
    code: zTotpCode.optional(),
    recoveryCode: zRecoveryCode.optional(),
  })
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), {
    error: () => t('validation.mfaCodeOrRecovery'),
    path: ['code'],
  });

/** What `POST /api/auth/sign-in` answers when the password was right and a code is needed. */
export const zMfaChallenge = z.object({
  /** Send back with the code to `POST /api/auth/sign-in/mfa` (valid a few minutes, once). */
  challenge: z.string(),
  expiresAt: z.string(),
});

export const zMfaEnrolment = z.object({
  /** The shared secret in base32, for typing into the app by hand. */
  secret: z.string(),
  /** The `otpauth://totp/…` link the QR code holds. */
  uri: z.string(),
  /** The QR code as an SVG document, made by the server. */
  qrSvg: z.string(),
});

export const zMfaConfirm = z.object({ code: zTotpCode });

export const zMfaDisable = z.object({ password: z.string().min(1).max(200), code: zTotpCode });

export const zRecoveryCodes = z.object({
  /** Shown once: only their hashes are kept. */
  recoveryCodes: z.array(z.string()),
});

export const zMfaStatus = z.object({
  enabled: z.boolean(),
  /** The clinic requires it for this person's role. */
  required: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export type MfaStatus = z.infer<typeof zMfaStatus>;
