/**
 * Entry numbers: JE-<year>-<sequence>, the sequence gap-free per year and at
 * least six digits wide (JE-2026-000001). The year is the entry date's
 * calendar year.
 */
export function formatEntryNumber(year: number, seq: number): string {
  return `JE-${year}-${String(seq).padStart(6, '0')}`;
}

const ENTRY_NUMBER = /^JE-(\d{4})-(\d{6,})$/;

export function parseEntryNumber(number: string): { year: number; seq: number } | null {
  const m = ENTRY_NUMBER.exec(number);
  return m ? { year: Number(m[1]), seq: Number(m[2]) } : null;
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** How many numbers each year needs for a batch of entry dates, years ascending (the order counters are locked in). */
export function countByYear(dates: readonly string[]): Array<{ year: number; count: number }> {
  const counts = new Map<number, number>();
  for (const date of dates) {
    const year = yearOf(date);
    counts.set(year, (counts.get(year) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([year, count]) => ({ year, count }));
}

/**
 * Hands out numbers for a batch in input order, given each year's counter
 * after it was advanced by the batch's count: a year's entries get the block
 * last − count + 1 … last, so the batch's numbers per year are contiguous.
 */
export function assignNumbers(dates: readonly string[], lastByYear: ReadonlyMap<number, number>): Array<{ year: number; seq: number; number: string }> {
  const next = new Map<number, number>();
  for (const { year, count } of countByYear(dates)) {
    const last = lastByYear.get(year);
    if (last === undefined) throw new Error(`no counter value for ${year}`);
    next.set(year, last - count + 1);
  }
  return dates.map((date) => {
    const year = yearOf(date);
    const seq = next.get(year) as number;
    next.set(year, seq + 1);
    return { year, seq, number: formatEntryNumber(year, seq) };
  });
}

/** The first and last number of each year in a batch, e.g. for an audit row. */
export function numberRanges(numbers: ReadonlyArray<{ year: number; seq: number }>): Array<{ year: number; from: string; to: string }> {
  const ranges = new Map<number, { min: number; max: number }>();
  for (const { year, seq } of numbers) {
    const r = ranges.get(year);
    if (!r) ranges.set(year, { min: seq, max: seq });
    else ranges.set(year, { min: Math.min(r.min, seq), max: Math.max(r.max, seq) });
  }
  return [...ranges.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, r]) => ({ year, from: formatEntryNumber(year, r.min), to: formatEntryNumber(year, r.max) }));
}
