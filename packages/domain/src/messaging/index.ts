export * from './templates';
export * from './timing';
