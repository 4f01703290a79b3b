import { z } from 'zod';
import { t } from './i18n';
import { isRole, PERMISSIONS, type Permission, ROLES } from './permissions';
import {
  isValidPostalCode,
  postalCodeRule,
  zColor,
  zCountry,
  zCurrency,
  zEmail,
  zOptionalText,
  zPassword,
  zRequiredText,
  zText,
  zTimeZone,
} from './validation';

/** Clinic (tenant), its locations, providers and staff accounts. */

export const zAddress = z
  .object({
    line1: zRequiredText(200),
    line2: zOptionalText(200),
    city: zRequiredText(100),
    region: zOptionalText(100),
    postalCode: zRequiredText(20),
    country: zCountry,
  })
  .superRefine((address, ctx) => {
    if (!isValidPostalCode(address.postalCode, address.country)) {
      const rule = postalCodeRule(address.country);
      ctx.addIssue({
        code: 'custom',
        path: ['postalCode'],
        message: t('validation.postalCode', { country: address.country, example: rule.example }),
      });
    }
  });
export type Address = z.infer<typeof zAddress>;

/**
 * An address as stored and returned. Response schemas describe data only: the input schema's
 * transforms cannot run backwards when the server serialises a response.
 */
export const zStoredAddress = z.object({
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postalCode: z.string(),
  country: z.string(),
});

const zRoleName = z.enum(ROLES, { error: () => t('validation.role') });

export const zIdleTimeoutMinutes = z.number().int().min(1).max(240);

/** Open slots start every this many minutes of local time. */
export const SLOT_GRID_CHOICES = [5, 10, 15, 20, 30, 60] as const;
export const zSlotGridMinutes = z.literal(SLOT_GRID_CHOICES, { error: () => t('validation.slotGrid') });

/** A local time of day for quiet hours. */
const zQuietTime = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: () => t('validation.quietHours') });

export const zClinicSetup = z.object({
  clinicName: zRequiredText(200),
  timezone: zTimeZone,
  currency: zCurrency.default('USD'),
  country: zCountry.default('US'),
  address: zAddress.nullish().transform((v) => v ?? null),
  adminName: zRequiredText(200).default('Administrator'),
  adminEmail: zEmail,
  adminPassword: zPassword,
  /** Needed only from another computer than Tend's own: `tend start` prints it on its console. */
  setupCode: z.string().max(40).nullish(),
});
export type ClinicSetupInput = z.input<typeof zClinicSetup>;

export const zClinicSettingsPatch = z
  .object({
    name: zRequiredText(200),
    timezone: zTimeZone,
    currency: zCurrency,
    country: zCountry,
    address: zAddress.nullable(),
    idleTimeoutMinutes: zIdleTimeoutMinutes,
    slotGridMinutes: zSlotGridMinutes,
    /** How vitals are shown: °F, lb, in ('us') or °C, kg, cm ('metric'); always stored metric. */
    unitSystem: z.enum(['us', 'metric']),
    /** The clinic's (group) NPI as billing provider on claims (box 33a). */
    billingNpi: zOptionalText(10).refine((v) => v === null || isValidNpi(v), { error: () => t('validation.npi') }),
    /** Employer identification number on claims (box 25): 9 digits, stored without the dash. */
    taxId: zOptionalText(10)
      .transform((v) => (v === null ? null : v.replace(/-/g, '')))
      .refine((v) => v === null || /^\d{9}$/.test(v), { error: () => t('validation.taxId') }),
    phone: zOptionalText(40),
    /**
     * No texts between these local times (the range may cross midnight, e.g. 21:00–08:00); a
     * text due then waits until the end. The same time twice means no quiet hours.
     */
    quietHoursStart: zQuietTime,
    quietHoursEnd: zQuietTime,
    /** When time frees up, offer it to the first waiting patient it suits (email or text, with a link). */
    waitlistOffersEnabled: z.boolean(),
    /** How long an offered time is held for the patient. */
    waitlistHoldMinutes: z
      .number()
      .int()
      .min(5, { error: () => t('validation.waitlistHold') })
      .max(1440, { error: () => t('validation.waitlistHold') }),
    /** Freed time starting sooner than this is not offered. */
    waitlistOfferLeadMinutes: z
      .number()
      .int()
      .min(0, { error: () => t('validation.waitlistLead') })
      .max(10080, { error: () => t('validation.waitlistLead') }),
    /** Reports: an appointment started within this many minutes of its scheduled start is on time. */
    onTimeGraceMinutes: z
      .number()
      .int()
      .min(0, { error: () => t('validation.graceMinutes') })
      .max(120, { error: () => t('validation.graceMinutes') }),
    /** Reports: a cancellation less than this many hours before the start is late. */
    lateCancelHours: z
      .number()
      .int()
      .min(0, { error: () => t('validation.lateCancelHours') })
      .max(168, { error: () => t('validation.lateCancelHours') }),
    /** The roles that must use two-step sign-in (every role = all staff). */
    mfaRequiredRoles: z
      .array(zRoleName)
      .max(ROLES.length * 2)
      .transform((roles) => ROLES.filter((role) => roles.includes(role))),
    /** How long an emergency ("break the glass") grant to a restricted record lasts. */
    emergencyAccessMinutes: z
      .number()
      .int()
      .min(5, { error: () => t('validation.emergencyAccessMinutes') })
      .max(720, { error: () => t('validation.emergencyAccessMinutes') }),
  })
  .partial();

export const zClinic = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  currency: z.string(),
  country: z.string(),
  address: zStoredAddress.nullable(),
  idleTimeoutMinutes: z.number(),
  slotGridMinutes: z.number(),
  unitSystem: z.enum(['us', 'metric']),
  billingNpi: z.string().nullable(),
  taxId: z.string().nullable(),
  phone: z.string().nullable(),
  quietHoursStart: z.string(),
  quietHoursEnd: z.string(),
  waitlistOffersEnabled: z.boolean(),
  waitlistHoldMinutes: z.number(),
  waitlistOfferLeadMinutes: z.number(),
  onTimeGraceMinutes: z.number(),
  lateCancelHours: z.number(),
  mfaRequiredRoles: z.array(z.enum(ROLES)),
  emergencyAccessMinutes: z.number(),
  /** A training clinic (mock data; messages never leave). */
  isTraining: z.boolean(),
  /** The real clinic a training clinic belongs to (null: the stand-alone one of a fresh install). */
  trainingOf: z.string().nullable(),
});
export type Clinic = z.infer<typeof zClinic>;

// ---- Staff accounts -----------------------------------------------------------------------

export const zRole = zRoleName;

export const zUserCreate = z.object({
  email: zEmail,
  name: zRequiredText(200),
  role: zRole,
  password: zPassword,
});

export const zUserPatch = z
  .object({
    name: zRequiredText(200),
    role: zRole,
    active: z.boolean(),
    password: zPassword,
  })
  .partial();

export const zUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: zRole,
  active: z.boolean(),
  lockedUntil: z.string().nullable(),
  /** Two-step sign-in is on for this account. */
  mfaEnabled: z.boolean(),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof zUser>;

export { isRole };

// ---- Providers ----------------------------------------------------------------------------

/** NPI check digit: Luhn over "80840" + the first nine digits. */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(npi[9]);
}

const zNpi = zOptionalText(10).refine((v) => v === null || isValidNpi(v), { error: () => t('validation.npi') });

export const zProviderCreate = z.object({
  name: zRequiredText(200),
  title: zOptionalText(50),
  credentials: zOptionalText(100),
  npi: zNpi,
  color: zColor.default('#228be6'),
  userId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
});
// No default colour in a patch: a change that does not mention the colour must not reset it.
export const zProviderPatch = zProviderCreate
  .extend({ color: zColor })
  .partial()
  .extend({ active: z.boolean().optional() });

export const zProvider = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  credentials: z.string().nullable(),
  npi: z.string().nullable(),
  color: z.string(),
  userId: z.string().nullable(),
  active: z.boolean(),
});
export type Provider = z.infer<typeof zProvider>;

// ---- Locations ----------------------------------------------------------------------------

export const zLocationCreate = z.object({
  name: zRequiredText(200),
  address: zAddress.nullish().transform((v) => v ?? null),
  timezone: zTimeZone,
  phone: zOptionalText(40),
  /** CMS place of service code for claims (11 = office, 02 = telehealth…). */
  placeOfService: z
    .string()
    .regex(/^\d{2}$/, { error: () => t('validation.placeOfService') })
    .default('11'),
});
export const zLocationPatch = zLocationCreate.partial().extend({ active: z.boolean().optional() });

export const zLocation = z.object({
  id: z.string(),
  name: z.string(),
  address: zStoredAddress.nullable(),
  timezone: z.string(),
  phone: z.string().nullable(),
  placeOfService: z.string(),
  active: z.boolean(),
});
export type Location = z.infer<typeof zLocation>;

// ---- API tokens ---------------------------------------------------------------------------

/** The longest an API token may live: a forgotten token must stop working by itself. */
export const MAX_TOKEN_DAYS = 365;

export const zPermission = z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]], {
  error: () => t('validation.permission'),
});

export const zTokenCreate = z.object({
  name: zText(100).default('API token'),
  /** What the token may do: a non-empty subset of the owner's role's permissions. */
  scopes: z
    .array(zPermission, { error: () => t('validation.tokenScopes') })
    .min(1, { error: () => t('validation.tokenScopes') })
    .transform((scopes) => [...new Set(scopes)]),
  expiresInDays: z
    .number({ error: () => t('validation.tokenExpiry', { max: MAX_TOKEN_DAYS }) })
    .int({ error: () => t('validation.tokenExpiry', { max: MAX_TOKEN_DAYS }) })
    .min(1, { error: () => t('validation.tokenExpiry', { max: MAX_TOKEN_DAYS }) })
    .max(MAX_TOKEN_DAYS, { error: () => t('validation.tokenExpiry', { max: MAX_TOKEN_DAYS }) }),
});

export const zApiToken = z.object({
  id: z.string(),
  name: z.string(),
  userId: z.string(),
  userEmail: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  scopes: z.array(z.string()),
});
export type ApiToken = z.infer<typeof zApiToken>;
