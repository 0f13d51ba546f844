export { Ledger, LedgerAccounts, mayBeNegative, type Transfer } from './ledger.js';
