import type { Insertable, Selectable } from 'kysely';

/**
 * payroll.payslip: the run's period and cancelled flag are copied here so an
 * exclusion constraint can refuse overlapping payslips of one employee.
 */
export interface PayslipTable {
  id: string;
  pay_run_id: string;
  employee_id: string;
  employee_number: string | null;
  period_start: string;
  period_end: string;
  run_cancelled: boolean;
  currency: string;
  days_paid: number;
  /** numeric(14,2) as exact decimal strings. */
  gross: string;
  deductions: string;
  net: string;
  employer_cost: string;
}
export type PayslipRow = Selectable<PayslipTable>;
export type NewPayslip = Insertable<PayslipTable>;
