import type { FormErrors } from '@mantine/form';
import {
  type CONTACT_METHODS,
  checkPatientInClinic,
  type Patient,
  type Phone,
  type SEXES,
  zPatientCreate,
} from '@tend/domain';
import { type AddressValues, addressFromApi, addressToInput, emptyAddress } from '../components/AddressFields';
import { orNull, zodValidator } from '../components/form';

/** The patient form's values (what the inputs hold) and their conversions to and from the API. */

export type Sex = (typeof SEXES)[number];
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export interface PatientFormValues {
  givenName: string;
  familyName: string;
  preferredName: string;
  birthDate: string;
  sex: Sex | '';
  mobilePhone: string;
  homePhone: string;
  workPhone: string;
  /** Further numbers the patient has (kept as they are; the form edits one per kind). */
  otherPhones: Phone[];
  email: string;
  preferredContactMethod: ContactMethod | '';
  preferredLanguage: string;
  address: AddressValues;
  emergencyContact: { name: string; relationship: string; phone: string };
  frontDeskNotes: string;
}

type PhoneField = 'mobilePhone' | 'homePhone' | 'workPhone';
const PHONE_FIELDS: Array<{ field: PhoneField; use: Phone['use'] }> = [
  { field: 'mobilePhone', use: 'mobile' },
  { field: 'homePhone', use: 'home' },
  { field: 'workPhone', use: 'work' },
];

export function emptyPatientValues(country: string): PatientFormValues {
  return {
    givenName: '',
    familyName: '',
    preferredName: '',
    birthDate: '',
    sex: '',
    mobilePhone: '',
    homePhone: '',
    workPhone: '',
    otherPhones: [],
    email: '',
    preferredContactMethod: '',
    preferredLanguage: '',
    address: emptyAddress(country),
    emergencyContact: { name: '', relationship: '', phone: '' },
    frontDeskNotes: '',
  };
}

export function patientToValues(patient: Patient, country: string): PatientFormValues {
  const values = emptyPatientValues(country);
  const used = new Set<number>();
  for (const { field, use } of PHONE_FIELDS) {
    const index = patient.phones.findIndex((p, i) => p.use === use && !used.has(i));
    if (index >= 0) {
      used.add(index);
      values[field] = patient.phones[index].number;
    }
  }
  return {
    ...values,
    givenName: patient.givenName,
    familyName: patient.familyName,
    preferredName: patient.preferredName ?? '',
    birthDate: patient.birthDate,
    sex: patient.sex,
    otherPhones: patient.phones.filter((_, i) => !used.has(i)),
    email: patient.email ?? '',
    preferredContactMethod: patient.preferredContactMethod ?? '',
    preferredLanguage: patient.preferredLanguage ?? '',
    address: addressFromApi(patient.address, country),
    emergencyContact: {
      name: patient.emergencyContact?.name ?? '',
      relationship: patient.emergencyContact?.relationship ?? '',
      phone: patient.emergencyContact?.phone ?? '',
    },
    frontDeskNotes: patient.frontDeskNotes ?? '',
  };
}

/** The phone numbers in order (the first is the primary one), with the field each came from. */
function phoneEntries(values: PatientFormValues): Array<Phone & { field: string }> {
  const entries: Array<Phone & { field: string }> = [];
  for (const { field, use } of PHONE_FIELDS) {
    if (values[field].trim()) entries.push({ use, number: values[field].trim(), field });
  }
  values.otherPhones.forEach((phone, i) => {
    entries.push({ ...phone, field: `otherPhones.${i}.number` });
  });
  return entries;
}

/** The API body (zPatientCreate's input; also a complete PATCH). All numbers go in `phones`. */
export function patientToInput(values: PatientFormValues) {
  const contact = values.emergencyContact;
  const hasContact = [contact.name, contact.relationship, contact.phone].some((v) => v.trim());
  return {
    givenName: values.givenName,
    familyName: values.familyName,
    preferredName: orNull(values.preferredName),
    birthDate: values.birthDate,
    sex: values.sex,
    phones: phoneEntries(values).map(({ use, number }) => ({ use, number })),
    email: values.email.trim(),
    address: addressToInput(values.address),
    preferredContactMethod: values.preferredContactMethod || null,
    preferredLanguage: values.preferredLanguage || null,
    emergencyContact: hasContact
      ? { name: contact.name, relationship: orNull(contact.relationship), phone: contact.phone }
      : null,
    frontDeskNotes: orNull(values.frontDeskNotes),
  };
}

/** Maps an API error path (`phones.1.number`) to the form field it came from (`homePhone`). */
export function patientPathMapper(values: PatientFormValues): (path: string) => string {
  const entries = phoneEntries(values);
  return (path) => {
    const match = /^phones\.(\d+)(\.number)?$/.exec(path);
    if (match) return entries[Number(match[1])]?.field ?? 'mobilePhone';
    if (path === 'phone') return 'mobilePhone';
    return path;
  };
}

/** The same checks as the server: the zod schema, then the clinic's phone format and today. */
export function patientValidator(clinic: { country: string; today: () => string }) {
  return (values: PatientFormValues): FormErrors =>
    zodValidator(zPatientCreate, patientToInput, {
      mapPath: patientPathMapper(values),
      // After the schema's own messages (the first message of a field wins).
      extra: (input) => checkPatientInClinic(input, { country: clinic.country, today: clinic.today() }).errors,
    })(values);
}
