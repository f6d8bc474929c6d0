import type { PermissionMap } from '../kit/permissions';

const READ = 'finance:ledger.read';
const LEDGER = 'finance:ledger.manage';
const POST = 'finance:journal.post';
const BANK = 'finance:bank.manage';

/** What each field of the finance subgraph needs (subgraphs/kit/permissions.ts). */
export const permissions: PermissionMap = {
  Query: {
    accounts: READ,
    account: READ,
    journalEntries: READ,
    journalEntry: READ,
    trialBalance: READ,
    bankTransactions: READ,
    reconciliation: READ,
    ledgerSettings: READ,
  },
  Mutation: {
    createAccount: LEDGER,
    closePeriod: LEDGER,
    updateLedgerSettings: LEDGER,
    postJournalEntry: POST,
    postJournalEntries: POST,
    reverseJournalEntry: POST,
    recordTransaction: BANK,
    startReconciliation: BANK,
    matchTransactions: BANK,
    completeReconciliation: BANK,
  },
  JournalEntry: { __resolveReference: READ },
  Overview: { __resolveReference: 'SIGNED_IN' },
};
