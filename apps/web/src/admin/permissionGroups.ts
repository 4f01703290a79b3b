import { PERMISSIONS, type Permission } from '@tend/domain';

export const PERMISSION_GROUPS = ['patients', 'clinical', 'scheduling', 'billing', 'administration'] as const;
export type PermissionGroup = (typeof PERMISSION_GROUPS)[number];

/** The area of the matrix a permission belongs to, by the first part of its name. */
const GROUP_OF_AREA: Record<string, PermissionGroup> = {
  patient: 'patients',
  coverage: 'patients',
  payer: 'patients',
  clinical: 'clinical',
  emergency: 'clinical',
  amendment: 'clinical',
  note: 'clinical',
  encounter: 'clinical',
  template: 'clinical',
  recall: 'clinical',
  schedule: 'scheduling',
  appointment: 'scheduling',
  provider: 'scheduling',
  location: 'scheduling',
  downtime: 'scheduling',
  charge: 'billing',
  payment: 'billing',
  balance: 'billing',
  billing: 'billing',
  service: 'billing',
};

/** The permission matrix's rows in groups (the Permissions page, the token scopes), each in matrix order. */
export function permissionGroups(
  include: (permission: Permission) => boolean = () => true,
): { group: PermissionGroup; permissions: Permission[] }[] {
  const all = (Object.keys(PERMISSIONS) as Permission[]).filter(include);
  return PERMISSION_GROUPS.map((group) => ({
    group,
    permissions: all.filter((permission) => (GROUP_OF_AREA[permission.split('.')[0]] ?? 'administration') === group),
  })).filter(({ permissions }) => permissions.length > 0);
}
