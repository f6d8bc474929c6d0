import type { FinanceExecutor, SettingsRow } from './db';

const COLUMNS = ['base_currency', 'currency_decimals', 'closed_through', 'separate_reverser', 'updated_at'] as const;

export function readSettings(db: FinanceExecutor): Promise<SettingsRow> {
  return db.selectFrom('finance.settings').select(COLUMNS).executeTakeFirstOrThrow();
}

/**
 * Read with a share lock held to commit: postings run side by side, while a
 * period close waits for them (and they for it), so the closed date a posting
 * checked against is still the closed date when it commits.
 */
export function readSettingsForPosting(db: FinanceExecutor): Promise<SettingsRow> {
  return db.selectFrom('finance.settings').select(COLUMNS).forShare().executeTakeFirstOrThrow();
}

export function readSettingsForUpdate(db: FinanceExecutor): Promise<SettingsRow> {
  return db.selectFrom('finance.settings').select(COLUMNS).forUpdate().executeTakeFirstOrThrow();
}

export function updateSeparateReverser(db: FinanceExecutor, separateReverser: boolean): Promise<SettingsRow> {
  return db.updateTable('finance.settings').set({ separate_reverser: separateReverser, updated_at: new Date() }).returning(COLUMNS).executeTakeFirstOrThrow();
}

export function updateClosedThrough(db: FinanceExecutor, through: string): Promise<SettingsRow> {
  return db.updateTable('finance.settings').set({ closed_through: through, updated_at: new Date() }).returning(COLUMNS).executeTakeFirstOrThrow();
}
