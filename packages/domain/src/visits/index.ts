export * from './amendments';
export * from './chart';
export * from './encounters';
export * from './vitals';
