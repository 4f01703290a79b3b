import { readFileSync } from 'node:fs';
import { AppError, t } from '@tend/domain';

/**
 * The password rules beyond length (zPassword: 12–256 characters): not a commonly used password,
 * not the person's email name, not the clinic's name. Server side only — the list stays out of the
 * web bundle; the forms show the server's field error.
 */

/** Lower-cased common passwords (`common-passwords.txt`: its source and licence are in its header). */
let commonPasswords: Set<string> | undefined;

function commonPasswordSet(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('# '))
      .map((line) => line.toLowerCase()),
  );
  return commonPasswords;
}

/**
 * A password is common when it is on the list, or is a listed word with digits and symbols added
 * before or after it ("Password2024!", "!!dragon123456"), or one short piece repeated ("abcabcabcabc").
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswordSet();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length >= 4 && list.has(core)) return true;
  return /^(.{1,4})\1+$/su.test(lower);
}

/** Letters and digits only, lower-cased: "Sunny-Side Clinic" and "sunnysideclinic" are the same name. */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Refuses a weak password with a field error on `field` (the form's password input). `email` is
 * the account's; `clinicName` the clinic's. Names of fewer than 4 letters are not checked (an
 * email "al@…" would refuse every password containing "al").
 */
export function checkPasswordPolicy(
  password: string,
  about: { email: string; clinicName: string },
  field = 'password',
): void {
  const refuse = (message: string) => {
    throw AppError.validation([{ path: field, message }]);
  };
  if (isCommonPassword(password)) refuse(t('validation.passwordCommon'));
  const squashed = squash(password);
  const localPart = squash(about.email.split('@')[0] ?? '');
  if (localPart.length >= 4 && squashed.includes(localPart)) refuse(t('validation.passwordEmail'));
  const clinic = squash(about.clinicName);
  if (clinic.length >= 4 && squashed.includes(clinic)) refuse(t('validation.passwordClinic'));
}
