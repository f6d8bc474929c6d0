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

/** An employee whose payslip would not fit the payslip columns, numeric(14,2). */
export interface OversizedPayslip {
  employeeId: string;
  employeeNumber: string | null;
  employerCost: string;
}

/** numeric(14,2): a payslip's amounts and lines stay below 10^12. */
export const PAYSLIP_AMOUNT_LIMIT_TEXT = '1000000000000';
/** numeric(16,2): a run's totals stay below 10^14. */
export const PAY_RUN_TOTAL_LIMIT_TEXT = '100000000000000';
const PAYSLIP_AMOUNT_LIMIT = new D(PAYSLIP_AMOUNT_LIMIT_TEXT);
const PAY_RUN_TOTAL_LIMIT = new D(PAY_RUN_TOTAL_LIMIT_TEXT);

export type PayRunCalculation =
  | { ok: true; payslips: EmployeePayslipDraft[]; totals: PayRunTotals }
  | { ok: false; currencyMismatches: CurrencyMismatch[]; oversizedPayslips: OversizedPayslip[]; totalsTooLarge: boolean };

/**
 * Every payslip of a run, computed in memory from the projection. A contract in
 * another currency than payroll's stops the calculation: paying it at a made-up
 * exchange rate, or silently skipping the person, would both be wrong. So
 * does a payslip or a total too large to store: employer cost is gross plus
 * contributions, so a salary just below the contract limit can exceed it.
 */
export function calculatePayRun(period: Period, employments: readonly Employment[], terms: PayrollTerms): PayRunCalculation {
  const payslips: EmployeePayslipDraft[] = [];
  const currencyMismatches: CurrencyMismatch[] = [];
  const oversizedPayslips: OversizedPayslip[] = [];
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
    if (!fitsPayslip(payslip)) {
      oversizedPayslips.push({ employeeId: employment.employeeId, employeeNumber: employment.employeeNumber, employerCost: payslip.employerCost });
      continue;
    }
    payslips.push({ ...payslip, employeeId: employment.employeeId, employeeNumber: employment.employeeNumber });
    gross = gross.plus(payslip.gross);
    deductions = deductions.plus(payslip.deductions);
    net = net.plus(payslip.net);
    employerCost = employerCost.plus(payslip.employerCost);
  }
  const totalsTooLarge = [gross, deductions, net, employerCost].some((total) => total.abs().gte(PAY_RUN_TOTAL_LIMIT));
  if (currencyMismatches.length > 0 || oversizedPayslips.length > 0 || totalsTooLarge)
    return { ok: false, currencyMismatches, oversizedPayslips, totalsTooLarge };
  return { ok: true, payslips, totals: { gross: toAmount(gross), deductions: toAmount(deductions), net: toAmount(net), employerCost: toAmount(employerCost) } };
}

function fitsPayslip(payslip: PayslipDraft): boolean {
  const amounts = [payslip.gross, payslip.deductions, payslip.net, payslip.employerCost, ...payslip.lines.map((line) => line.amount)];
  return amounts.every((amount) => new D(amount).abs().lt(PAYSLIP_AMOUNT_LIMIT));
}
