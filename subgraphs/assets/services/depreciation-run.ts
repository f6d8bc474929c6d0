import type { Transaction } from 'kysely';
import { AssetDepreciated } from '../../contracts/assets';
import { buildEvent } from '../../contracts/event';
import type { Actor } from '../../kit/actor';
import { failWith } from '../../kit/errors';
import { money } from '../../kit/money';
import { todayUtc } from '../../../platform/dates';
import { formatPeriod, parsePeriod, type YearMonth } from '../domain/dates';
import { monthBounds, monthCharges, runnablePeriod, totalsByCurrency, type MonthCharge } from '../domain/depreciation-ledger';
import { depreciationPosting } from '../domain/postings';
import type { AssetsExecutor } from '../store/db';
import {
  findAssetsToDepreciate,
  findDepreciationRunsByIds,
  insertDepreciationPostings,
  insertDepreciationRuns,
  lockDepreciationLedger,
} from '../store/depreciation';
import { readLedgerSettings } from '../store/ledger-settings';
import { depreciationTermsOf } from './asset-state';
import type { AssetsDB } from '../store/db';
import { keyedRequest, runIdempotently, type Keyed } from '../../kit/idempotency';

export interface RunDepreciationInput {
  period: string;
}

/** Assets read per statement while computing a run. */
const ASSETS_PER_PAGE = 5_000;

/** The month's charge of every asset that still has that month to post, page by page. */
async function chargesOfMonth(trx: AssetsExecutor, month: YearMonth): Promise<MonthCharge[]> {
  const bounds = { period: formatPeriod(month), ...monthBounds(month) };
  const charges: MonthCharge[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await findAssetsToDepreciate(trx, bounds, { after, limit: ASSETS_PER_PAGE });
    charges.push(
      ...monthCharges(
        page.map((a) => ({ id: a.id, currency: a.currency, terms: depreciationTermsOf(a) })),
        month,
      ),
    );
    if (page.length < ASSETS_PER_PAGE) return charges;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Posts one month's depreciation of every asset that has it still to post:
 * one run (and one AssetDepreciated event, one journal entry) per currency,
 * each (asset, month) recorded once, in bulk. Running a month again posts
 * only what is new — usually nothing, and then there is no run and no event.
 */
async function runOnce(trx: Transaction<AssetsDB>, input: RunDepreciationInput, actor: Actor) {
  const runnable = runnablePeriod(input.period, todayUtc());
  if ('refusal' in runnable) failWith(['input', 'period'], runnable.refusal.message, runnable.refusal.code);
  const { month } = runnable;
  const period = formatPeriod(month);
  // One run at a time, and no disposal in between: what is read as unposted stays so until commit.
  await lockDepreciationLedger(trx, 'run');
  const charges = await chargesOfMonth(trx, month);
  const totals = totalsByCurrency(charges);
  const runs = await insertDepreciationRuns(
    trx,
    totals.map((t) => ({ period, currency: t.currency, asset_count: t.assetCount, total: t.total })),
  );
  const runOf = new Map(runs.map((run) => [run.currency, run.id]));
  await insertDepreciationPostings(
    trx,
    charges.map((c) => ({ assetId: c.assetId, period, amount: c.amount, runId: runOf.get(c.currency)! })),
  );
  if (runs.length > 0) {
    const accounts = await readLedgerSettings(trx);
    const periodEnd = monthBounds(month).end;
    for (const run of runs) {
      const summary = { id: run.id, period, periodEnd, currency: run.currency, assetCount: run.asset_count, total: run.total };
      // A run exists only with a positive total, so there is always an entry to post.
      const posting = depreciationPosting(accounts, summary)!;
      actor.publish(
        buildEvent(AssetDepreciated, { runId: run.id, period, periodEnd, assetCount: run.asset_count, total: money(run.total, run.currency), posting }),
      );
      actor.audit({
        operation: 'runDepreciation',
        entity: 'depreciation_run',
        entityId: run.id,
        after: { period, currency: run.currency, assetCount: run.asset_count, total: run.total },
      });
    }
  }
  return { period, runs, assetCount: charges.length };
}

/**
 * Runs a month's depreciation; under an idempotency key a retry gets the first
 * run's figures back (the same runs, their asset count) rather than an empty
 * second run.
 */
export async function runDepreciation(trx: Transaction<AssetsDB>, input: RunDepreciationInput & Keyed, actor: Actor) {
  const outcome = await runIdempotently(
    trx,
    keyedRequest('ASSETS', 'runDepreciation', input),
    async (ids) => {
      const runs = await findDepreciationRunsByIds(trx, ids);
      return { period: formatPeriod(parsePeriod(input.period)!), runs, assetCount: runs.reduce((n, run) => n + run.asset_count, 0) };
    },
    async () => {
      const result = await runOnce(trx, input, actor);
      return { result, resultIds: result.runs.map((run) => run.id) };
    },
  );
  return outcome.result;
}
