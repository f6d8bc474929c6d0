import { sql, type RawBuilder } from 'kysely';
import type { CurrencyTotals, DecliningBalanceGroup } from '../domain/overview';
import type { DepreciationMethod } from '../domain/types';
import type { AssetsExecutor } from './db';

/** How many assets are in each status, from the tally the database keeps exact (asset_status_count). */
export interface RegisterTally {
  /** Every asset ever registered, disposed ones included. */
  registered: number;
  disposed: number;
  inMaintenance: number;
  /** Held by an employee and not in maintenance. */
  assigned: number;
}

/** The status tally: four rows, whatever the size of the register. */
export async function registerTally(db: AssetsExecutor): Promise<RegisterTally> {
  const { rows } = await sql<{ registered: string; disposed: string; in_maintenance: string; assigned: string }>`
    SELECT coalesce(sum(assets), 0) AS registered,
           coalesce(sum(assets) FILTER (WHERE status = 'DISPOSED'), 0) AS disposed,
           coalesce(sum(assets) FILTER (WHERE status = 'IN_MAINTENANCE'), 0) AS in_maintenance,
           coalesce(sum(assets) FILTER (WHERE status = 'ASSIGNED'), 0) AS assigned
    FROM assets.asset_status_count`.execute(db);
  const row = rows[0]!;
  return { registered: Number(row.registered), disposed: Number(row.disposed), inMaintenance: Number(row.in_maintenance), assigned: Number(row.assigned) };
}

export interface RegisterCounts extends RegisterTally {
  /** Assets an employee holds now: ASSIGNED, and IN_MAINTENANCE with a holder. */
  held: number;
}

/**
 * The tally and how many assets employees hold, in one statement of a few
 * rows. Every held asset has exactly one open custody period (an asset is
 * returned before it is disposed of), so the holders are the open custody
 * periods, counted by open_custody_count, which triggers keep exact in the
 * writing transaction.
 */
export async function registerCounts(db: AssetsExecutor): Promise<RegisterCounts> {
  const { rows } = await sql<{ registered: string; disposed: string; in_maintenance: string; assigned: string; held: string }>`
    SELECT coalesce(sum(assets), 0) AS registered,
           coalesce(sum(assets) FILTER (WHERE status = 'DISPOSED'), 0) AS disposed,
           coalesce(sum(assets) FILTER (WHERE status = 'IN_MAINTENANCE'), 0) AS in_maintenance,
           coalesce(sum(assets) FILTER (WHERE status = 'ASSIGNED'), 0) AS assigned,
           coalesce((SELECT assets FROM assets.open_custody_count), 0) AS held
    FROM assets.asset_status_count`.execute(db);
  const row = rows[0]!;
  return {
    registered: Number(row.registered),
    disposed: Number(row.disposed),
    inMaintenance: Number(row.in_maintenance),
    assigned: Number(row.assigned),
    held: Number(row.held),
  };
}

/** Months since year 0 of a date column, as domain/dates.ts's monthIndex. date_part (double precision), not extract (numeric since PostgreSQL 14): faster over 50,000 rows. */
const monthIndexOf = (date: RawBuilder<unknown>) => sql`(date_part('year', ${date})::int * 12 + date_part('month', ${date})::int - 1)`;

/** Months since year 0 of a YYYY-MM-DD day, in the application: constants of the statements below. */
function monthIndexOfDay(day: string): number {
  return Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
}

/** Whether a YYYY-MM-DD day is the last of its month (its month's depreciation is then booked). */
function isLastDayOfMonth(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate() === d;
}

/**
 * Assets of one method that count this year — not disposed of, or disposed of
 * since 1 January — with their amounts in integer cents (integer arithmetic
 * is several times faster than numeric over 50,000 rows) and the months of
 * their schedule booked by 31 December last year and by today (or by the
 * disposal date, if earlier). A month is booked on its last day, as
 * periodsElapsed in domain/depreciation.ts.
 */
function bookedMonths(method: DepreciationMethod, yearStart: string, today: string) {
  const acquired = monthIndexOf(sql`a.acquisition_date`);
  const todayBooked = monthIndexOfDay(today) + (isLastDayOfMonth(today) ? 1 : 0);
  const disposalBooked = sql`${monthIndexOf(sql`a.disposed_on`)} + CASE WHEN date_part('day', a.disposed_on + 1) = 1 THEN 1 ELSE 0 END`;
  return sql`
    SELECT a.currency, (a.acquisition_cost * 100)::bigint AS cost, (a.salvage_value * 100)::bigint AS salvage, a.useful_life_months AS life,
           a.disposed_on IS NULL AS on_books,
           least(a.useful_life_months, greatest(0, ${monthIndexOfDay(yearStart)}::int - ${acquired})) AS before_year,
           least(a.useful_life_months, greatest(0,
             CASE WHEN a.disposed_on IS NULL OR a.disposed_on >= ${today}::date THEN ${todayBooked}::int ELSE ${disposalBooked} END - ${acquired})) AS to_date
    FROM assets.asset a
    WHERE a.depreciation_method = ${method} AND (a.disposed_on IS NULL OR a.disposed_on >= ${yearStart}::date)`;
}

/**
 * Straight-line totals per currency, in cents, summed by the database. The
 * schedule is domain/depreciation.ts's: a monthly charge of (cost − salvage) ÷
 * life truncated to cents (integer division of non-negative cents), the
 * remainder in the last month, so after n of L months the accumulated
 * depreciation is n × charge, or cost − salvage once n = L.
 */
export async function straightLineTotals(db: AssetsExecutor, yearStart: string, today: string): Promise<CurrencyTotals[]> {
  const accumulated = (months: RawBuilder<unknown>) => sql`CASE WHEN ${months} >= life THEN cost - salvage ELSE (cost - salvage) / life * ${months} END`;
  const { rows } = await sql<{ currency: string; on_books_assets: string; book_value: string; depreciation_ytd: string }>`
    SELECT currency,
           count(*) FILTER (WHERE on_books) AS on_books_assets,
           coalesce(sum(cost - ${accumulated(sql`to_date`)}) FILTER (WHERE on_books), 0) AS book_value,
           sum(${accumulated(sql`to_date`)} - ${accumulated(sql`before_year`)}) AS depreciation_ytd
    FROM (${bookedMonths('STRAIGHT_LINE', yearStart, today)}) booked
    GROUP BY currency
    ORDER BY currency`.execute(db);
  return rows.map((r) => ({
    currency: r.currency,
    onBooksAssets: Number(r.on_books_assets),
    bookValueCents: r.book_value,
    depreciationYearToDateCents: r.depreciation_ytd,
  }));
}

/** Declining-balance assets grouped by terms and months booked: the application computes each group's schedule once. */
export async function decliningBalanceGroups(db: AssetsExecutor, yearStart: string, today: string): Promise<DecliningBalanceGroup[]> {
  const { rows } = await sql<{
    currency: string;
    cost: string;
    salvage: string;
    life: number;
    on_books: boolean;
    before_year: number;
    to_date: number;
    assets: string;
  }>`
    SELECT currency, cost, salvage, life, on_books, before_year, to_date, count(*) AS assets
    FROM (${bookedMonths('DECLINING_BALANCE', yearStart, today)}) booked
    GROUP BY currency, cost, salvage, life, on_books, before_year, to_date`.execute(db);
  return rows.map((r) => ({
    currency: r.currency,
    costCents: Number(r.cost),
    salvageCents: Number(r.salvage),
    life: r.life,
    onBooks: r.on_books,
    periodsBeforeYear: r.before_year,
    periodsToDate: r.to_date,
    assets: Number(r.assets),
  }));
}
