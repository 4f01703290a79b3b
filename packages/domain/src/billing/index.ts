export * from './aging';
export * from './balance-reminders';
export * from './claims';
export * from './invoices';
export * from './ledger';
export * from './responsibility';
export * from './statements';
