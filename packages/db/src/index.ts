export * from './database';
export * from './ids';
export * from './migrate';
export * from './prepared';
export type { StoredEmergencyContact, StoredPhone } from './schema';
export * as schema from './schema';
export * from './snapshot';
