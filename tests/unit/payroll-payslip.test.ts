import { calculatePayRun } from '../../subgraphs/payroll/domain/pay-run-calculation';
import { computePayslip } from '../../subgraphs/payroll/domain/payslip';
import { paidSegments, type ContractTerms, type Employment, type Period } from '../../subgraphs/payroll/domain/proration';
import type { PayrollTerms } from '../../subgraphs/payroll/domain/terms';

// Every expected figure below was computed by hand (rates 0.11 employee, 0.20
// income tax on gross less employee contributions, 0.2375 employer), each line
// rounded to the cent half-even.

const terms: PayrollTerms = {
  currency: 'EUR',
  incomeTaxRate: '0.2',
  employeeContributionRate: '0.11',
  employerContributionRate: '0.2375',
  accounts: { salaryExpense: '6000', employerContributionExpense: '6100', netPayPayable: '2100', incomeTaxPayable: '2200', contributionsPayable: '2300' },
  components: [],
};

const january: Period = { start: '2026-01-01', end: '2026-01-31' };
const march: Period = { start: '2026-03-01', end: '2026-03-31' };
const april: Period = { start: '2026-04-01', end: '2026-04-30' };

function contract(overrides: Partial<ContractTerms> = {}): ContractTerms {
  return { contractId: 'c1', startDate: '2025-06-01', endDate: null, payFrequency: 'MONTHLY', baseSalary: '4200.00', currency: 'EUR', ...overrides };
}

function employment(overrides: Partial<Employment> = {}): Employment {
  return { employeeId: 'e1', employeeNumber: 'EMP-000001', hireDate: '2025-06-01', terminationDate: null, contracts: [contract()], ...overrides };
}

function payslip(period: Period, who: Employment, withTerms: PayrollTerms = terms) {
  return computePayslip(period, paidSegments(period, who), withTerms);
}

const amounts = (p: ReturnType<typeof payslip>) => p!.lines.map((l) => [l.kind, l.code, l.amount]);

describe('payslip maths against hand-computed payslips', () => {
  it('a full month pays the whole salary', () => {
    const p = payslip(january, employment());
    expect(amounts(p)).toEqual([
      ['EARNING', 'BASE_SALARY', '4200.00'],
      ['DEDUCTION', 'EMPLOYEE_CONTRIBUTION', '462.00'],
      ['TAX', 'INCOME_TAX', '747.60'], // 0.20 × (4200.00 − 462.00)
      ['EMPLOYER_CONTRIBUTION', 'EMPLOYER_CONTRIBUTION', '997.50'],
    ]);
    expect(p).toMatchObject({ daysPaid: 31, gross: '4200.00', deductions: '1209.60', net: '2990.40', employerCost: '5197.50' });
    expect(p!.lines[0]!.description).toBe('Base salary 2026-01-01–2026-01-31 (31/31 days of 4200.00)');
  });

  it('a hire on 5 January pays 27 of 31 days', () => {
    const p = payslip(january, employment({ hireDate: '2026-01-05', contracts: [contract({ startDate: '2026-01-05' })] }));
    // 4200 × 27 / 31 = 3658.0645… → 3658.06; 0.11 × 3658.06 = 402.3866 → 402.39;
    // 0.20 × 3255.67 = 651.134 → 651.13; 0.2375 × 3658.06 = 868.78925 → 868.79.
    expect(amounts(p)).toEqual([
      ['EARNING', 'BASE_SALARY', '3658.06'],
      ['DEDUCTION', 'EMPLOYEE_CONTRIBUTION', '402.39'],
      ['TAX', 'INCOME_TAX', '651.13'],
      ['EMPLOYER_CONTRIBUTION', 'EMPLOYER_CONTRIBUTION', '868.79'],
    ]);
    expect(p).toMatchObject({ daysPaid: 27, gross: '3658.06', deductions: '1053.52', net: '2604.54', employerCost: '4526.85' });
  });

  it('a termination on 13 March pays 13 of 31 days, even while the contract runs on', () => {
    const p = payslip(march, employment({ terminationDate: '2026-03-13' }));
    // 4200 × 13 / 31 = 1761.2903… → 1761.29; 193.7419 → 193.74; 0.20 × 1567.55 = 313.51; 418.306375 → 418.31.
    expect(amounts(p)).toEqual([
      ['EARNING', 'BASE_SALARY', '1761.29'],
      ['DEDUCTION', 'EMPLOYEE_CONTRIBUTION', '193.74'],
      ['TAX', 'INCOME_TAX', '313.51'],
      ['EMPLOYER_CONTRIBUTION', 'EMPLOYER_CONTRIBUTION', '418.31'],
    ]);
    expect(p).toMatchObject({ daysPaid: 13, gross: '1761.29', deductions: '507.25', net: '1254.04', employerCost: '2179.60' });
  });

  it('a salary change on 16 April pays each contract for its own days', () => {
    const who = employment({
      contracts: [
        contract({ contractId: 'new', startDate: '2026-04-16', baseSalary: '3600.00' }),
        contract({ contractId: 'old', endDate: '2026-04-15', baseSalary: '3000.00' }),
      ],
    });
    const p = payslip(april, who);
    // 3000 × 15/30 = 1500.00 and 3600 × 15/30 = 1800.00.
    expect(amounts(p)).toEqual([
      ['EARNING', 'BASE_SALARY', '1500.00'],
      ['EARNING', 'BASE_SALARY', '1800.00'],
      ['DEDUCTION', 'EMPLOYEE_CONTRIBUTION', '363.00'],
      ['TAX', 'INCOME_TAX', '587.40'],
      ['EMPLOYER_CONTRIBUTION', 'EMPLOYER_CONTRIBUTION', '783.75'],
    ]);
    expect(p!.lines.slice(0, 2).map((l) => l.description)).toEqual([
      'Base salary 2026-04-01–2026-04-15 (15/30 days of 3000.00)',
      'Base salary 2026-04-16–2026-04-30 (15/30 days of 3600.00)',
    ]);
    expect(p).toMatchObject({ daysPaid: 30, gross: '3300.00', deductions: '950.40', net: '2349.60', employerCost: '4083.75' });
  });

  it('rounds each line half-even: a tie goes to the even cent', () => {
    const p = payslip(january, employment({ contracts: [contract({ baseSalary: '1003.50' })] }));
    // 0.11 × 1003.50 = 110.385 exactly: half-even gives 110.38 where half-up would give 110.39.
    expect(amounts(p)).toEqual([
      ['EARNING', 'BASE_SALARY', '1003.50'],
      ['DEDUCTION', 'EMPLOYEE_CONTRIBUTION', '110.38'],
      ['TAX', 'INCOME_TAX', '178.62'],
      ['EMPLOYER_CONTRIBUTION', 'EMPLOYER_CONTRIBUTION', '238.33'],
    ]);
    expect(p).toMatchObject({ net: '714.50', employerCost: '1241.83' });
  });

  it('prorates pay components and withholds deductions after tax', () => {
    const withComponents: PayrollTerms = {
      ...terms,
      components: [
        { code: 'MEAL_ALLOWANCE', name: 'Meal allowance', kind: 'EARNING', amount: '150.00', accountCode: null },
        { code: 'UNION_DUES', name: 'Union dues', kind: 'DEDUCTION', amount: '20.00', accountCode: '2400' },
      ],
    };
    const p = payslip(january, employment({ hireDate: '2026-01-05' }), withComponents);
    // 150 × 27/31 = 130.645… → 130.65; gross 3788.71; 416.7581 → 416.76; 0.20 × 3371.95 = 674.39; 20 × 27/31 → 17.42.
    expect(amounts(p)).toEqual([
      ['EARNING', 'BASE_SALARY', '3658.06'],
      ['EARNING', 'MEAL_ALLOWANCE', '130.65'],
      ['DEDUCTION', 'EMPLOYEE_CONTRIBUTION', '416.76'],
      ['TAX', 'INCOME_TAX', '674.39'],
      ['DEDUCTION', 'UNION_DUES', '17.42'],
      ['EMPLOYER_CONTRIBUTION', 'EMPLOYER_CONTRIBUTION', '899.82'],
    ]);
    expect(p).toMatchObject({ gross: '3788.71', deductions: '1108.57', net: '2680.14', employerCost: '4688.53' });
  });

  it('never lets net go negative: a deduction larger than what is left is capped', () => {
    const greedy: PayrollTerms = {
      ...terms,
      components: [{ code: 'LOAN', name: 'Loan repayment', kind: 'DEDUCTION', amount: '5000.00', accountCode: '2400' }],
    };
    const p = payslip(january, employment({ contracts: [contract({ baseSalary: '1000.00' })] }), greedy);
    // 1000 − 110.00 − 178.00 leaves 712.00, all of which the loan takes.
    expect(amounts(p)!.find(([, code]) => code === 'LOAN')).toEqual(['DEDUCTION', 'LOAN', '712.00']);
    expect(p).toMatchObject({ gross: '1000.00', deductions: '1000.00', net: '0.00' });
  });
});

describe('who is paid in a period', () => {
  it('pays nothing for contracts outside the period, nor for weekly and bi-weekly contracts', () => {
    expect(payslip(january, employment({ contracts: [contract({ startDate: '2026-02-01' })] }))).toBeNull();
    expect(payslip(january, employment({ contracts: [contract({ endDate: '2025-12-31' })] }))).toBeNull();
    expect(payslip(january, employment({ terminationDate: '2025-12-31' }))).toBeNull();
    expect(payslip(january, employment({ contracts: [contract({ payFrequency: 'WEEKLY' })] }))).toBeNull();
    expect(payslip(january, employment({ contracts: [contract({ payFrequency: 'BIWEEKLY' })] }))).toBeNull();
  });

  it('counts calendar days: a February contract starting on the 15th pays 14 of 28 days', () => {
    const p = payslip({ start: '2026-02-01', end: '2026-02-28' }, employment({ contracts: [contract({ startDate: '2026-02-15', baseSalary: '2800.00' })] }));
    expect(p).toMatchObject({ daysPaid: 14, gross: '1400.00' });
  });

  it('a run sums its payslips exactly and refuses contracts in another currency', () => {
    const run = calculatePayRun(
      january,
      [
        employment(),
        employment({
          employeeId: 'e2',
          employeeNumber: 'EMP-000002',
          hireDate: '2026-01-05',
          contracts: [contract({ contractId: 'c2', startDate: '2026-01-05' })],
        }),
      ],
      terms,
    );
    expect(run.ok && run.totals).toEqual({ gross: '7858.06', deductions: '2263.12', net: '5594.94', employerCost: '9724.35' });
    expect(run.ok && run.payslips.map((p) => p.employeeNumber)).toEqual(['EMP-000001', 'EMP-000002']);

    const foreign = calculatePayRun(january, [employment({ contracts: [contract({ currency: 'USD' })] })], terms);
    expect(foreign).toEqual({
      ok: false,
      currencyMismatches: [{ employeeId: 'e1', employeeNumber: 'EMP-000001', currency: 'USD' }],
      oversizedPayslips: [],
      totalsTooLarge: false,
    });
  });

  it('refuses payslips and totals beyond what payroll stores (numeric(14,2) and numeric(16,2))', () => {
    // Employer cost is 1.2375 times gross: the largest salary a contract takes does not fit a payslip.
    const oversized = calculatePayRun(january, [employment({ contracts: [contract({ baseSalary: '999999999999.99' })] })], terms);
    expect(oversized).toEqual({
      ok: false,
      currencyMismatches: [],
      oversizedPayslips: [{ employeeId: 'e1', employeeNumber: 'EMP-000001', employerCost: '1237499999999.99' }],
      totalsTooLarge: false,
    });
    // 800,000,000,000 fits a payslip (employer cost 990,000,000,000); 102 of them exceed a run's 10^14.
    const crowd = Array.from({ length: 102 }, (_, i) => employment({ employeeId: `e${i}`, contracts: [contract({ baseSalary: '800000000000.00' })] }));
    expect(calculatePayRun(january, crowd, terms)).toMatchObject({ ok: false, oversizedPayslips: [], totalsTooLarge: true });
    expect(calculatePayRun(january, crowd.slice(0, 100), terms)).toMatchObject({ ok: true, totals: { employerCost: '99000000000000.00' } });
  });
});
