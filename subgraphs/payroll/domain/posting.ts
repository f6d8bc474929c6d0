import type { LedgerPostingLine } from '../../contracts/posting';
import { toAmount, D, type DecimalValue } from '../../kit/money';
import { LINE_CODES, type PayrollTerms, type PayslipLineKind } from './terms';

/** The sum of one kind and code of line over a whole run. */
export interface LineSum {
  kind: PayslipLineKind;
  code: string;
  amount: string;
}

type Side = 'debit' | 'credit';

/**
 * The journal lines of a run: Dr salary expense (gross earnings, or a component's
 * own expense account), Dr employer contribution expense; Cr net pay payable,
 * Cr income tax payable, Cr contributions payable (employee and employer
 * contributions), Cr each deduction component's payable. Amounts are sums of
 * rounded payslip lines and net is derived from them, so the entry balances to
 * the cent. Lines on one account and side are merged; zero lines are left out.
 */
export function payRunPostingLines(terms: PayrollTerms, sums: readonly LineSum[]): LedgerPostingLine[] {
  const { accounts } = terms;
  const componentAccount = new Map(terms.components.map((c) => [c.code, c.accountCode]));
  const merged = new Map<string, { accountCode: string; side: Side; amount: DecimalValue; descriptions: string[] }>();
  const book = (accountCode: string, side: Side, amount: DecimalValue, description: string) => {
    if (amount.isZero()) return;
    const key = `${side}:${accountCode}`;
    const line = merged.get(key) ?? { accountCode, side, amount: new D(0), descriptions: [] };
    line.amount = line.amount.plus(amount);
    if (!line.descriptions.includes(description)) line.descriptions.push(description);
    merged.set(key, line);
  };

  let net = new D(0);
  // Debits first, then credits, in a stable order: the entry reads the same every time.
  for (const sum of sums.filter((s) => s.kind === 'EARNING')) {
    const account = sum.code === LINE_CODES.baseSalary ? accounts.salaryExpense : (componentAccount.get(sum.code) ?? accounts.salaryExpense);
    book(account, 'debit', new D(sum.amount), sum.code === LINE_CODES.baseSalary ? 'Gross salaries' : `Gross earnings: ${sum.code}`);
    net = net.plus(sum.amount);
  }
  for (const sum of sums.filter((s) => s.kind === 'EMPLOYER_CONTRIBUTION'))
    book(accounts.employerContributionExpense, 'debit', new D(sum.amount), 'Employer contributions');

  const withheld = sums.filter((s) => s.kind === 'DEDUCTION' || s.kind === 'TAX');
  for (const sum of withheld) net = net.minus(sum.amount);
  book(accounts.netPayPayable, 'credit', net, 'Net pay');
  for (const sum of withheld.filter((s) => s.kind === 'TAX')) book(accounts.incomeTaxPayable, 'credit', new D(sum.amount), 'Income tax withheld');
  for (const sum of withheld.filter((s) => s.code === LINE_CODES.employeeContribution))
    book(accounts.contributionsPayable, 'credit', new D(sum.amount), 'Employee contributions');
  for (const sum of sums.filter((s) => s.kind === 'EMPLOYER_CONTRIBUTION'))
    book(accounts.contributionsPayable, 'credit', new D(sum.amount), 'Employer contributions');
  for (const sum of withheld.filter((s) => s.kind === 'DEDUCTION' && s.code !== LINE_CODES.employeeContribution)) {
    // A deduction component always names its payable; a code no longer in the terms falls back to contributions.
    book(componentAccount.get(sum.code) ?? accounts.contributionsPayable, 'credit', new D(sum.amount), `Withheld: ${sum.code}`);
  }

  return [...merged.values()]
    .filter((line) => !line.amount.isZero())
    .map((line): LedgerPostingLine => ({ accountCode: line.accountCode, [line.side]: toAmount(line.amount), description: line.descriptions.join('; ') }));
}

export function postingMemo(periodStart: string, periodEnd: string): string {
  return `Payroll ${periodStart}–${periodEnd}`;
}
