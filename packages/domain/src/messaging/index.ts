export * from './recalls';
export * from './reminders';
export * from './templates';
export * from './timing';
