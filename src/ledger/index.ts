export { Ledger, LedgerAccounts, mayBeNegative, type Balance, type Transfer } from './ledger.js';
