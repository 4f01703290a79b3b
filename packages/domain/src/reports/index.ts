export * from './appointments';
export * from './csv';
export * from './report';
export * from './revenue';
export * from './rows';
