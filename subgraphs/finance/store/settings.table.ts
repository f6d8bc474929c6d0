import type { ColumnType, Selectable } from 'kysely';

/** finance.settings: one row per tenant — base currency and how far the books are closed. */
export interface SettingsTable {
  singleton: ColumnType<boolean, never, never>;
  base_currency: string;
  currency_decimals: number;
  closed_through: string | null;
  /** Separation of duties: an entry's reverser must not be whoever posted it. */
  separate_reverser: boolean;
  updated_at: ColumnType<Date, never, Date>;
}
export type SettingsRow = Omit<Selectable<SettingsTable>, 'singleton'>;
