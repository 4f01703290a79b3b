export * from './aging';
export * from './invoices';
export * from './ledger';
export * from './responsibility';
