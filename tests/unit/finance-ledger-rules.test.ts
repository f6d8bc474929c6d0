import fc from 'fast-check';
import { validateNewAccount } from '../../subgraphs/finance/domain/accounts';
import { accountBalance, normalSide, trialBalance } from '../../subgraphs/finance/domain/balances';
import { bankAmountProblem, bankTransactionEntry, canHoldBankTransactions } from '../../subgraphs/finance/domain/bank';
import { canonicalAmount, canonicalJson, requestFingerprint } from '../../subgraphs/kit/fingerprint';
import { assignNumbers, countByYear, formatEntryNumber, numberRanges, parseEntryNumber } from '../../subgraphs/finance/domain/numbering';
import { isReconciled, reconciliationDifference } from '../../subgraphs/finance/domain/reconciliation';

describe('entry numbers', () => {
  it('formats JE-<year>-<6+ digits> and reads it back', () => {
    expect(formatEntryNumber(2026, 1)).toBe('JE-2026-000001');
    expect(formatEntryNumber(2026, 1_234_567)).toBe('JE-2026-1234567');
    expect(parseEntryNumber('JE-2026-000042')).toEqual({ year: 2026, seq: 42 });
    expect(parseEntryNumber('JE-26-1')).toBeNull();
  });

  it('gives a batch contiguous blocks per year that end at the advanced counter', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2024, max: 2027 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 1000 }), (years, before) => {
        const dates = years.map((y) => `${y}-06-15`);
        const last = new Map(countByYear(dates).map(({ year, count }) => [year, before + count]));
        const numbers = assignNumbers(dates, last);
        for (const { year, count } of countByYear(dates)) {
          const seqs = numbers.filter((n) => n.year === year).map((n) => n.seq);
          expect(seqs).toEqual(Array.from({ length: count }, (_, i) => before + 1 + i));
        }
        expect(numbers.map((n) => n.year)).toEqual(years);
      }),
    );
  });

  it('orders years ascending (the order counters are locked in) and summarises ranges', () => {
    expect(countByYear(['2027-01-01', '2026-05-05', '2027-02-02'])).toEqual([
      { year: 2026, count: 1 },
      { year: 2027, count: 2 },
    ]);
    expect(
      numberRanges([
        { year: 2027, seq: 4 },
        { year: 2026, seq: 9 },
        { year: 2027, seq: 3 },
      ]),
    ).toEqual([
      { year: 2026, from: 'JE-2026-000009', to: 'JE-2026-000009' },
      { year: 2027, from: 'JE-2027-000003', to: 'JE-2027-000004' },
    ]);
  });
});

describe('balances', () => {
  it('reports on the normal side: debit for assets and expenses, credit otherwise', () => {
    expect(['ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE'].map((t) => normalSide(t as never))).toEqual(['DEBIT', 'CREDIT', 'CREDIT', 'CREDIT', 'DEBIT']);
    expect(accountBalance('ASSET', '1200.00', '200.00')).toBe('1000.00');
    expect(accountBalance('INCOME', '0.00', '1200.00')).toBe('1200.00');
    // A contra asset (accumulated depreciation) carries a negative balance.
    expect(accountBalance('ASSET', '0', '33.33')).toBe('-33.33');
  });

  it('puts net balances in one column and always totals equal for a balanced ledger', () => {
    expect(
      trialBalance([
        { accountId: 'a', debitTotal: '10', creditTotal: '10' },
        { accountId: 'b', debitTotal: '5', creditTotal: '7.5' },
        { accountId: 'c', debitTotal: '2.5', creditTotal: '0' },
      ]),
    ).toEqual({
      rows: [
        { accountId: 'b', debit: '0.00', credit: '2.50' },
        { accountId: 'c', debit: '2.50', credit: '0.00' },
      ],
      totalDebit: '2.50',
      totalCredit: '2.50',
    });
    const cents = fc.integer({ min: 0, max: 1_000_000_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(cents, cents), { minLength: 1, maxLength: 20 }), (pairs) => {
        // Make the whole ledger balanced by giving the difference to one more account.
        const debit = pairs.reduce((s, [d]) => s + d, 0);
        const credit = pairs.reduce((s, [, c]) => s + c, 0);
        const money = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
        const totals = pairs.map(([d, c], i) => ({ accountId: String(i), debitTotal: money(d), creditTotal: money(c) }));
        totals.push({ accountId: 'plug', debitTotal: money(Math.max(0, credit - debit)), creditTotal: money(Math.max(0, debit - credit)) });
        const tb = trialBalance(totals);
        expect(tb.totalDebit).toBe(tb.totalCredit);
      }),
    );
  });
});

describe('bank transactions and reconciliation', () => {
  it('debits the bank for money in and credits it for money out', () => {
    const input = { bankAccountCode: '1010', counterAccountCode: '4000', date: '2026-02-03', description: 'x' };
    expect(bankTransactionEntry({ ...input, amount: '250.00' }).lines).toEqual([
      { accountCode: '1010', debit: '250.00', description: null },
      { accountCode: '4000', credit: '250.00', description: null },
    ]);
    expect(bankTransactionEntry({ ...input, amount: '-40.5' }).lines).toEqual([
      { accountCode: '1010', credit: '40.50', description: null },
      { accountCode: '4000', debit: '40.50', description: null },
    ]);
    expect(bankAmountProblem('0.00', 2)).toMatch(/cannot be zero/);
    expect(bankAmountProblem('1.234', 2)).toMatch(/decimals/);
    expect(bankAmountProblem('-3', 2)).toBeNull();
  });

  it('lets any non-contra asset account hold bank transactions', () => {
    expect(canHoldBankTransactions({ type: 'ASSET', is_contra: false })).toBe(true);
    expect(canHoldBankTransactions({ type: 'ASSET', is_contra: true })).toBe(false);
    expect(canHoldBankTransactions({ type: 'INCOME', is_contra: false })).toBe(false);
  });

  it('computes the difference as statement − (opening + matched)', () => {
    expect(reconciliationDifference('250.00', '0.00', [])).toBe('250.00');
    expect(reconciliationDifference('250.00', '0.00', ['250.00'])).toBe('0.00');
    expect(reconciliationDifference('-45.00', '0', ['-40.00'])).toBe('-5.00');
    expect(reconciliationDifference('1000.10', '900.00', ['0.10', '100'])).toBe('0.00');
    expect(isReconciled('0.00')).toBe(true);
    expect(isReconciled('-0.01')).toBe(false);
  });
});

describe('idempotency fingerprints', () => {
  it('binds a key to what the request means, not how it is spelled', () => {
    expect(canonicalJson({ b: 1, a: [{ y: null, x: 'q' }], c: undefined })).toBe('{"a":[{"x":"q","y":null}],"b":1}');
    expect(canonicalAmount('1200.00')).toBe(canonicalAmount('1200'));
    expect(canonicalAmount('1200.01')).not.toBe(canonicalAmount('1200.1'));
    const a = requestFingerprint('postJournalEntry', { date: '2026-02-01', lines: [{ accountCode: '1010', debit: canonicalAmount('1200.00') }] });
    const b = requestFingerprint('postJournalEntry', { lines: [{ debit: canonicalAmount('1200'), accountCode: '1010' }], date: '2026-02-01' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(requestFingerprint('recordTransaction', { date: '2026-02-01', lines: [{ accountCode: '1010', debit: '1200' }] })).not.toBe(a);
  });
});

describe('new accounts', () => {
  it('checks code, name, type, flags and parent type', () => {
    expect(validateNewAccount({ code: '1010', name: 'Operating bank account', type: 'ASSET', isCash: false, isBank: true }, null)).toEqual([]);
    expect(
      validateNewAccount({ code: ' 1 ', name: ' ', type: 'INCOME', isCash: true, isBank: false }, { type: 'ASSET' }).map((e) => [e.field, e.code]),
    ).toEqual([
      [['input', 'code'], 'INVALID_ACCOUNT_CODE'],
      [['input', 'name'], 'REQUIRED'],
      [['input', 'isCash'], 'NOT_A_BANK_ACCOUNT'],
      [['input', 'parentCode'], 'PARENT_TYPE_MISMATCH'],
    ]);
  });
});
