import fc from 'fast-check';
import { D, differenceOf, ratio } from '../../subgraphs/kit/money';
import { accumulatedDepreciationAsOf, type DepreciationTerms } from '../../subgraphs/assets/domain/depreciation';
import { monthEnd } from '../../subgraphs/assets/domain/dates';
import * as assets from '../../subgraphs/assets/domain/overview';
import { RefreshingCache } from '../../subgraphs/assets/services/refreshing-cache';
import { newHireWindow } from '../../subgraphs/employees/domain/overview';
import { accountSubtree, isCashAccount, ledgerFigures, type AccountLedger } from '../../subgraphs/finance/domain/overview';
import * as metrics from '../../subgraphs/access/domain/overview-metrics';
import * as payroll from '../../subgraphs/payroll/domain/overview';

// The overview's rules, module by module. Expected figures are worked out by
// hand in the comments, or come from the modules' own reference functions
// (decimal.js depreciation) that the fast paths must agree with exactly.

const eur = (amount: string) => ({ amount, currency: 'EUR' });

describe('assets: declining balance in integer cents', () => {
  /** asOf on which exactly `periods` months of a schedule starting in January 2020 are booked. */
  const asOfAfter = (periods: number) =>
    periods === 0 ? '2020-01-14' : monthEnd({ year: 2020 + Math.floor((periods - 1) / 12), month: ((periods - 1) % 12) + 1 });
  const cents = (amount: string) => Math.round(Number(amount) * 100);

  it('matches the decimal.js schedule to the cent for any terms and months', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 130 }),
        fc.integer({ min: 0, max: 130 }),
        (costCents, salvageShare, life, p1, p2) => {
          const salvageCents = Math.floor(costCents * salvageShare);
          const toAmount = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
          const terms: DepreciationTerms = {
            acquisitionDate: '2020-01-15',
            cost: toAmount(costCents),
            salvage: toAmount(salvageCents),
            usefulLifeMonths: life,
            method: 'DECLINING_BALANCE',
          };
          const [a1, a2] = assets.decliningBalanceAccumulatedCents(costCents, salvageCents, life, [p1, p2]);
          expect([a1, a2]).toEqual([
            cents(accumulatedDepreciationAsOf(terms, asOfAfter(Math.min(p1, life)))),
            cents(accumulatedDepreciationAsOf(terms, asOfAfter(Math.min(p2, life)))),
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('works out a small schedule by hand', () => {
    // 1000.00 over 4 months, no salvage: 2/4 of 1000.00 = 500.00; of 500.00 → 250.00 (= straight 250.00);
    // then straight line takes over: 250.00 ÷ 2 = 125.00, and the last month brings it to 0.
    expect(assets.decliningBalanceAccumulatedCents(100_000, 0, 4, [0, 1, 2, 3, 4, 9])).toEqual([0, 50_000, 75_000, 87_500, 100_000, 100_000]);
  });
});

describe('assets: register totals', () => {
  it('adds straight-line sums and declining-balance groups per currency, only assets on the books in the book value', () => {
    const totals = assets.registerTotals(
      [{ currency: 'EUR', onBooksAssets: 2, bookValueCents: '100000', depreciationYearToDateCents: '12000' }],
      [
        // 1000.00 over 4 months: 2 months before the year (750.00 booked), 4 by now → 250.00 this year, book value 0.
        { currency: 'EUR', costCents: 100_000, salvageCents: 0, life: 4, onBooks: true, periodsBeforeYear: 2, periodsToDate: 4, assets: 3 },
        // Disposed of this year after 1 more month: 125.00 of depreciation this year, no book value.
        { currency: 'EUR', costCents: 100_000, salvageCents: 0, life: 4, onBooks: false, periodsBeforeYear: 2, periodsToDate: 3, assets: 1 },
      ],
    );
    expect(Object.fromEntries([...totals.bookValue].map(([c, v]) => [c, v.toFixed(2)]))).toEqual({ EUR: '1000.00' });
    expect(Object.fromEntries([...totals.depreciationYearToDate].map(([c, v]) => [c, v.toFixed(2)]))).toEqual({ EUR: '995.00' }); // 120 + 3 × 250 + 125
  });

  it('keeps a currency with only disposed assets out of the book value', () => {
    const totals = assets.registerTotals(
      [
        { currency: 'USD', onBooksAssets: 0, bookValueCents: '0', depreciationYearToDateCents: '1000' },
        { currency: 'EUR', onBooksAssets: 1, bookValueCents: '500', depreciationYearToDateCents: '100' },
      ],
      [],
    );
    expect(assets.singleCurrencyTotal(totals.bookValue)).toEqual(eur('5.00'));
    expect(assets.singleCurrencyTotal(totals.depreciationYearToDate)).toBeNull();
  });

  it('is exact beyond 2^53 cents', () => {
    const totals = assets.registerTotals(
      [],
      [{ currency: 'EUR', costCents: 9_999_999_999_999, salvageCents: 0, life: 12, onBooks: true, periodsBeforeYear: 0, periodsToDate: 0, assets: 1_000_000 }],
    );
    expect(totals.bookValue.get('EUR')!.toFixed(2)).toBe('99999999999990000.00');
  });

  it('is zero euros for an empty register and null for several currencies', () => {
    expect(assets.singleCurrencyTotal(new Map())).toEqual(eur('0.00'));
    expect(assets.singleCurrencyTotal(new Map([['EUR', new D('1.5')]]))).toEqual(eur('1.50'));
    expect(
      assets.singleCurrencyTotal(
        new Map([
          ['EUR', new D(1)],
          ['USD', new D(2)],
        ]),
      ),
    ).toBeNull();
  });
});

describe('ratios and differences', () => {
  it.each([
    [3, 2, '1.5'],
    [1, 3, '0.3333'],
    [2, 3, '0.6667'],
    [4, 2, '2'],
    [0, 5, '0'],
    // Ties go to the even fourth decimal: 0.00015 → 0.0002, 0.00025 → 0.0002.
    [3, 20_000, '0.0002'],
    [5, 20_000, '0.0002'],
  ])('%s ÷ %s = %s (the one ratio assets and payroll divide with)', (n, d, expected) => {
    expect(ratio(n, d)).toBe(expected);
  });

  it('is null when dividing by zero', () => {
    expect(ratio(3, 0)).toBeNull();
  });

  it('subtracts only amounts in one currency', () => {
    expect(differenceOf(eur('1166.70'), eur('1500.00'))).toEqual(eur('-333.30'));
    expect(differenceOf({ amount: '1.00', currency: 'USD' }, eur('1.00'))).toBeNull();
    expect(differenceOf(null, eur('1.00'))).toBeNull();
    expect(differenceOf(eur('8910.00'), eur('9010.00'))).toEqual(eur('-100.00'));
    expect(differenceOf(null, eur('0.00'))).toBeNull();
  });
});

describe('payroll', () => {
  const terms = (salary: string, employer: string, components: Array<{ kind: 'EARNING' | 'DEDUCTION'; accountCode: string | null }> = []) => ({
    accounts: { salaryExpense: salary, employerContributionExpense: employer, netPayPayable: '2100', incomeTaxPayable: '2200', contributionsPayable: '2300' },
    components: components.map((c, i) => ({ code: `C${i}`, name: `C${i}`, amount: '10.00', ...c })),
  });

  it('knows every expense account it posted to or will post to, payables left out', () => {
    const accounts = payroll.payrollExpenseAccounts({
      current: terms('6000', '6100', [
        { kind: 'EARNING', accountCode: '6050' },
        { kind: 'EARNING', accountCode: null },
        { kind: 'DEDUCTION', accountCode: '2400' },
      ]),
      posted: [terms('6010', '6100'), terms('6000', '6100')],
    });
    expect(accounts).toEqual(['6000', '6010', '6050', '6100']);
  });

  it('sums the ledger balance of those accounts, and every expense of the year', () => {
    const ledger = [
      { code: '6000', balance: eur('9700.00'), yearToDate: eur('7200.00') },
      { code: '6100', balance: eur('2303.75'), yearToDate: eur('1710.00') },
      { code: '6500', balance: eur('400.00'), yearToDate: eur('100.00') },
    ];
    expect(metrics.ledgerPayrollExpense(ledger, ['6000', '6100', '6999'], 'EUR')).toEqual(eur('12003.75'));
    expect(metrics.ledgerExpensesYearToDate(ledger, 'EUR')).toEqual(eur('9010.00'));
    expect(metrics.ledgerPayrollExpense([], ['6000'], 'CHF')).toEqual({ amount: '0.00', currency: 'CHF' });
  });

  it('sets workforce costs against expenses only in one currency', () => {
    // (8910.00 + 90.00) ÷ 12000.00 = 0.75
    expect(metrics.workforceCostShare(eur('8910.00'), eur('90.00'), eur('12000.00'))).toBe('0.75');
    expect(metrics.workforceCostShare(eur('8910.00'), eur('90.00'), eur('0.00'))).toBeNull();
    expect(metrics.workforceCostShare(eur('8910.00'), null, eur('12000.00'))).toBeNull();
    expect(metrics.workforceCostShare(eur('8910.00'), { amount: '1.00', currency: 'USD' }, eur('12000.00'))).toBeNull();
  });

  it('never counts a negative number of unpaid active employees', () => {
    expect(metrics.activeNotPaid(2, 1)).toBe(1);
    expect(metrics.activeNotPaid(2, 3)).toBe(0);
  });

  it('totals in one currency, zero in the settings currency when nothing is posted', () => {
    expect(payroll.singleCurrencyTotal([], 'EUR')).toEqual(eur('0.00'));
    expect(payroll.singleCurrencyTotal([{ currency: 'EUR', amount: '8910.00' }], 'EUR')).toEqual(eur('8910.00'));
    expect(
      payroll.singleCurrencyTotal(
        [
          { currency: 'EUR', amount: '1.00' },
          { currency: 'USD', amount: '1.00' },
        ],
        'EUR',
      ),
    ).toBeNull();
  });
});

describe('the cross-module metrics access computes', () => {
  const facts = {
    currency: 'EUR',
    paidInLastPayRun: 3,
    paidStillActiveInLastPayRun: 2,
    postedPayrollCost: eur('12003.75'),
    payrollCostYearToDate: eur('8910.00'),
    expenseAccountCodes: ['6000', '6100'],
  };
  const ledger = [
    { code: '6000', balance: eur('9700.00'), yearToDate: eur('7200.00') },
    { code: '6100', balance: eur('2303.75'), yearToDate: eur('1710.00') },
    { code: '6500', balance: eur('3090.00'), yearToDate: eur('3090.00') },
  ];
  const all = {
    activeHeadcount: 4,
    assetsHeld: 6,
    registerBookValue: eur('1500.00'),
    depreciationYearToDate: eur('90.00'),
    ledgerFixedAssets: eur('1400.00'),
    ledgerExpenseAccounts: ledger,
    payrollFacts: facts,
  };

  it('combines the aggregates the plan brings', () => {
    expect(metrics.assetsEmployees(all)).toEqual({ assignedAssets: 6, activeHeadcount: 4, assetsPerActiveEmployee: '1.5' });
    expect(metrics.assetsFinance(all)).toEqual({ registerBookValue: eur('1500.00'), ledgerFixedAssets: eur('1400.00'), difference: eur('100.00') });
    expect(metrics.payrollEmployees(all)).toEqual({ activeHeadcount: 4, paidInLastPayRun: 3, activeNotPaidInLastPayRun: 2 });
    expect(metrics.payrollFinance(all)).toEqual({ postedPayrollCost: eur('12003.75'), ledgerPayrollExpense: eur('12003.75'), difference: eur('0.00') });
    // (8910.00 + 90.00) ÷ 12000.00 = 0.75
    expect(metrics.assetsPayrollFinance(all)).toEqual({
      payrollCost: eur('8910.00'),
      depreciation: eur('90.00'),
      ledgerExpenses: eur('12000.00'),
      workforceCostShare: '0.75',
    });
  });

  it('is null when a module sends nothing, and keeps a metric whose book value is null for several currencies', () => {
    expect(metrics.assetsEmployees({ ...all, activeHeadcount: null })).toBeNull();
    expect(metrics.assetsEmployees({ ...all, assetsHeld: undefined })).toBeNull();
    expect(metrics.assetsFinance({ ...all, ledgerFixedAssets: null })).toBeNull();
    expect(metrics.assetsFinance({ ...all, registerBookValue: null })).toEqual({
      registerBookValue: null,
      ledgerFixedAssets: eur('1400.00'),
      difference: null,
    });
    expect(metrics.payrollEmployees({ ...all, payrollFacts: null })).toBeNull();
    expect(metrics.payrollFinance({ ...all, ledgerExpenseAccounts: null })).toBeNull();
    expect(metrics.assetsPayrollFinance({ ...all, payrollFacts: undefined })).toBeNull();
    expect(metrics.assetsPayrollFinance({ ...all, depreciationYearToDate: null })!.workforceCostShare).toBeNull();
  });
});

describe('finance', () => {
  const account = (code: string, type: AccountLedger['type'], net: string, extra: Partial<AccountLedger> = {}): AccountLedger => ({
    id: `id-${code}`,
    code,
    type,
    parentId: null,
    isCash: false,
    isBank: false,
    hasBankTransactions: false,
    net,
    netYearToDate: net,
    ...extra,
  });

  it('counts flagged cash and bank accounts and any account holding bank transactions as cash', () => {
    const chart = [
      account('1000', 'ASSET', '10.00', { isCash: true }),
      account('1100', 'ASSET', '20.00', { isBank: true }),
      account('1010', 'ASSET', '500.00', { hasBankTransactions: true }),
      account('1200', 'ASSET', '7.00'),
    ];
    expect(chart.filter(isCashAccount).map((a) => a.code)).toEqual(['1000', '1100', '1010']);
    expect(ledgerFigures(chart).cash.toFixed(2)).toBe('530.00');
  });

  it('nets fixed assets with everything below 1500 in the chart, accumulated depreciation included', () => {
    const chart = [
      account('1500', 'ASSET', '5000.00'),
      account('1590', 'ASSET', '-1200.00', { parentId: 'id-1500', isContra: true } as Partial<AccountLedger>),
      account('1510', 'ASSET', '800.00', { parentId: 'id-1500' }),
      account('1511', 'ASSET', '100.00', { parentId: 'id-1510' }),
      account('1600', 'ASSET', '999.00'),
    ];
    expect(
      accountSubtree(chart, '1500')
        .map((a) => a.code)
        .sort(),
    ).toEqual(['1500', '1510', '1511', '1590']);
    expect(ledgerFigures(chart).fixedAssets.toFixed(2)).toBe('4700.00');
    expect(ledgerFigures([account('1600', 'ASSET', '1.00')]).fixedAssets.toFixed(2)).toBe('0.00');
  });

  it('lists the expense accounts in code order', () => {
    const chart = [account('6500', 'EXPENSE', '1.00'), account('4000', 'INCOME', '2.00'), account('6000', 'EXPENSE', '3.00')];
    expect(ledgerFigures(chart).expenseAccounts.map((a) => a.code)).toEqual(['6000', '6500']);
  });
});

describe('employees', () => {
  it('counts new hires over the 30 days ending today, across months and leap days', () => {
    expect(newHireWindow('2026-11-22')).toEqual({ from: '2026-10-24', to: '2026-11-22' });
    // 2028 is a leap year: 29 days before 1 March is 1 February.
    expect(newHireWindow('2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-03-01' });
    expect(newHireWindow('2027-03-01')).toEqual({ from: '2027-01-31', to: '2027-03-01' });
  });
});

describe('assets: the register totals cache', () => {
  // Resolvable computations and a hand-driven clock: no timers, no sleeps.
  function harness() {
    let clock = 0;
    const started: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
    const cache = new RefreshingCache<string>({ maxAgeMillis: 5_000, refreshAfterMillis: 3_500, maxEntries: 2, now: () => clock });
    const compute = () => new Promise<string>((resolve, reject) => started.push({ resolve, reject }));
    return { cache, compute, started, tick: (ms: number) => (clock += ms) };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('serves one computation to concurrent and later requests until the fingerprint changes', async () => {
    const { cache, compute, started, tick } = harness();
    const first = cache.get('t1', 'f1', compute);
    const second = cache.get('t1', 'f1', compute);
    expect(started).toHaveLength(1);
    started[0]!.resolve('v1');
    expect([await first, await second]).toEqual(['v1', 'v1']);
    tick(1_000);
    expect(await cache.get('t1', 'f1', compute)).toBe('v1');
    const changed = cache.get('t1', 'f2', compute);
    expect(started).toHaveLength(2);
    started[1]!.resolve('v2');
    expect(await changed).toBe('v2');
  });

  it('refreshes in the background after 3.5 s and never serves a value 5 s old', async () => {
    const { cache, compute, started, tick } = harness();
    const first = cache.get('t1', 'f', compute);
    started[0]!.resolve('v1');
    await first;
    tick(3_600);
    expect(await cache.get('t1', 'f', compute)).toBe('v1'); // served at once...
    expect(started).toHaveLength(2); // ...while one refresh runs
    expect(await cache.get('t1', 'f', compute)).toBe('v1');
    expect(started).toHaveLength(2);
    started[1]!.resolve('v2');
    await settle();
    expect(await cache.get('t1', 'f', compute)).toBe('v2');
    // The refreshed value counts from when its refresh started (3.6 s): at 8.6 s it is too old to serve.
    tick(5_000);
    const late = cache.get('t1', 'f', compute);
    expect(started).toHaveLength(3);
    started[2]!.resolve('v3');
    expect(await late).toBe('v3');
  });

  it('does not keep a failed computation, and keeps tenants apart', async () => {
    const { cache, compute, started } = harness();
    const failed = cache.get('t1', 'f', compute);
    started[0]!.reject(new Error('database away'));
    await expect(failed).rejects.toThrow('database away');
    const other = cache.get('t2', 'f', compute);
    const retried = cache.get('t1', 'f', compute);
    expect(started).toHaveLength(3);
    started[1]!.resolve('tenant 2');
    started[2]!.resolve('tenant 1');
    expect([await other, await retried]).toEqual(['tenant 2', 'tenant 1']);
  });

  it('holds at most maxEntries tenants, dropping the oldest', async () => {
    const { cache, compute, started } = harness();
    for (const tenant of ['t1', 't2', 't3']) {
      const value = cache.get(tenant, 'f', compute);
      started.at(-1)!.resolve(tenant);
      await value;
    }
    expect(await cache.get('t3', 'f', compute)).toBe('t3');
    expect(started).toHaveLength(3);
    const again = cache.get('t1', 'f', compute); // t1 was dropped for t3
    expect(started).toHaveLength(4);
    started[3]!.resolve('t1 again');
    expect(await again).toBe('t1 again');
  });
});
