const PREFIX = 'EMP-';
const WIDTH = 6;

/** The n-th employee number of a tenant: EMP-000001, ..., EMP-999999, then EMP-1000000. */
export function formatEmployeeNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`employee numbers start at 1, got ${n}`);
  return `${PREFIX}${String(n).padStart(WIDTH, '0')}`;
}
