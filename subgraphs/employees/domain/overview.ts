/**
 * The employees module's rules for the overview: plain date arithmetic on
 * YYYY-MM-DD strings (UTC), no SQL.
 */

/** Days in the "new hires" window, today included. */
export const NEW_HIRE_WINDOW_DAYS = 30;

/** The first and last day of the new-hires window ending on `today`: today − 29 days … today. */
export function newHireWindow(today: string): { from: string; to: string } {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y, m - 1, d - (NEW_HIRE_WINDOW_DAYS - 1))).toISOString().slice(0, 10);
  return { from, to: today };
}
