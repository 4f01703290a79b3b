import { AUDIT_ACTIONS, type AuditAction, isRole, type MessageKey, t } from '@tend/domain';

export function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? t(`auditAction.${action}` as MessageKey) : action;
}

export function roleLabel(role: string | null): string {
  if (!role) return '';
  return isRole(role) ? t(`role.${role}`) : role;
}

export const auditActionOptions = () =>
  AUDIT_ACTIONS.map((action) => ({ value: action, label: auditActionLabel(action) })).sort((a, b) =>
    a.label.localeCompare(b.label),
  );

const ID_LISTS = new Set(['patientIds', 'candidateIds', 'confirmedDifferentFrom']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A short, readable line from an event's details (ids are counted, not listed). */
export function summarizeDetails(details: Record<string, unknown> | null): string {
  if (!details) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (value === null || value === undefined) continue;
    // Record ids mean nothing to a reader; the row already names the patient or account.
    if (typeof value === 'string' && UUID.test(value)) continue;
    if (Array.isArray(value)) {
      if (ID_LISTS.has(key)) parts.push(t('audit.detailsCount', { key, count: value.length }));
      else parts.push(`${key}: ${value.map(String).join(', ')}`);
    } else if (typeof value === 'object') {
      const inner = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
      if (inner) parts.push(`${key}: ${inner}`);
    } else {
      parts.push(`${key}: ${String(value)}`);
    }
  }
  return parts.join(' · ');
}
