export * from './appointments';
export * from './csv';
export * from './report';
export * from './rows';
export * from './utilisation';
