import { toAmount, D } from '../../kit/money';
import { computePayslip, type PayslipDraft } from './payslip';
import { paidSegments, type Employment, type Period } from './proration';
import type { PayrollTerms } from './terms';

export interface EmployeePayslipDraft extends PayslipDraft {
  employeeId: string;
  employeeNumber: string | null;
}

export interface PayRunTotals {
  gross: string;
  deductions: string;
  net: string;
  employerCost: string;
}

export interface CurrencyMismatch {
  employeeId: string;
  employeeNumber: string | null;
  currency: string;
}

export type PayRunCalculation = { ok: true; payslips: EmployeePayslipDraft[]; totals: PayRunTotals } | { ok: false; currencyMismatches: CurrencyMismatch[] };

/**
 * Every payslip of a run, computed in memory from the projection. A contract in
 * another currency than payroll's stops the calculation: paying it at a made-up
 * exchange rate, or silently skipping the person, would both be wrong.
 */
export function calculatePayRun(period: Period, employments: readonly Employment[], terms: PayrollTerms): PayRunCalculation {
  const payslips: EmployeePayslipDraft[] = [];
  const currencyMismatches: CurrencyMismatch[] = [];
  let gross = new D(0);
  let deductions = new D(0);
  let net = new D(0);
  let employerCost = new D(0);
  for (const employment of employments) {
    const segments = paidSegments(period, employment);
    const foreign = segments.find((s) => s.currency !== terms.currency);
    if (foreign) {
      currencyMismatches.push({ employeeId: employment.employeeId, employeeNumber: employment.employeeNumber, currency: foreign.currency });
      continue;
    }
    const payslip = computePayslip(period, segments, terms);
    if (!payslip) continue;
    payslips.push({ ...payslip, employeeId: employment.employeeId, employeeNumber: employment.employeeNumber });
    gross = gross.plus(payslip.gross);
    deductions = deductions.plus(payslip.deductions);
    net = net.plus(payslip.net);
    employerCost = employerCost.plus(payslip.employerCost);
  }
  if (currencyMismatches.length > 0) return { ok: false, currencyMismatches };
  return { ok: true, payslips, totals: { gross: toAmount(gross), deductions: toAmount(deductions), net: toAmount(net), employerCost: toAmount(employerCost) } };
}
