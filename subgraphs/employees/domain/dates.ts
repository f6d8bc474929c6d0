/**
 * Calendar dates are YYYY-MM-DD strings (validated by the Date scalar), so they
 * compare correctly as strings and never pass through a time zone.
 */
export function isBefore(a: string, b: string): boolean {
  return a < b;
}

export function dayBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
