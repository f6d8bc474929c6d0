import { D, money, type DecimalValue, type Money } from '../../kit/money';

/**
 * The assets module's rules for the overview: register totals from per-asset
 * depreciation, the assets-per-employee ratio and the register against the
 * ledger. No SQL, no GraphQL.
 */

/** What an empty register's zero is counted in: the platform's default currency (payroll's and finance's default too). */
export const EMPTY_REGISTER_CURRENCY = 'EUR';

/**
 * One Money from amounts per currency: zero in the default currency for an
 * empty register, null when the register holds several currencies (amounts in
 * different currencies do not add up, and assets converts nothing).
 */
export function singleCurrencyTotal(byCurrency: ReadonlyMap<string, DecimalValue>): Money | null {
  if (byCurrency.size === 0) return money(0, EMPTY_REGISTER_CURRENCY);
  if (byCurrency.size > 1) return null;
  const [currency, amount] = [...byCurrency][0]!;
  return money(amount, currency);
}

/** n ÷ d rounded half-even to an integer; n ≥ 0, d > 0, both safe integers. */
function divideHalfEven(n: number, d: number): number {
  let q = Math.floor(n / d);
  let r = n - q * d;
  // The float quotient may be one off next to an integer; the remainder says which way.
  while (r < 0) {
    q -= 1;
    r += d;
  }
  while (r >= d) {
    q += 1;
    r -= d;
  }
  const twice = 2 * r;
  return twice > d || (twice === d && q % 2 === 1) ? q + 1 : q;
}

/**
 * Accumulated double-declining-balance depreciation, in cents, after each of
 * `periods` months (ascending), in one pass. The same schedule as
 * domain/depreciation.ts, in integer cents so 50,000 assets cost milliseconds:
 * rounding half-even is monotone, so rounding min(max(declining, straight),
 * book − salvage) equals min(max(round(declining), round(straight)), book −
 * salvage), each a quotient of integers rounded exactly.
 */
export function decliningBalanceAccumulatedCents(costCents: number, salvageCents: number, life: number, periods: readonly number[]): number[] {
  const wanted = periods.map((p) => Math.min(Math.max(p, 0), life));
  const last = Math.max(0, ...wanted);
  const accumulated = wanted.map(() => 0);
  let book = costCents;
  for (let month = 1; month <= last; month += 1) {
    const declining = divideHalfEven(book * 2, life);
    const straight = divideHalfEven(book - salvageCents, life - month + 1);
    book -= Math.min(Math.max(declining, straight), book - salvageCents);
    for (let i = 0; i < wanted.length; i += 1) if (wanted[i] === month) accumulated[i] = costCents - book;
  }
  return accumulated;
}

/**
 * An exact sum of integer cents: adds in floating point while that is exact
 * (safe integers) and carries into a bigint beyond, so a huge register stays
 * exact without a bigint operation per asset.
 */
class CentsSum {
  private carried = 0n;
  private running = 0;

  /** Adds `cents` × `times`. */
  add(cents: number, times = 1): void {
    const amount = cents * times;
    if (!Number.isSafeInteger(amount)) {
      this.carried += BigInt(cents) * BigInt(times);
      return;
    }
    if (Math.abs(this.running) + Math.abs(amount) > Number.MAX_SAFE_INTEGER) {
      this.carried += BigInt(this.running);
      this.running = 0;
    }
    this.running += amount;
  }

  toDecimal(): DecimalValue {
    return new D((this.carried + BigInt(this.running)).toString());
  }
}

/** Assets sharing depreciation terms and months elapsed: the register reads them grouped. */
export interface DecliningBalanceGroup {
  currency: string;
  /** Cost and salvage in integer cents (numeric(14,2) × 100: safe integers). */
  costCents: number;
  salvageCents: number;
  life: number;
  /** Not disposed: counts in the book value. */
  onBooks: boolean;
  /** Months booked by 31 December of last year. */
  periodsBeforeYear: number;
  /** Months booked by today, or by the disposal date when the asset was disposed of this year. */
  periodsToDate: number;
  assets: number;
}

/** Sums per currency of straight-line assets, in integer cents (as decimal strings), computed by the database. */
export interface CurrencyTotals {
  currency: string;
  /** Assets not disposed of: only a currency with some counts in the book value. */
  onBooksAssets: number;
  bookValueCents: string;
  depreciationYearToDateCents: string;
}

/**
 * The register's book value today (assets not disposed of) and depreciation
 * of the year to date (those and the ones disposed of this year), per currency.
 */
export function registerTotals(
  straightLine: readonly CurrencyTotals[],
  decliningBalance: readonly DecliningBalanceGroup[],
): { bookValue: Map<string, DecimalValue>; depreciationYearToDate: Map<string, DecimalValue> } {
  const bookValue = new Map<string, DecimalValue>();
  const depreciation = new Map<string, DecimalValue>();
  const add = (into: Map<string, DecimalValue>, currency: string, amount: DecimalValue) => into.set(currency, (into.get(currency) ?? new D(0)).plus(amount));
  for (const row of straightLine) {
    if (row.onBooksAssets > 0) add(bookValue, row.currency, new D(row.bookValueCents).div(100));
    add(depreciation, row.currency, new D(row.depreciationYearToDateCents).div(100));
  }
  const bookCents = new Map<string, CentsSum>();
  const depreciationCents = new Map<string, CentsSum>();
  const addCents = (into: Map<string, CentsSum>, currency: string, cents: number, times: number) => {
    let total = into.get(currency);
    if (!total) into.set(currency, (total = new CentsSum()));
    total.add(cents, times);
  };
  for (const group of decliningBalance) {
    const [before, toDate] = decliningBalanceAccumulatedCents(group.costCents, group.salvageCents, group.life, [
      group.periodsBeforeYear,
      group.periodsToDate,
    ]) as [number, number];
    if (group.onBooks) addCents(bookCents, group.currency, group.costCents - toDate, group.assets);
    addCents(depreciationCents, group.currency, Math.max(0, toDate - before), group.assets);
  }
  for (const [currency, cents] of bookCents) add(bookValue, currency, cents.toDecimal().div(100));
  for (const [currency, cents] of depreciationCents) add(depreciation, currency, cents.toDecimal().div(100));
  return { bookValue, depreciationYearToDate: depreciation };
}
