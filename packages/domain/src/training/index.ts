export * from './clinic';
export * from './exercises';
