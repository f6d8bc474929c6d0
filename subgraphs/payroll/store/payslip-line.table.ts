import type { Insertable, Selectable } from 'kysely';
import type { PayslipLineKind } from '../domain/terms';

/** payroll.payslip_line: the lines of a payslip, in order. */
export interface PayslipLineTable {
  payslip_id: string;
  position: number;
  kind: PayslipLineKind;
  code: string;
  description: string;
  /** numeric(14,2) as an exact decimal string. */
  amount: string;
}
export type PayslipLineRow = Selectable<PayslipLineTable>;
export type NewPayslipLine = Insertable<PayslipLineTable>;
