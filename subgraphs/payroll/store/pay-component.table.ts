import type { Insertable, Selectable } from 'kysely';
import type { PayComponentKind } from '../domain/terms';

/** payroll.pay_component: fixed monthly earnings and deductions of the tenant's payslips. */
export interface PayComponentTable {
  code: string;
  name: string;
  kind: PayComponentKind;
  /** numeric(14,2) as an exact decimal string. */
  amount: string;
  account_code: string | null;
  /** Order on payslips and in the settings. */
  position: number;
}
export type PayComponentRow = Selectable<PayComponentTable>;
export type NewPayComponent = Insertable<PayComponentTable>;
