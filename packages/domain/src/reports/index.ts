export * from './appointments';
export * from './csv';
export * from './day-sheet';
export * from './reconciliation';
export * from './report';
export * from './rows';
