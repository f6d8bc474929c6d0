import type { Kysely, Transaction } from 'kysely';
import type { TenantAuditDB } from '../../kit/audit';
import type { AccountDailyBalanceTable } from './account-daily-balance.table';
import type { AccountTable } from './account.table';
import type { BankTransactionTable } from './bank-transaction.table';
import type { EntryNumberCounterTable } from './entry-number-counter.table';
import type { JournalEntryTable } from './journal-entry.table';
import type { JournalLineTable } from './journal-line.table';
import type { ReconciliationMatchTable } from './reconciliation-match.table';
import type { ReconciliationTable } from './reconciliation.table';
import type { SettingsTable } from './settings.table';

export * from './account-daily-balance.table';
export * from './account.table';
export * from './bank-transaction.table';
export * from './entry-number-counter.table';
export * from './journal-entry.table';
export * from './journal-line.table';
export * from './reconciliation-match.table';
export * from './reconciliation.table';
export * from './settings.table';

/** The finance module's view of a tenant database: its own schema plus the platform's audit table. */
export interface FinanceDB extends TenantAuditDB {
  'finance.settings': SettingsTable;
  'finance.account': AccountTable;
  'finance.entry_number_counter': EntryNumberCounterTable;
  'finance.journal_entry': JournalEntryTable;
  'finance.journal_line': JournalLineTable;
  'finance.account_daily_balance': AccountDailyBalanceTable;
  'finance.bank_transaction': BankTransactionTable;
  'finance.reconciliation': ReconciliationTable;
  'finance.reconciliation_match': ReconciliationMatchTable;
}

export type FinanceExecutor = Kysely<FinanceDB> | Transaction<FinanceDB>;
