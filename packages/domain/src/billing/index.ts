export * from './aging';
export * from './responsibility';
