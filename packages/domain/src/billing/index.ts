export * from './aging';
export * from './ledger';
export * from './responsibility';
export * from './invoices';
