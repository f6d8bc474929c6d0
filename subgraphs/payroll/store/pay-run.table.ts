import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PayRunStatus } from '../domain/pay-run-state';
import type { PayrollTerms } from '../domain/terms';

/** payroll.pay_run: one run per period being paid, with its totals once calculated. */
export interface PayRunTable {
  id: Generated<string>;
  period_start: string;
  period_end: string;
  pay_date: string;
  status: Generated<PayRunStatus>;
  currency: string;
  payslip_count: Generated<number>;
  /** numeric(16,2) as exact decimal strings; null until calculated. */
  gross: string | null;
  deductions: string | null;
  net: string | null;
  employer_cost: string | null;
  /** The settings the run was calculated with (jsonb). */
  terms: ColumnType<PayrollTerms | null, string | null, string | null>;
  /** Learnt from finance's JournalEntryPosted. */
  journal_entry_id: string | null;
  journal_entry_number: string | null;
  created_at: ColumnType<Date, never, never>;
  calculated_at: Date | null;
  /** Who calculated the run last (kit/duties accountableParty); null before the rule was recorded. */
  calculated_by: string | null;
  approved_at: Date | null;
  posted_at: Date | null;
  cancelled_at: Date | null;
}
export type PayRunRow = Selectable<PayRunTable>;
export type NewPayRun = Insertable<PayRunTable>;
export type PayRunUpdate = Updateable<PayRunTable>;
