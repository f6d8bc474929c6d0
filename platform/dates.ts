/**
 * Calendar dates are YYYY-MM-DD strings throughout Fluxo: they compare
 * correctly as text and never pass through a time zone.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD string naming a day that exists (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Today's calendar date in UTC; a company's own time zone is not known to the platform yet. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** 1 January of the year `date` falls in. */
export function startOfYear(date: string): string {
  return `${date.slice(0, 4)}-01-01`;
}
