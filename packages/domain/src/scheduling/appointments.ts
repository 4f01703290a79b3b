/** The booking lifecycle: statuses, the actions between them, and which statuses hold the time. */

import { type MessageKey, t } from '../i18n';

export const APPOINTMENT_STATUSES = [
  'booked',
  'confirmed',
  'checked_in',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

const STATUS_LABELS: Record<AppointmentStatus, MessageKey> = {
  booked: 'schedule.status.booked',
  confirmed: 'schedule.status.confirmed',
  checked_in: 'schedule.status.checkedIn',
  in_progress: 'schedule.status.inProgress',
  completed: 'schedule.status.completed',
  cancelled: 'schedule.status.cancelled',
  no_show: 'schedule.status.noShow',
};

/** A status as staff read it ("Checked in"). */
export function appointmentStatusLabel(status: AppointmentStatus): string {
  return t(STATUS_LABELS[status]);
}

export const APPOINTMENT_ACTIONS = ['confirm', 'check-in', 'start', 'complete', 'cancel', 'no-show'] as const;
export type AppointmentAction = (typeof APPOINTMENT_ACTIONS)[number];

/**
 * Allowed transitions. Seeing or finishing a visit needs the patient to have arrived (checked in);
 * finishing may skip "start" because a busy provider forgets to click it. A visit that has begun
 * cannot be cancelled or marked no-show, and completed, cancelled and no-show are final (book
 * again instead). Repeating an action (confirm a confirmed visit) is not a transition.
 */
const TRANSITIONS: Record<AppointmentStatus, Partial<Record<AppointmentAction, AppointmentStatus>>> = {
  booked: { confirm: 'confirmed', 'check-in': 'checked_in', cancel: 'cancelled', 'no-show': 'no_show' },
  confirmed: { 'check-in': 'checked_in', cancel: 'cancelled', 'no-show': 'no_show' },
  checked_in: { start: 'in_progress', complete: 'completed', cancel: 'cancelled' },
  in_progress: { complete: 'completed' },
  completed: {},
  cancelled: {},
  no_show: {},
};

/** The status after `action`, or null when the action is not allowed from `status` (e.g. complete a cancelled visit). */
export function nextStatus(status: AppointmentStatus, action: AppointmentAction): AppointmentStatus | null {
  return TRANSITIONS[status]?.[action] ?? null;
}

/** Statuses that hold the time (cancelled and no-show free it). Matches the exclusion constraints' WHERE. */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = [
  'booked',
  'confirmed',
  'checked_in',
  'in_progress',
  'completed',
];

/** Whether a provider offers an appointment type: an empty list means every provider does. */
export function offeredBy(type: { providerIds: readonly string[] }, providerId: string): boolean {
  return type.providerIds.length === 0 || type.providerIds.includes(providerId);
}
