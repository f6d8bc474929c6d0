import { userError, type UserError } from '../../kit/errors';

/**
 * The ledger accounts (codes of finance's chart) the asset register posts to.
 * The defaults are finance's default chart. Assets cannot see finance's chart,
 * so a code finance does not know makes the posting fail there (retried, then
 * dead-lettered where an operator sees it), not here.
 */
export interface AssetLedgerAccounts {
  /** Dr on acquisition at cost, Cr on disposal at cost. */
  fixedAssets: string;
  /** Contra asset: Cr by depreciation, Dr on disposal (the accumulated depreciation). */
  accumulatedDepreciation: string;
  /** The payable (or bank) credited on acquisition. */
  acquisitionCredit: string;
  /** Dr by depreciation. */
  depreciationExpense: string;
  /** Dr on disposal with the proceeds (bank or a receivable). */
  disposalProceeds: string;
  /** Cr with a gain on disposal. */
  gainOnDisposal: string;
  /** Dr with a loss on disposal. */
  lossOnDisposal: string;
}

export const ASSET_LEDGER_ACCOUNT_NAMES = [
  'fixedAssets',
  'accumulatedDepreciation',
  'acquisitionCredit',
  'depreciationExpense',
  'disposalProceeds',
  'gainOnDisposal',
  'lossOnDisposal',
] as const satisfies ReadonlyArray<keyof AssetLedgerAccounts>;

/** A change of accounts: those left out (or null) keep their code. */
export type AssetLedgerAccountsChange = Partial<Record<keyof AssetLedgerAccounts, string | null>>;

/** Finance's rule for account codes: 1–20 letters, digits, dots or dashes, starting with a letter or digit. */
const ACCOUNT_CODE = /^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$/;

export function ledgerSettingsChangeErrors(change: AssetLedgerAccountsChange): UserError[] {
  const errors: UserError[] = [];
  for (const name of ASSET_LEDGER_ACCOUNT_NAMES) {
    const code = change[name];
    if (code != null && !ACCOUNT_CODE.test(code)) {
      errors.push(
        userError(
          ['input', name],
          `Account code "${code}" must be 1 to 20 letters, digits, dots or dashes, starting with a letter or digit`,
          'INVALID_ACCOUNT_CODE',
        ),
      );
    }
  }
  return errors;
}

export function applyLedgerSettingsChange(current: AssetLedgerAccounts, change: AssetLedgerAccountsChange): AssetLedgerAccounts {
  const next = { ...current };
  for (const name of ASSET_LEDGER_ACCOUNT_NAMES) next[name] = change[name] ?? current[name];
  return next;
}
