export * from './reminders';
export * from './templates';
export * from './timing';
export * from './recalls';
