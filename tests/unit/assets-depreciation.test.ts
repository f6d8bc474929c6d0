import {
  accumulatedDepreciationAsOf,
  bookValueAsOf,
  carryingAmountAsOf,
  depreciationSchedule,
  disposalGainOrLoss,
  periodsElapsed,
  type DepreciationTerms,
} from '../../subgraphs/assets/domain/depreciation';

// Every expected figure below was worked out by hand (see the comments), not by the code under test.

const laptop: DepreciationTerms = { acquisitionDate: '2026-01-10', cost: '1500.00', salvage: '300.00', usefulLifeMonths: 36, method: 'STRAIGHT_LINE' };
const row = (number: number, period: string, periodEnd: string, depreciation: string, accumulated: string, bookValue: string) => ({
  number,
  period,
  periodEnd,
  depreciation,
  accumulated,
  bookValue,
});

describe('straight line', () => {
  // 1200.00 / 36 = 33.333… → 33.33 a month; 35 × 33.33 = 1166.55, so the last month takes 1200.00 − 1166.55 = 33.45.
  const schedule = depreciationSchedule(laptop);

  it('has one row per month of the useful life, from the month of acquisition', () => {
    expect(schedule).toHaveLength(36);
    expect(schedule[0]).toEqual(row(1, '2026-01', '2026-01-31', '33.33', '33.33', '1466.67'));
    expect(schedule[1]).toEqual(row(2, '2026-02', '2026-02-28', '33.33', '66.66', '1433.34'));
    expect(schedule[11]).toEqual(row(12, '2026-12', '2026-12-31', '33.33', '399.96', '1100.04'));
    // 2028 is a leap year.
    expect(schedule[25]).toEqual(row(26, '2028-02', '2028-02-29', '33.33', '866.58', '633.42'));
    expect(schedule[34]).toEqual(row(35, '2028-11', '2028-11-30', '33.33', '1166.55', '333.45'));
    expect(schedule[35]).toEqual(row(36, '2028-12', '2028-12-31', '33.45', '1200.00', '300.00'));
  });

  it('charges exactly cost less salvage in total', () => {
    expect(schedule.filter((r) => r.depreciation === '33.33')).toHaveLength(35);
    expect(schedule.at(-1)!.accumulated).toBe('1200.00');
  });

  it('never charges a negative month when the monthly share rounds to zero', () => {
    // 0.07 / 10 = 0.007 → 0.00 for nine months, 0.07 in the tenth.
    const tiny = depreciationSchedule({ ...laptop, cost: '0.07', salvage: '0.00', usefulLifeMonths: 10 });
    expect(tiny.map((r) => r.depreciation)).toEqual([...Array(9).fill('0.00'), '0.07']);
  });

  it('depreciates nothing when salvage equals cost, and everything in one month for a one-month life', () => {
    expect(depreciationSchedule({ ...laptop, salvage: '1500.00', usefulLifeMonths: 3 }).map((r) => r.depreciation)).toEqual(['0.00', '0.00', '0.00']);
    expect(depreciationSchedule({ ...laptop, usefulLifeMonths: 1 })).toEqual([row(1, '2026-01', '2026-01-31', '1200.00', '1200.00', '300.00')]);
  });
});

describe('double declining balance', () => {
  it('switches to straight line when that is larger (1000.00, no salvage, 5 months, rate 40%)', () => {
    // M1 1000 × 0.4 = 400 (SL 1000/5 = 200); M2 600 × 0.4 = 240 (SL 150); M3 360 × 0.4 = 144 (SL 120);
    // M4 216 × 0.4 = 86.40 < SL 216/2 = 108 → 108; M5 SL 108/1 = 108.
    expect(depreciationSchedule({ acquisitionDate: '2026-03-15', cost: '1000.00', salvage: '0.00', usefulLifeMonths: 5, method: 'DECLINING_BALANCE' })).toEqual(
      [
        row(1, '2026-03', '2026-03-31', '400.00', '400.00', '600.00'),
        row(2, '2026-04', '2026-04-30', '240.00', '640.00', '360.00'),
        row(3, '2026-05', '2026-05-31', '144.00', '784.00', '216.00'),
        row(4, '2026-06', '2026-06-30', '108.00', '892.00', '108.00'),
        row(5, '2026-07', '2026-07-31', '108.00', '1000.00', '0.00'),
      ],
    );
  });

  it('rounds each month to cents and stops at salvage (1000.00, salvage 100.00, 6 months, rate 1/3)', () => {
    // M1 1000/3 = 333.333 → 333.33; M2 666.67/3 = 222.223 → 222.22; M3 444.45/3 = 148.15;
    // M4 296.30/3 = 98.767 → 98.77; M5 197.53/3 = 65.843 → 65.84;
    // M6 131.69/3 = 43.90 but only 131.69 − 100.00 = 31.69 is left above salvage.
    expect(
      depreciationSchedule({ acquisitionDate: '2026-01-01', cost: '1000.00', salvage: '100.00', usefulLifeMonths: 6, method: 'DECLINING_BALANCE' }),
    ).toEqual([
      row(1, '2026-01', '2026-01-31', '333.33', '333.33', '666.67'),
      row(2, '2026-02', '2026-02-28', '222.22', '555.55', '444.45'),
      row(3, '2026-03', '2026-03-31', '148.15', '703.70', '296.30'),
      row(4, '2026-04', '2026-04-30', '98.77', '802.47', '197.53'),
      row(5, '2026-05', '2026-05-31', '65.84', '868.31', '131.69'),
      row(6, '2026-06', '2026-06-30', '31.69', '900.00', '100.00'),
    ]);
  });

  it('depreciates the laptop to exactly its salvage over 36 months, never below it', () => {
    const schedule = depreciationSchedule({ ...laptop, method: 'DECLINING_BALANCE' });
    // M1 1500 × 2/36 = 83.333 → 83.33; M2 1416.67 × 2/36 = 78.704 → 78.70; M3 1337.97 / 18 = 74.332 → 74.33.
    expect(schedule.slice(0, 3).map((r) => [r.depreciation, r.bookValue])).toEqual([
      ['83.33', '1416.67'],
      ['78.70', '1337.97'],
      ['74.33', '1263.64'],
    ]);
    expect(schedule).toHaveLength(36);
    expect(schedule.at(-1)).toMatchObject({ accumulated: '1200.00', bookValue: '300.00' });
    const values = schedule.map((r) => Number(r.bookValue.replace('.', '')));
    expect(values.every((v, i) => v >= 30000 && (i === 0 || v <= values[i - 1]!))).toBe(true);
  });
});

describe('book value as of a date', () => {
  it('counts the months whose last day has passed', () => {
    expect(periodsElapsed('2026-01-10', 36, '2026-01-30')).toBe(0);
    expect(periodsElapsed('2026-01-10', 36, '2026-01-31')).toBe(1);
    expect(periodsElapsed('2026-01-10', 36, '2026-05-01')).toBe(4);
    expect(periodsElapsed('2026-01-10', 36, '2025-06-30')).toBe(0);
    expect(periodsElapsed('2026-01-10', 36, '2031-01-01')).toBe(36);
  });

  it('is cost less the depreciation booked so far', () => {
    expect(bookValueAsOf(laptop, '2026-01-10')).toBe('1500.00');
    expect(bookValueAsOf(laptop, '2026-01-31')).toBe('1466.67');
    // Jan–Apr: 4 × 33.33 = 133.32.
    expect(bookValueAsOf(laptop, '2026-05-01')).toBe('1366.68');
    // Jan–Sep: 9 × 33.33 = 299.97.
    expect(bookValueAsOf(laptop, '2026-09-30')).toBe('1200.03');
    expect(accumulatedDepreciationAsOf(laptop, '2026-12-31')).toBe('399.96');
    expect(bookValueAsOf(laptop, '2026-12-31')).toBe('1100.04');
    expect(bookValueAsOf(laptop, '2040-01-01')).toBe('300.00');
    expect(bookValueAsOf(laptop, '2025-12-31')).toBe('1500.00');
  });

  it('agrees with the schedule at every month end, for declining balance too', () => {
    // From the hand-computed table above: after March, 1000.00 − 703.70.
    const ddb: DepreciationTerms = { acquisitionDate: '2026-01-01', cost: '1000.00', salvage: '100.00', usefulLifeMonths: 6, method: 'DECLINING_BALANCE' };
    expect(bookValueAsOf(ddb, '2026-03-30')).toBe('444.45');
    expect(bookValueAsOf(ddb, '2026-03-31')).toBe('296.30');
    for (const terms of [laptop, { ...laptop, method: 'DECLINING_BALANCE' as const }]) {
      for (const r of depreciationSchedule(terms)) expect([r.period, bookValueAsOf(terms, r.periodEnd)]).toEqual([r.period, r.bookValue]);
    }
  });

  it('is zero from the disposal date on', () => {
    // Jan–Aug booked on the 29th: 8 × 33.33 = 266.64.
    expect(carryingAmountAsOf(laptop, '2026-09-30', '2026-09-29')).toBe('1233.36');
    expect(carryingAmountAsOf(laptop, '2026-09-30', '2026-09-30')).toBe('0.00');
    expect(carryingAmountAsOf(laptop, '2026-09-30', '2026-12-31')).toBe('0.00');
    expect(carryingAmountAsOf(laptop, null, '2026-12-31')).toBe('1100.04');
  });

  it('measures the gain or loss of a disposal against book value', () => {
    expect(disposalGainOrLoss('200.00', '1200.03')).toBe('-1000.03');
    expect(disposalGainOrLoss('350.00', '300.00')).toBe('50.00');
    expect(disposalGainOrLoss('0.00', '0.00')).toBe('0.00');
  });
});
