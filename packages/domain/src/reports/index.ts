export * from './appointments';
export * from './csv';
export * from './patients';
export * from './reminders';
export * from './report';
export * from './revenue';
export * from './rows';
export * from './utilisation';
