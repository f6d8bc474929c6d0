import fc from 'fast-check';
import { toAmount, D } from '../../subgraphs/kit/money';
import { calculatePayRun } from '../../subgraphs/payroll/domain/pay-run-calculation';
import { postingTotals } from '../../subgraphs/contracts/posting';
import { payRunPostingLines, postingMemo, type LineSum } from '../../subgraphs/payroll/domain/posting';
import type { Employment } from '../../subgraphs/payroll/domain/proration';
import type { PayrollTerms } from '../../subgraphs/payroll/domain/terms';
import { payRunPosted } from '../../subgraphs/payroll/events';

const terms: PayrollTerms = {
  currency: 'EUR',
  incomeTaxRate: '0.2',
  employeeContributionRate: '0.11',
  employerContributionRate: '0.2375',
  accounts: { salaryExpense: '6000', employerContributionExpense: '6100', netPayPayable: '2100', incomeTaxPayable: '2200', contributionsPayable: '2300' },
  components: [],
};

/** The line sums of a run, as the store's GROUP BY returns them. */
function sumsOf(payslips: Array<{ lines: Array<{ kind: LineSum['kind']; code: string; amount: string }> }>): LineSum[] {
  const sums = new Map<string, LineSum>();
  for (const line of payslips.flatMap((p) => p.lines)) {
    const key = `${line.kind}/${line.code}`;
    const sum = sums.get(key) ?? { kind: line.kind, code: line.code, amount: '0' };
    sums.set(key, { ...sum, amount: toAmount(new D(sum.amount).plus(line.amount)) });
  }
  return [...sums.values()];
}

describe('posting a pay run', () => {
  it('books the hand-computed January run: Dr expenses, Cr payables, balanced', () => {
    // Two payslips: 4200.00 full month and 3658.06 for a hire on 5 January (see payroll-payslip.test.ts).
    const sums: LineSum[] = [
      { kind: 'DEDUCTION', code: 'EMPLOYEE_CONTRIBUTION', amount: '864.39' },
      { kind: 'EARNING', code: 'BASE_SALARY', amount: '7858.06' },
      { kind: 'EMPLOYER_CONTRIBUTION', code: 'EMPLOYER_CONTRIBUTION', amount: '1866.29' },
      { kind: 'TAX', code: 'INCOME_TAX', amount: '1398.73' },
    ];
    const lines = payRunPostingLines(terms, sums);
    expect(lines).toEqual([
      { accountCode: '6000', debit: '7858.06', description: 'Gross salaries' },
      { accountCode: '6100', debit: '1866.29', description: 'Employer contributions' },
      { accountCode: '2100', credit: '5594.94', description: 'Net pay' },
      { accountCode: '2200', credit: '1398.73', description: 'Income tax withheld' },
      { accountCode: '2300', credit: '2730.68', description: 'Employee contributions; Employer contributions' },
    ]);
    expect(postingTotals(lines)).toEqual({ debit: '9724.35', credit: '9724.35' });
  });

  it('books components to their own accounts and leaves zero lines out', () => {
    const withComponents: PayrollTerms = {
      ...terms,
      employerContributionRate: '0',
      components: [
        { code: 'CAR', name: 'Car allowance', kind: 'EARNING', amount: '300.00', accountCode: '6050' },
        { code: 'UNION_DUES', name: 'Union dues', kind: 'DEDUCTION', amount: '20.00', accountCode: '2400' },
      ],
    };
    const lines = payRunPostingLines(withComponents, [
      { kind: 'EARNING', code: 'BASE_SALARY', amount: '1000.00' },
      { kind: 'EARNING', code: 'CAR', amount: '300.00' },
      { kind: 'DEDUCTION', code: 'EMPLOYEE_CONTRIBUTION', amount: '143.00' },
      { kind: 'TAX', code: 'INCOME_TAX', amount: '231.40' },
      { kind: 'DEDUCTION', code: 'UNION_DUES', amount: '20.00' },
      { kind: 'EMPLOYER_CONTRIBUTION', code: 'EMPLOYER_CONTRIBUTION', amount: '0.00' },
    ]);
    expect(lines).toEqual([
      { accountCode: '6000', debit: '1000.00', description: 'Gross salaries' },
      { accountCode: '6050', debit: '300.00', description: 'Gross earnings: CAR' },
      { accountCode: '2100', credit: '905.60', description: 'Net pay' },
      { accountCode: '2200', credit: '231.40', description: 'Income tax withheld' },
      { accountCode: '2300', credit: '143.00', description: 'Employee contributions' },
      { accountCode: '2400', credit: '20.00', description: 'Withheld: UNION_DUES' },
    ]);
    expect(postingTotals(lines)).toEqual({ debit: '1300.00', credit: '1300.00' });
  });

  it('always balances to the cent, and net pay equals the payslips’ net (property)', () => {
    const salary = fc.integer({ min: 1, max: 2_000_000 }).map((cents) => toAmount(new D(cents).dividedBy(100)));
    const rate = fc.integer({ min: 0, max: 10_000 }).map((bp) => new D(bp).dividedBy(10_000).toString());
    const day = fc.integer({ min: 1, max: 31 }).map((d) => `2026-01-${String(d).padStart(2, '0')}`);
    const person = fc.record({ salary, from: day, to: fc.option(day) });
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 30 }), rate, rate, rate, (people, tax, employee, employer) => {
        const runTerms = { ...terms, incomeTaxRate: tax, employeeContributionRate: employee, employerContributionRate: employer };
        const employments: Employment[] = people.map((p, i) => ({
          employeeId: `e${i}`,
          employeeNumber: null,
          hireDate: p.from,
          terminationDate: p.to,
          contracts: [{ contractId: `c${i}`, startDate: '2025-01-01', endDate: null, payFrequency: 'MONTHLY', baseSalary: p.salary, currency: 'EUR' }],
        }));
        const run = calculatePayRun({ start: '2026-01-01', end: '2026-01-31' }, employments, runTerms);
        if (!run.ok) throw new Error('unexpected currency mismatch');
        const lines = payRunPostingLines(runTerms, sumsOf(run.payslips));
        const totals = postingTotals(lines);
        expect(totals.debit).toBe(totals.credit);
        expect(totals.debit).toBe(run.totals.employerCost);
        const net = lines.find((l) => l.accountCode === '2100' && l.credit)?.credit ?? '0.00';
        expect(net).toBe(run.totals.net);
        for (const line of lines) expect(Boolean(line.debit) !== Boolean(line.credit)).toBe(true);
        for (const p of run.payslips) expect(new D(p.net).isNegative()).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('PayRunPosted carries the posting finance books, with the run as reference and the pay date as date', () => {
    const lines = [
      { accountCode: '6000', debit: '10.00', description: 'Gross salaries' },
      { accountCode: '2100', credit: '10.00', description: 'Net pay' },
    ];
    // Pay run ids are uuids: the contract refuses anything else.
    const runId = '0b8f7d4e-5c2a-4e1f-9a3b-7c6d5e4f3a2b';
    const event = payRunPosted({ id: runId, period_start: '2026-01-01', period_end: '2026-01-31', pay_date: '2026-01-30' }, lines);
    expect(event).toEqual({
      type: 'PayRunPosted',
      aggregateType: 'PayRun',
      aggregateId: runId,
      payload: {
        payRunId: runId,
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        payDate: '2026-01-30',
        posting: { reference: runId, date: '2026-01-30', memo: 'Payroll 2026-01-01–2026-01-31', lines },
      },
    });
    expect(postingMemo('2026-02-01', '2026-02-28')).toBe('Payroll 2026-02-01–2026-02-28');
  });
});
