/**
 * Calendar dates are YYYY-MM-DD strings (validated by the Date scalar and by the
 * event schemas): they compare correctly as strings and never pass through a
 * time zone. Day counting goes through UTC day numbers, which have no DST.
 */
const MILLIS_PER_DAY = 86_400_000;

function parts(date: string): [number, number, number] {
  return date.split('-').map(Number) as [number, number, number];
}

/** Days since 1970-01-01 (UTC). */
export function dayNumber(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / MILLIS_PER_DAY;
}

/** Calendar days from `from` to `to`, both included; 0 when `to` is before `from`. */
export function daysInclusive(from: string, to: string): number {
  return Math.max(0, dayNumber(to) - dayNumber(from) + 1);
}

export function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

export function earlierOf(a: string, b: string): string {
  return a < b ? a : b;
}

/** First and last day of the calendar month that `date` falls in. */
export function calendarMonthOf(date: string): { start: string; end: string } {
  const [y, m] = parts(date);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { start: `${y}-${mm}-01`, end: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

/** Whether the period is exactly one calendar month, e.g. 2026-02-01..2026-02-28. */
export function isCalendarMonth(start: string, end: string): boolean {
  const month = calendarMonthOf(start);
  return month.start === start && month.end === end;
}
