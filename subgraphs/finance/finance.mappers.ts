import type { Connection, Edge } from '../kit/pagination';
import type { TrialBalance, TrialBalanceRow } from './domain/balances';
import type { AccountRow, BankTransactionRow, JournalEntryRow, JournalLineRow, ReconciliationRow, SettingsRow } from './store/db';

// Parent types of the finance subgraph's resolvers: rows as the store returns them.
export type AccountMapper = AccountRow;
export type AccountConnectionMapper = Connection<AccountRow>;
export type AccountEdgeMapper = Edge<AccountRow>;
export type JournalEntryMapper = JournalEntryRow;
export type JournalEntryConnectionMapper = Connection<JournalEntryRow>;
export type JournalEntryEdgeMapper = Edge<JournalEntryRow>;
export type JournalLineMapper = JournalLineRow;
export interface TrialBalanceMapper extends TrialBalance {
  asOf: string | null;
  currency: string;
}
export type TrialBalanceRowMapper = TrialBalanceRow;
export type BankTransactionMapper = BankTransactionRow;
export type BankTransactionConnectionMapper = Connection<BankTransactionRow>;
export type BankTransactionEdgeMapper = Edge<BankTransactionRow>;
export type ReconciliationMapper = ReconciliationRow;
export type LedgerSettingsMapper = SettingsRow;
/** The overview entity as finance sees it: only its key. */
export interface OverviewMapper {
  tenantId: string;
}
