import { toAmount, D, type DecimalValue } from '../../kit/money';
import { daysInclusive } from './dates';
import type { PaidSegment, Period } from './proration';
import { LINE_CODES, type PayComponentTerms, type PayrollTerms, type PayslipLineKind } from './terms';

export interface PayslipLineDraft {
  kind: PayslipLineKind;
  code: string;
  description: string;
  /** 2 decimals, never negative. */
  amount: string;
}

export interface PayslipDraft {
  daysPaid: number;
  lines: PayslipLineDraft[];
  gross: string;
  /** Everything withheld from gross: contributions, income tax and deduction components. */
  deductions: string;
  net: string;
  /** Gross plus the employer's contributions. */
  employerCost: string;
}

/**
 * Rounding rule: every line is rounded on its own to 2 decimals, half-even
 * (banker's rounding, so ties do not drift upwards over thousands of lines);
 * gross, deductions, net and employer cost are exact sums of rounded lines, so
 * a payslip, a run's totals and the posted entry always add up to the cent.
 */
export function roundLine(value: DecimalValue): DecimalValue {
  return value.toDecimalPlaces(2, D.ROUND_HALF_EVEN);
}

const fixed = (value: DecimalValue) => toAmount(value);

/** `amount` for `days` of a `periodDays`-day period: multiplied first, so nothing is lost before the rounding. */
function prorate(amount: string, days: number, periodDays: number): DecimalValue {
  return roundLine(new D(amount).times(days).dividedBy(periodDays));
}

function segmentDescription(segment: PaidSegment, periodDays: number): string {
  return `Base salary ${segment.from}–${segment.to} (${segment.days}/${periodDays} days of ${segment.baseSalary})`;
}

function componentDescription(component: PayComponentTerms, daysPaid: number, periodDays: number): string {
  return daysPaid === periodDays ? component.name : `${component.name} (${daysPaid}/${periodDays} days of ${component.amount})`;
}

/**
 * One employee's payslip for a period, from the contract segments paid in it.
 *
 * - EARNING: one BASE_SALARY line per segment (salary × days covered / days in
 *   period), then each EARNING component prorated by the days paid. Gross is their sum.
 * - DEDUCTION EMPLOYEE_CONTRIBUTION = gross × employee rate.
 * - TAX INCOME_TAX = (gross − employee contribution) × income tax rate:
 *   contributions are deductible from the taxable base.
 * - DEDUCTION components, prorated, withheld after tax and capped at what is
 *   left, so net is never negative.
 * - EMPLOYER_CONTRIBUTION = gross × employer rate; not withheld, adds to the cost.
 *
 * Returns null when no day of the period is paid.
 */
export function computePayslip(period: Period, segments: readonly PaidSegment[], terms: PayrollTerms): PayslipDraft | null {
  const periodDays = daysInclusive(period.start, period.end);
  const daysPaid = Math.min(
    periodDays,
    segments.reduce((sum, s) => sum + s.days, 0),
  );
  if (daysPaid === 0) return null;
  const lines: PayslipLineDraft[] = [];
  const add = (kind: PayslipLineKind, code: string, description: string, amount: DecimalValue) => {
    lines.push({ kind, code, description, amount: fixed(amount) });
    return amount;
  };

  let gross = new D(0);
  for (const segment of segments) {
    gross = gross.plus(add('EARNING', LINE_CODES.baseSalary, segmentDescription(segment, periodDays), prorate(segment.baseSalary, segment.days, periodDays)));
  }
  for (const component of terms.components.filter((c) => c.kind === 'EARNING')) {
    gross = gross.plus(add('EARNING', component.code, componentDescription(component, daysPaid, periodDays), prorate(component.amount, daysPaid, periodDays)));
  }

  const employeeContribution = add(
    'DEDUCTION',
    LINE_CODES.employeeContribution,
    `Employee contributions (${terms.employeeContributionRate} of gross)`,
    roundLine(gross.times(terms.employeeContributionRate)),
  );
  const taxable = gross.minus(employeeContribution);
  const incomeTax = add('TAX', LINE_CODES.incomeTax, `Income tax (${terms.incomeTaxRate} of ${fixed(taxable)})`, roundLine(taxable.times(terms.incomeTaxRate)));

  let withheld = employeeContribution.plus(incomeTax);
  for (const component of terms.components.filter((c) => c.kind === 'DEDUCTION')) {
    const wanted = prorate(component.amount, daysPaid, periodDays);
    const left = gross.minus(withheld);
    withheld = withheld.plus(add('DEDUCTION', component.code, componentDescription(component, daysPaid, periodDays), D.min(wanted, left)));
  }

  const employerContribution = add(
    'EMPLOYER_CONTRIBUTION',
    LINE_CODES.employerContribution,
    `Employer contributions (${terms.employerContributionRate} of gross)`,
    roundLine(gross.times(terms.employerContributionRate)),
  );

  return {
    daysPaid,
    lines,
    gross: fixed(gross),
    deductions: fixed(withheld),
    net: fixed(gross.minus(withheld)),
    employerCost: fixed(gross.plus(employerContribution)),
  };
}
