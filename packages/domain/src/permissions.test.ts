import { describe, expect, it } from 'vitest';
import { can, isRole, PERMISSIONS, type Permission, ROLES } from './permissions';

const permissions = Object.keys(PERMISSIONS) as Permission[];
const rolesWith = (permission: Permission) => ROLES.filter((role) => can(role, permission));

describe('the permission matrix', () => {
  it('keeps clinical notes from the front desk and billing (minimum necessary)', () => {
    for (const role of ['receptionist', 'billing'] as const) {
      expect(can(role, 'clinical.read'), role).toBe(false);
      expect(can(role, 'clinical.write'), role).toBe(false);
    }
    expect(rolesWith('clinical.read')).toEqual(['provider', 'nurse']);
  });

  it('lets only administrators and managers read the audit log', () => {
    expect(rolesWith('audit.read')).toEqual(['admin', 'manager']);
  });

  it('reserves staff, clinic settings and API tokens for administrators', () => {
    for (const permission of [
      'user.manage',
      'clinic.manage',
      'token.manage',
      'backup.manage',
      'provider.manage',
      'location.manage',
    ] as const) {
      expect(rolesWith(permission), permission).toEqual(['admin']);
    }
  });

  it('lets every role look a patient up, but not every role change insurance', () => {
    expect(rolesWith('patient.read')).toEqual([...ROLES]);
    expect(can('provider', 'coverage.write')).toBe(false);
    expect(can('nurse', 'coverage.write')).toBe(false);
    expect(can('receptionist', 'coverage.write')).toBe(true);
    expect(can('billing', 'coverage.write')).toBe(true);
    expect(can('billing', 'patient.write')).toBe(false);
  });

  it('names only real roles', () => {
    for (const permission of permissions) {
      for (const role of PERMISSIONS[permission]) expect(isRole(role), `${permission}: ${role}`).toBe(true);
    }
    expect(isRole('superuser')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
