export type { AppointmentAction, AppointmentStatus } from './appointments';
export {
  ACTIVE_STATUSES,
  APPOINTMENT_ACTIONS,
  APPOINTMENT_STATUSES,
  appointmentStatusLabel,
  nextStatus,
  offeredBy,
} from './appointments';
export type { LocatedInterval, ScheduleVersion, Weekday, WorkingBlock } from './availability';
export { expandAvailability } from './availability';
export * from './events';
export type { Interval } from './intervals';
export { isWithinAvailability, mergeIntervals, subtractIntervals } from './intervals';
export * from './recurrence';
export * from './responses';
export * from './schemas';
export type { OpenSlot } from './slots';
export { findOpenSlots } from './slots';
export * from './waitlist';
export { instantToIsoInZone, instantToZoned, zonedTimeToInstant } from './zoned-time';
