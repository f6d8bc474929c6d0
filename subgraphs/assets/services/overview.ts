import type { Money } from '../../kit/money';
import type { AssetsContext } from '../context';
import { startOfYear, todayUtc } from '../../../platform/dates';
import { registerTotals, singleCurrencyTotal } from '../domain/overview';
import { decliningBalanceGroups, registerCounts, registerTally, straightLineTotals, type RegisterCounts, type RegisterTally } from '../store/overview';
import { RefreshingCache } from './refreshing-cache';

/** How old a tenant's register totals may be when served. */
export const REGISTER_TOTALS_MAX_AGE_MILLIS = 5_000;
/** After this, the cached totals are recomputed in the background while still served. */
const REGISTER_TOTALS_REFRESH_AFTER_MILLIS = 3_500;

export interface RegisterTotalsView {
  /** Book value today of the assets not disposed of; null when they are in more than one currency. */
  bookValue: Money | null;
  /** Depreciation charged from 1 January to today; null when the register holds more than one currency. */
  depreciationYearToDate: Money | null;
}

// Book values need every asset's schedule: at 50,000 assets that is 100 ms and
// more, so a tenant's totals are kept for at most 5 seconds (refreshed in the
// background after 3.5 s while requests keep coming). They are recomputed at
// once when the day changes or an asset is registered or disposed of: the
// status tally, read on every request anyway, shows both (its sum only grows
// with registrations, its DISPOSED count only with disposals).
const totalsByTenant = new RefreshingCache<RegisterTotalsView>({
  maxAgeMillis: REGISTER_TOTALS_MAX_AGE_MILLIS,
  refreshAfterMillis: REGISTER_TOTALS_REFRESH_AFTER_MILLIS,
  maxEntries: 1_000,
});

async function computeTotals(ctx: AssetsContext, today: string): Promise<RegisterTotalsView> {
  const db = ctx.db();
  const yearStart = startOfYear(today);
  const [straightLine, decliningBalance] = await Promise.all([straightLineTotals(db, yearStart, today), decliningBalanceGroups(db, yearStart, today)]);
  const totals = registerTotals(straightLine, decliningBalance);
  return { bookValue: singleCurrencyTotal(totals.bookValue), depreciationYearToDate: singleCurrencyTotal(totals.depreciationYearToDate) };
}

/** The register's totals, at most 5 seconds old, computed once for concurrent requests. */
export function cachedRegisterTotals(ctx: AssetsContext, tally: RegisterTally): Promise<RegisterTotalsView> {
  const tenant = ctx.tenant();
  const today = todayUtc();
  const logger = ctx.logger;
  return totalsByTenant.get(`${tenant.shard}/${tenant.database}`, `${today}|${tally.registered}|${tally.disposed}`, () =>
    computeTotals(ctx, today).catch((error: unknown) => {
      logger.warn({ err: error }, 'register totals could not be computed');
      throw error;
    }),
  );
}

// The fields of one fetch share each read: the block and the metrics read the counts (which include the
// tally), the depreciation the tally alone.
const tallyOfRequest = new WeakMap<AssetsContext, Promise<RegisterTally>>();
const countsOfRequest = new WeakMap<AssetsContext, Promise<RegisterCounts>>();

/** The status tally and how many assets employees hold, read once per request. */
export function requestRegisterCounts(ctx: AssetsContext): Promise<RegisterCounts> {
  let pending = countsOfRequest.get(ctx);
  if (!pending) {
    pending = registerCounts(ctx.db());
    countsOfRequest.set(ctx, pending);
    if (!tallyOfRequest.has(ctx)) tallyOfRequest.set(ctx, pending);
  }
  return pending;
}

/** The status tally, read once per request (from the counts when they were read). */
export function requestRegisterTally(ctx: AssetsContext): Promise<RegisterTally> {
  let pending = tallyOfRequest.get(ctx);
  if (!pending) {
    pending = registerTally(ctx.db());
    tallyOfRequest.set(ctx, pending);
  }
  return pending;
}

/** The register's totals for this request: the tally (always fresh) decides whether the cached totals still hold. */
export async function requestRegisterTotals(ctx: AssetsContext): Promise<RegisterTotalsView> {
  return cachedRegisterTotals(ctx, await requestRegisterTally(ctx));
}
