import { toAmount } from '../../subgraphs/kit/money';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import { depreciationAtDisposal, monthCharges, runnablePeriod, totalsByCurrency } from '../../subgraphs/assets/domain/depreciation-ledger';
import { depreciationOfPeriod, depreciationSchedule, type DepreciationTerms } from '../../subgraphs/assets/domain/depreciation';
import { applyLedgerSettingsChange, ledgerSettingsChangeErrors, type AssetLedgerAccounts } from '../../subgraphs/assets/domain/ledger-settings';
import { postingTotals, type LedgerPostingLine } from '../../subgraphs/contracts/posting';
import { acquisitionPosting, depreciationPosting, disposalPosting, type Disposal } from '../../subgraphs/assets/domain/postings';

// Every expected figure was worked out by hand in the comments, not by the code under test.

const accounts: AssetLedgerAccounts = {
  fixedAssets: '1500',
  accumulatedDepreciation: '1590',
  acquisitionCredit: '2000',
  depreciationExpense: '6500',
  disposalProceeds: '1100',
  gainOnDisposal: '4900',
  lossOnDisposal: '6900',
};

// 1500.00 cost, 300.00 salvage, 36 months straight line: 33.33 a month (the last 33.45).
const laptop = { id: 'a1', tag: 'LAP-0001', currency: 'EUR', acquisitionDate: '2026-01-10', cost: '1500.00' };
const laptopTerms: DepreciationTerms = { acquisitionDate: '2026-01-10', cost: '1500.00', salvage: '300.00', usefulLifeMonths: 36, method: 'STRAIGHT_LINE' };

const amounts = (lines: LedgerPostingLine[]) => lines.map((l) => [l.accountCode, l.debit ? 'Dr' : 'Cr', l.debit ?? l.credit]);

describe('acquisition', () => {
  it('debits fixed assets and credits the acquisition account at cost, on the acquisition date', () => {
    expect(acquisitionPosting(accounts, laptop)).toEqual({
      reference: 'asset:a1:acquisition',
      date: '2026-01-10',
      memo: 'Acquisition of asset LAP-0001',
      currency: 'EUR',
      lines: [
        { accountCode: '1500', debit: '1500.00', description: 'LAP-0001 at cost' },
        { accountCode: '2000', credit: '1500.00', description: 'Acquisition of LAP-0001' },
      ],
    });
  });

  it('uses the configured accounts, e.g. paid from the bank', () => {
    expect(amounts(acquisitionPosting({ ...accounts, fixedAssets: '1510', acquisitionCredit: '1100' }, laptop)!.lines)).toEqual([
      ['1510', 'Dr', '1500.00'],
      ['1100', 'Cr', '1500.00'],
    ]);
  });

  it('has nothing to post for an asset that cost nothing', () => {
    expect(acquisitionPosting(accounts, { ...laptop, cost: '0.00' })).toBeNull();
  });
});

describe('depreciation run', () => {
  it('debits depreciation expense and credits accumulated depreciation with the run total on the month end', () => {
    const run = { id: 'r1', period: '2026-02', periodEnd: '2026-02-28', currency: 'EUR', assetCount: 3, total: '1234.56' };
    expect(depreciationPosting(accounts, run)).toEqual({
      reference: 'depreciation:2026-02:r1',
      date: '2026-02-28',
      memo: 'Depreciation 2026-02 (3 assets)',
      currency: 'EUR',
      lines: [
        { accountCode: '6500', debit: '1234.56', description: 'Depreciation 2026-02, 3 assets' },
        { accountCode: '1590', credit: '1234.56', description: 'Depreciation 2026-02, 3 assets' },
      ],
    });
  });
});

describe('disposal', () => {
  const disposal = (change: Partial<Disposal>): Disposal => ({
    asset: laptop,
    date: '2026-09-30',
    proceeds: '200.00',
    // Jan–Sep 2026 booked by 30 September: 9 × 33.33.
    scheduleAccumulated: '299.97',
    postedAccumulated: '0.00',
    ...change,
  });

  it('catches up depreciation no run posted and books a loss (nothing posted before)', () => {
    // Book value 1500.00 − 299.97 = 1200.03; 200.00 − 1200.03 = −1000.03.
    // Catch-up Dr 6500 / Cr 1590 299.97 and removal Dr 1590 299.97 net to nothing on 1590.
    const posting = disposalPosting(accounts, disposal({}))!;
    expect(posting).toMatchObject({ reference: 'asset:a1:disposal', date: '2026-09-30', memo: 'Disposal of asset LAP-0001', currency: 'EUR' });
    expect(amounts(posting.lines)).toEqual([
      ['6500', 'Dr', '299.97'],
      ['1100', 'Dr', '200.00'],
      ['6900', 'Dr', '1000.03'],
      ['1500', 'Cr', '1500.00'],
    ]);
    expect(postingTotals(posting.lines)).toEqual({ debit: '1500.00', credit: '1500.00' });
  });

  it('catches up only the months not yet posted and books a gain', () => {
    // Runs posted Jan–Mar (3 × 33.33 = 99.99); the disposal catches up Apr–Sep: 299.97 − 99.99 = 199.98.
    // 1590 nets to Dr 99.99 (what the runs credited). Gain 1300.00 − 1200.03 = 99.97.
    const posting = disposalPosting(accounts, disposal({ proceeds: '1300.00', postedAccumulated: '99.99' }))!;
    expect(amounts(posting.lines)).toEqual([
      ['6500', 'Dr', '199.98'],
      ['1590', 'Dr', '99.99'],
      ['1100', 'Dr', '1300.00'],
      ['1500', 'Cr', '1500.00'],
      ['4900', 'Cr', '99.97'],
    ]);
    expect(postingTotals(posting.lines)).toEqual({ debit: '1599.97', credit: '1599.97' });
  });

  it('has no catch-up when every month is posted, and no proceeds line when scrapped', () => {
    // Loss = book value 1200.03.
    expect(amounts(disposalPosting(accounts, disposal({ proceeds: '0.00', postedAccumulated: '299.97' }))!.lines)).toEqual([
      ['1590', 'Dr', '299.97'],
      ['6900', 'Dr', '1200.03'],
      ['1500', 'Cr', '1500.00'],
    ]);
  });

  it('books neither gain nor loss when the proceeds equal the book value', () => {
    expect(amounts(disposalPosting(accounts, disposal({ proceeds: '1200.03', postedAccumulated: '299.97' }))!.lines)).toEqual([
      ['1590', 'Dr', '299.97'],
      ['1100', 'Dr', '1200.03'],
      ['1500', 'Cr', '1500.00'],
    ]);
  });

  it('reverses depreciation posted for months after a backdated disposal', () => {
    // Runs posted Jan–Nov (11 × 33.33 = 366.63) but the asset went on 30 Sep: 366.63 − 299.97 = 66.66 back to 6500.
    // Sold at book value 1200.03: no gain or loss.
    const posting = disposalPosting(accounts, disposal({ proceeds: '1200.03', postedAccumulated: '366.63' }))!;
    expect(amounts(posting.lines)).toEqual([
      ['1590', 'Dr', '366.63'],
      ['1100', 'Dr', '1200.03'],
      ['6500', 'Cr', '66.66'],
      ['1500', 'Cr', '1500.00'],
    ]);
    expect(posting.lines[2]!.description).toBe('Depreciation of LAP-0001 posted for months after its disposal, reversed');
  });

  it('merges lines on one account, e.g. losses booked to depreciation expense', () => {
    // 299.97 catch-up + 1000.03 loss = 1300.00 on 6500.
    const posting = disposalPosting({ ...accounts, lossOnDisposal: '6500' }, disposal({}))!;
    expect(posting.lines).toEqual([
      {
        accountCode: '6500',
        debit: '1300.00',
        description: 'Depreciation of LAP-0001 up to its disposal, not posted before; Loss on the disposal of LAP-0001',
      },
      { accountCode: '1100', debit: '200.00', description: 'Proceeds from the disposal of LAP-0001' },
      { accountCode: '1500', credit: '1500.00', description: 'LAP-0001 removed at cost' },
    ]);
  });

  it('balances to the cent and clears the asset from fixed assets and accumulated depreciation, whatever the figures', () => {
    const cents = (max: number) => fc.integer({ min: 0, max }).map((c) => toAmount(new Decimal(c).div(100)));
    fc.assert(
      fc.property(cents(10_000_000), cents(10_000_000), cents(10_000_000), cents(10_000_000), (cost, scheduleRaw, postedRaw, proceeds) => {
        const schedule = toAmount(Decimal.min(scheduleRaw, cost));
        const posted = toAmount(Decimal.min(postedRaw, cost));
        const posting = disposalPosting(accounts, {
          asset: { ...laptop, cost },
          date: '2026-09-30',
          proceeds,
          scheduleAccumulated: schedule,
          postedAccumulated: posted,
        });
        if (posting === null)
          return new Decimal(cost).isZero() && new Decimal(proceeds).isZero() && new Decimal(posted).isZero() && new Decimal(schedule).isZero();
        const net = (code: string) =>
          posting.lines.filter((l) => l.accountCode === code).reduce((s, l) => s.plus(l.debit ?? 0).minus(l.credit ?? 0), new Decimal(0));
        const totals = postingTotals(posting.lines);
        return (
          totals.debit === totals.credit &&
          posting.lines.every((l) => (l.debit === undefined) !== (l.credit === undefined) && new Decimal(l.debit ?? l.credit!).gt(0)) &&
          // Fixed assets: the cost debited on acquisition comes off. Accumulated depreciation: the runs' credits come off.
          net('1500').plus(cost).isZero() &&
          net('1590').minus(posted).isZero() &&
          // Gain less loss = proceeds − (cost − schedule).
          net('6900').plus(net('4900')).negated().equals(new Decimal(proceeds).minus(cost).plus(schedule))
        );
      }),
    );
  });
});

describe('what a run and a disposal post', () => {
  it('refuses malformed and future periods and accepts the current month', () => {
    expect(runnablePeriod('2026-13', '2026-11-22')).toEqual({ refusal: expect.objectContaining({ code: 'INVALID_PERIOD' }) });
    expect(runnablePeriod('2026-3', '2026-11-22')).toEqual({ refusal: expect.objectContaining({ code: 'INVALID_PERIOD' }) });
    expect(runnablePeriod('2026-12', '2026-11-22')).toEqual({ refusal: expect.objectContaining({ code: 'PERIOD_IN_FUTURE' }) });
    expect(runnablePeriod('2026-11', '2026-11-22')).toEqual({ month: { year: 2026, month: 11 } });
    expect(runnablePeriod('2019-01', '2026-11-22')).toEqual({ month: { year: 2019, month: 1 } });
  });

  it("charges each asset the month's depreciation of its schedule, nothing outside its useful life", () => {
    // Declining balance 1200.00, no salvage, 12 months: M1 1200 × 2/12 = 200.00; M2 1000 × 2/12 = 166.666… → 166.67.
    const ddb: DepreciationTerms = { acquisitionDate: '2026-01-31', cost: '1200.00', salvage: '0.00', usefulLifeMonths: 12, method: 'DECLINING_BALANCE' };
    expect(depreciationOfPeriod(ddb, { year: 2026, month: 2 })).toBe('166.67');
    expect(depreciationOfPeriod(laptopTerms, { year: 2028, month: 12 })).toBe('33.45');
    expect(depreciationOfPeriod(laptopTerms, { year: 2029, month: 1 })).toBe('0.00');
    expect(depreciationOfPeriod(laptopTerms, { year: 2025, month: 12 })).toBe('0.00');
    const assets = [
      { id: 'a1', currency: 'EUR', terms: laptopTerms },
      { id: 'a2', currency: 'EUR', terms: ddb },
      { id: 'a3', currency: 'USD', terms: { ...laptopTerms, cost: '3600.00', salvage: '0.00' } },
      // Nothing to depreciate: salvage equals cost.
      { id: 'a4', currency: 'EUR', terms: { ...laptopTerms, salvage: '1500.00' } },
    ];
    const charges = monthCharges(assets, { year: 2026, month: 2 });
    expect(charges).toEqual([
      { assetId: 'a1', currency: 'EUR', amount: '33.33' },
      { assetId: 'a2', currency: 'EUR', amount: '166.67' },
      // 3600.00 / 36 = 100.00.
      { assetId: 'a3', currency: 'USD', amount: '100.00' },
    ]);
    expect(totalsByCurrency(charges)).toEqual([
      { currency: 'EUR', assetCount: 2, total: '200.00' },
      { currency: 'USD', assetCount: 1, total: '100.00' },
    ]);
  });

  it('finds at disposal the booked months no run posted, and what was posted', () => {
    // Disposed 15 May: Jan–Apr booked (4 × 33.33 = 133.32). Feb was posted by a run; Jan, Mar and Apr were not.
    const atDisposal = depreciationAtDisposal(laptopTerms, '2026-05-15', [{ period: '2026-02', amount: '33.33' }]);
    expect(atDisposal).toEqual({
      scheduleAccumulated: '133.32',
      postedAccumulated: '33.33',
      unposted: [
        { period: '2026-01', amount: '33.33' },
        { period: '2026-03', amount: '33.33' },
        { period: '2026-04', amount: '33.33' },
      ],
    });
    // On a month end, that month counts; before the first month end nothing is booked.
    expect(depreciationAtDisposal(laptopTerms, '2026-01-31', []).scheduleAccumulated).toBe('33.33');
    expect(depreciationAtDisposal(laptopTerms, '2026-01-30', [])).toEqual({ scheduleAccumulated: '0.00', postedAccumulated: '0.00', unposted: [] });
    // The schedule's own figure, for the record: Sep 2026 accumulated.
    expect(depreciationSchedule(laptopTerms)[8]!.accumulated).toBe('299.97');
  });
});

describe('ledger settings', () => {
  it('takes finance-style account codes and keeps the codes left out', () => {
    expect(ledgerSettingsChangeErrors({ fixedAssets: '1510', gainOnDisposal: null })).toEqual([]);
    expect(ledgerSettingsChangeErrors({ fixedAssets: '15 10', lossOnDisposal: '' })).toEqual([
      expect.objectContaining({ field: ['input', 'fixedAssets'], code: 'INVALID_ACCOUNT_CODE' }),
      expect.objectContaining({ field: ['input', 'lossOnDisposal'], code: 'INVALID_ACCOUNT_CODE' }),
    ]);
    expect(applyLedgerSettingsChange(accounts, { acquisitionCredit: '1100', gainOnDisposal: null })).toEqual({ ...accounts, acquisitionCredit: '1100' });
  });
});
