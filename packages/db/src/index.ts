export * from './database';
export * from './ids';
export * from './migrate';
export * as schema from './schema';
export type { StoredEmergencyContact, StoredPhone } from './schema';
