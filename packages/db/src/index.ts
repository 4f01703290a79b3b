export * from './database';
export * from './ids';
export * from './migrate';
export * from './snapshot';
export type { StoredEmergencyContact, StoredPhone } from './schema';
export * as schema from './schema';
