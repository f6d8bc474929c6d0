import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type ContractType = 'PERMANENT' | 'FIXED_TERM' | 'CONTRACTOR';
export type PayFrequency = 'MONTHLY' | 'BIWEEKLY' | 'WEEKLY';

export interface ContractTable {
  id: Generated<string>;
  employee_id: string;
  type: ContractType;
  start_date: string;
  /** Last day of the contract, inclusive; null while open-ended. */
  end_date: string | null;
  pay_frequency: PayFrequency;
  /** numeric(14,2) as an exact decimal string. */
  base_salary: string;
  currency: string;
  created_at: ColumnType<Date, never, never>;
}
export type ContractRow = Selectable<ContractTable>;
export type NewContract = Insertable<ContractTable>;
