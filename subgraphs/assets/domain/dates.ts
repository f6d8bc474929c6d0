// Calendar arithmetic on YYYY-MM-DD strings: no time zones, no Date objects
// that could shift a day.

export interface YearMonth {
  year: number;
  /** 1–12. */
  month: number;
}

export function parseDate(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Months since year 0, so month distances are a subtraction. */
export function monthIndex(ym: YearMonth): number {
  return ym.year * 12 + (ym.month - 1);
}

export function fromMonthIndex(index: number): YearMonth {
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-01". */
export function formatPeriod(ym: YearMonth): string {
  return `${pad(ym.year, 4)}-${pad(ym.month)}`;
}

/** Last calendar day of the month, "2026-02-28". */
export function monthEnd(ym: YearMonth): string {
  return `${formatPeriod(ym)}-${pad(daysInMonth(ym.year, ym.month))}`;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2026-03" → { year: 2026, month: 3 }; null when it is not a month of that shape. */
export function parsePeriod(period: string): YearMonth | null {
  const match = PERIOD.exec(period);
  return match ? { year: Number(match[1]), month: Number(match[2]) } : null;
}

export function isMonthEnd(date: string): boolean {
  const d = parseDate(date);
  return d.day === daysInMonth(d.year, d.month);
}
