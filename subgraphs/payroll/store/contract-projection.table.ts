import type { Insertable, Selectable } from 'kysely';
import type { PayFrequency } from '../domain/proration';

export type ContractType = 'PERMANENT' | 'FIXED_TERM' | 'CONTRACTOR';

/**
 * payroll.contract_projection: contracts from ContractSigned / ContractEnded.
 * The terms are null while only the ContractEnded has arrived.
 */
export interface ContractProjectionTable {
  contract_id: string;
  employee_id: string;
  type: ContractType | null;
  start_date: string | null;
  /** The end the contract was signed with, inclusive; null when open-ended. */
  end_date: string | null;
  pay_frequency: PayFrequency | null;
  /** numeric(14,2) as an exact decimal string. */
  base_salary: string | null;
  currency: string | null;
  terms_as_of: Date | null;
  /** The day the contract was cut short, inclusive (ContractEnded). */
  ended_on: string | null;
  ended_as_of: Date | null;
}
export type ContractProjectionRow = Selectable<ContractProjectionTable>;
export type NewContractProjection = Insertable<ContractProjectionTable>;
