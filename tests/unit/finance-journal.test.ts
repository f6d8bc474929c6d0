import fc from 'fast-check';
import {
  amountProblem,
  fromMinorUnits,
  isInClosedPeriod,
  reversalLines,
  toMinorUnits,
  validateEntry,
  type LedgerRules,
} from '../../subgraphs/finance/domain/journal';

const rules: LedgerRules = { decimals: 2, closedThrough: '2026-01-31', isKnownAccount: (code) => ['1000', '4000', '6000'].includes(code) };
const codes = (result: ReturnType<typeof validateEntry>) => result.errors.map((e) => [e.field, e.code]);

describe('validateEntry', () => {
  it('accepts a balanced entry and formats its amounts to the currency', () => {
    const result = validateEntry(
      {
        date: '2026-02-01',
        memo: 'Sale',
        lines: [
          { accountCode: '1000', debit: '1200' },
          { accountCode: '4000', credit: '1199.5' },
          { accountCode: '4000', credit: '0.50', description: 'rounding' },
        ],
      },
      ['input'],
      rules,
    );
    expect(result.errors).toEqual([]);
    expect(result.entry).toEqual({
      date: '2026-02-01',
      memo: 'Sale',
      total: '1200.00',
      lines: [
        { accountCode: '1000', debit: '1200.00', credit: '0.00', description: null },
        { accountCode: '4000', debit: '0.00', credit: '1199.50', description: null },
        { accountCode: '4000', debit: '0.00', credit: '0.50', description: 'rounding' },
      ],
    });
  });

  it('names every broken rule with its field path', () => {
    expect(codes(validateEntry({ date: '2026-02-01', lines: [{ accountCode: '1000', debit: '10.00' }] }, ['input'], rules))).toEqual([
      [['input', 'lines'], 'TOO_FEW_LINES'],
    ]);
    expect(
      codes(
        validateEntry(
          {
            date: '2026-02-01',
            lines: [
              { accountCode: '1000', debit: '10.00' },
              { accountCode: '4000', credit: '9.99' },
            ],
          },
          ['input'],
          rules,
        ),
      ),
    ).toEqual([[['input', 'lines'], 'UNBALANCED']]);
    expect(
      codes(
        validateEntry(
          {
            date: '2026-01-31',
            lines: [
              { accountCode: '1000', debit: '0' },
              { accountCode: '4000', credit: '-1.00' },
              { accountCode: '6000', debit: '1.001' },
              { accountCode: '6000', debit: '1.00', credit: '1.00' },
              { accountCode: '6000' },
              { accountCode: '9999', credit: '1.00' },
            ],
          },
          ['input', 'entries', '7'],
          rules,
        ),
      ),
    ).toEqual([
      [['input', 'entries', '7', 'date'], 'PERIOD_CLOSED'],
      [['input', 'entries', '7', 'lines', '0', 'debit'], 'AMOUNT_NOT_POSITIVE'],
      [['input', 'entries', '7', 'lines', '1', 'credit'], 'AMOUNT_NOT_POSITIVE'],
      [['input', 'entries', '7', 'lines', '2', 'debit'], 'INVALID_AMOUNT'],
      [['input', 'entries', '7', 'lines', '3'], 'DEBIT_AND_CREDIT'],
      [['input', 'entries', '7', 'lines', '4'], 'DEBIT_AND_CREDIT'],
      [['input', 'entries', '7', 'lines', '5', 'accountCode'], 'UNKNOWN_ACCOUNT'],
    ]);
  });

  it('does not claim an imbalance while an amount is unreadable', () => {
    expect(
      codes(
        validateEntry(
          {
            date: '2026-02-01',
            lines: [
              { accountCode: '1000', debit: 'abc' },
              { accountCode: '4000', credit: '5.00' },
            ],
          },
          ['input'],
          rules,
        ),
      ),
    ).toEqual([[['input', 'lines', '0', 'debit'], 'INVALID_AMOUNT']]);
  });

  it('is balanced exactly when the cent sums agree (no float ever sees the amounts)', () => {
    const cents = fc.integer({ min: 1, max: 99_999_999_999 });
    const asAmount = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    fc.assert(
      fc.property(fc.array(cents, { minLength: 1, maxLength: 6 }), fc.array(cents, { minLength: 1, maxLength: 6 }), (debits, credits) => {
        const lines = [
          ...debits.map((c) => ({ accountCode: '1000', debit: asAmount(c) })),
          ...credits.map((c) => ({ accountCode: '4000', credit: asAmount(c) })),
        ];
        const result = validateEntry({ date: '2026-02-01', lines }, [], rules);
        const balanced = BigInt(debits.reduce((a, b) => a + b, 0)) === BigInt(credits.reduce((a, b) => a + b, 0));
        expect(result.errors.map((e) => e.code)).toEqual(balanced ? [] : ['UNBALANCED']);
      }),
    );
  });
});

describe('amounts, periods and mirrors', () => {
  it('reads amounts strictly', () => {
    expect(amountProblem('0.01', 2)).toBeNull();
    expect(amountProblem('100', 2)).toBeNull();
    expect(amountProblem('0.00', 2)?.code).toBe('AMOUNT_NOT_POSITIVE');
    expect(amountProblem('-0.01', 2)?.code).toBe('AMOUNT_NOT_POSITIVE');
    expect(amountProblem('0.001', 2)?.code).toBe('INVALID_AMOUNT');
    expect(amountProblem('1e3', 2)?.code).toBe('INVALID_AMOUNT');
    expect(amountProblem('12', 0)).toBeNull();
    expect(amountProblem('12.5', 0)?.code).toBe('INVALID_AMOUNT');
  });

  it('closes a period through its last day inclusive', () => {
    expect(isInClosedPeriod('2026-01-31', '2026-01-31')).toBe(true);
    expect(isInClosedPeriod('2026-02-01', '2026-01-31')).toBe(false);
    expect(isInClosedPeriod('1999-01-01', null)).toBe(false);
  });

  it('reverses posted lines by swapping sides', () => {
    expect(
      reversalLines(
        [
          { accountCode: '1000', debit: '5.00', credit: '0.00', description: 'a' },
          { accountCode: '4000', debit: '0.00', credit: '5.00', description: null },
        ],
        2,
      ),
    ).toEqual([
      { accountCode: '1000', debit: null, credit: '5.00', description: 'a' },
      { accountCode: '4000', debit: '5.00', credit: null, description: null },
    ]);
  });

  it('converts amounts to exact minor units and back', () => {
    expect(toMinorUnits('12.3', 2)).toBe(1230n);
    expect(toMinorUnits('-0.05', 2)).toBe(-5n);
    expect(toMinorUnits('99999999999999999.99', 2)).toBe(9999999999999999999n);
    expect(fromMinorUnits(1230n, 2)).toBe('12.30');
    expect(fromMinorUnits(5n, 2)).toBe('0.05');
    expect(fromMinorUnits(-5n, 2)).toBe('-0.05');
    expect(fromMinorUnits(7n, 0)).toBe('7');
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (units) => expect(toMinorUnits(fromMinorUnits(units, 2), 2)).toBe(units)));
  });
});
