/**
 * For references the database guarantees (a line's account, a transaction's
 * entry): a miss is a fault to log, never something to show as null.
 */
export function existing<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing although the database references it`);
  return value;
}
