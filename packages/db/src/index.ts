export * from './database';
export * from './ids';
export * from './migrate';
export type { StoredEmergencyContact, StoredPhone } from './schema';
export * as schema from './schema';
export * from './snapshot';
