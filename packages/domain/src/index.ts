export * from './audit';
export * from './clinic';
export * from './errors';
export * from './i18n';
export * from './insurance';
export * from './patients';
export * from './permissions';
export * from './validation';
