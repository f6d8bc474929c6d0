import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupBy, groupLoader, indexBy, mapLoader } from '../kit/loaders';
import { moduleContextFactory, type ModuleContext } from '../kit/module-context';
import type { ServiceRuntime } from '../../platform/runtime';
import { findAccountsByCodes, findAccountsByIds } from './store/accounts';
import { findBankTransactionsByIds, findMatchedTransactions, findMatchesOfTransactions } from './store/bank';
import { accountTotals, type Totals } from './store/balances';
import type { AccountRow, BankTransactionRow, FinanceDB, JournalEntryRow, JournalLineRow, ReconciliationRow, SettingsRow } from './store/db';
import { findEntriesByIds, findLinesByEntryIds, findReversalsOf } from './store/journal';
import { findReconciliationsByIds } from './store/reconciliations';
import { readSettings } from './store/settings';

/** An account's totals as of a day (null: everything posted). */
export interface BalanceKey {
  accountId: string;
  asOf: string | null;
}

export interface FinanceLoaders {
  account: DataLoader<string, AccountRow | null>;
  accountByCode: DataLoader<string, AccountRow | null>;
  entry: DataLoader<string, JournalEntryRow | null>;
  /** Original entry id → the entry that reverses it. */
  reversalOf: DataLoader<string, JournalEntryRow | null>;
  linesOfEntry: DataLoader<string, JournalLineRow[]>;
  balance: DataLoader<BalanceKey, Totals | null, string>;
  bankTransaction: DataLoader<string, BankTransactionRow | null>;
  matchedTransactions: DataLoader<string, BankTransactionRow[]>;
  /** Bank transaction id → id of the reconciliation it is matched to. */
  matchOfTransaction: DataLoader<string, string | null>;
  reconciliation: DataLoader<string, ReconciliationRow | null>;
  /** The tenant's ledger settings, read at most once per request. */
  settings: () => Promise<SettingsRow>;
}

export type FinanceContext = ModuleContext<FinanceDB, FinanceLoaders>;

const balanceKey = (k: BalanceKey) => `${k.accountId}|${k.asOf ?? ''}`;

/** One statement per batch of keys; balances take one per distinct asOf (usually one). */
export function createFinanceLoaders(db: () => Kysely<FinanceDB>): FinanceLoaders {
  let settings: Promise<SettingsRow> | undefined;
  return {
    account: mapLoader(async (ids) => indexBy(await findAccountsByIds(db(), ids), (a) => a.id)),
    accountByCode: mapLoader(async (codes) => indexBy(await findAccountsByCodes(db(), codes), (a) => a.code)),
    entry: mapLoader(async (ids) => indexBy(await findEntriesByIds(db(), ids), (e) => e.id)),
    reversalOf: mapLoader(async (ids) => indexBy(await findReversalsOf(db(), ids), (e) => e.reversal_of as string)),
    linesOfEntry: groupLoader(async (ids) => groupBy(await findLinesByEntryIds(db(), ids), (l) => l.entry_id)),
    balance: mapLoader(async (keys) => {
      const found = new Map<string, Totals>();
      for (const [asOf, sameDay] of groupBy(keys, (k) => k.asOf)) {
        for (const totals of await accountTotals(
          db(),
          sameDay.map((k) => k.accountId),
          asOf,
        ))
          found.set(balanceKey({ accountId: totals.accountId, asOf }), totals);
      }
      return found;
    }, balanceKey),
    bankTransaction: mapLoader(async (ids) => indexBy(await findBankTransactionsByIds(db(), ids), (t) => t.id)),
    matchedTransactions: groupLoader(async (ids) => groupBy(await findMatchedTransactions(db(), ids), (t) => t.reconciliation_id)),
    matchOfTransaction: mapLoader(
      async (ids) => new Map((await findMatchesOfTransactions(db(), ids)).map((m) => [m.bank_transaction_id, m.reconciliation_id])),
    ),
    reconciliation: mapLoader(async (ids) => indexBy(await findReconciliationsByIds(db(), ids), (r) => r.id)),
    settings: () => (settings ??= readSettings(db())),
  };
}

export function financeContextFactory(runtime: ServiceRuntime) {
  return moduleContextFactory<FinanceDB, FinanceLoaders>(runtime, 'FINANCE', createFinanceLoaders);
}
