import type { ClaimDataSet } from '@tend/domain';

/**
 * Sample CMS-1500 data sets for tests of the 837P and the printed form: an adult billed to her own
 * primary plan (two lines, modifiers), and her child billed to the secondary plan of the child's
 * father after the primary paid part. NPIs pass the NPI check digit; everything else is made up.
 */

const clinic: ClaimDataSet['billingProvider'] = {
  name: 'Harbor Family Clinic',
  npi: '1234567893',
  taxId: '123456789',
  address: {
    line1: '400 Harbor Street',
    line2: 'Suite 2',
    city: 'Portland',
    region: 'ME',
    postalCode: '04101-3520',
    country: 'US',
  },
  phone: '(207) 555-0142',
};

const renderingProvider: ClaimDataSet['renderingProvider'] = {
  givenName: 'Ana',
  familyName: 'Lopez',
  npi: '1245319599',
};

const serviceFacility: ClaimDataSet['serviceFacility'] = {
  name: 'Harbor Family Clinic - Main Street',
  address: {
    line1: '12 Main Street',
    line2: null,
    city: 'Portland',
    region: 'ME',
    postalCode: '041012200',
    country: 'US',
  },
  placeOfService: '11',
};

const mariaAddress = {
  line1: '77 Pine Road',
  line2: null,
  city: 'South Portland',
  region: 'ME',
  postalCode: '04106',
  country: 'US',
};

/** Maria Santos, the subscriber herself, on her primary plan: a visit with modifier 25 and a rapid strep test. */
export const adultPrimaryClaim: ClaimDataSet = {
  controlNumber: 'C1001',
  rank: 'primary',
  billingProvider: clinic,
  renderingProvider,
  serviceFacility,
  payer: { name: 'Blue Harbor Health', payerId: 'BHH01' },
  subscriber: {
    memberId: 'XYZ123456789',
    groupNumber: 'GRP5521',
    givenName: 'Maria',
    familyName: 'Santos',
    birthDate: '1986-04-12',
    sex: 'F',
    address: mariaAddress,
    relationship: 'self',
  },
  patient: {
    givenName: 'Maria',
    familyName: 'Santos',
    birthDate: '1986-04-12',
    sex: 'F',
    address: mariaAddress,
    phone: '207-555-0199',
    mrn: 'MRN-000412',
  },
  diagnosisCodes: ['J029', 'R509', 'R051'],
  lines: [
    {
      lineNumber: 1,
      chargeId: 'charge-1',
      serviceDate: '2026-11-20',
      codeSystem: 'CPT',
      code: '99213',
      modifiers: ['25'],
      description: 'Office visit, established patient, low complexity',
      units: 1,
      chargeCents: 12_500,
      diagnosisPointers: [1, 2, 3],
    },
    {
      lineNumber: 2,
      chargeId: 'charge-2',
      serviceDate: '2026-11-20',
      codeSystem: 'CPT',
      code: '87880',
      modifiers: ['QW', '59'],
      description: 'Rapid strep test',
      units: 1,
      chargeCents: 3_550,
      diagnosisPointers: [1],
    },
  ],
  totalCents: 16_050,
  priorPaidCents: 0,
  priorPayer: null,
};

/** Leo Santos, a child, on his father's secondary plan, after the primary paid $80.00. */
export const childSecondaryClaim: ClaimDataSet = {
  controlNumber: 'C1002',
  rank: 'secondary',
  billingProvider: clinic,
  renderingProvider,
  serviceFacility,
  payer: { name: 'Evergreen Mutual', payerId: 'EVG77' },
  subscriber: {
    memberId: 'EVM-998877',
    groupNumber: null,
    givenName: 'Daniel',
    familyName: 'Santos',
    birthDate: '1984-09-30',
    sex: 'M',
    address: mariaAddress,
    relationship: 'child',
  },
  patient: {
    givenName: 'Leo',
    familyName: 'Santos',
    birthDate: '2019-06-03',
    sex: 'M',
    address: mariaAddress,
    phone: null,
    mrn: 'MRN-000413',
  },
  diagnosisCodes: ['Z00129'],
  lines: [
    {
      lineNumber: 1,
      chargeId: 'charge-3',
      serviceDate: '2026-11-21',
      codeSystem: 'CPT',
      code: '99392',
      modifiers: [],
      description: 'Preventive visit, established patient, age 1-4',
      units: 1,
      chargeCents: 15_000,
      diagnosisPointers: [1],
    },
  ],
  totalCents: 15_000,
  priorPaidCents: 8_000,
  priorPayer: { name: 'Harbor Health Plan', payerId: 'HHP01', memberId: 'HHP-554433', groupNumber: 'G-7781' },
};

/** A claim of another clinic (another billing provider), for grouping under 2000A. */
export const otherClinicClaim: ClaimDataSet = {
  ...adultPrimaryClaim,
  controlNumber: 'C2001',
  billingProvider: {
    name: 'Bayside Pediatrics',
    npi: '1326047580',
    taxId: '987654321',
    address: { line1: '9 Bay Road', line2: null, city: 'Bath', region: 'ME', postalCode: '045301111', country: 'US' },
    phone: null,
  },
};
