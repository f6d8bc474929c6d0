import { sql } from 'kysely';
import type { DepreciationMethod } from '../domain/types';
import type { AssetsExecutor, DepreciationRunRow, NewDepreciationRun } from './db';

/**
 * The depreciation ledger: which months of which assets were posted. Runs take
 * this lock exclusively and disposals shared, so a run never reads an asset a
 * disposal is taking off the books (or the reverse), while disposals of
 * different assets still proceed side by side. The tenant database is the
 * company's own, so the lock is too.
 */
export async function lockDepreciationLedger(db: AssetsExecutor, mode: 'run' | 'disposal'): Promise<void> {
  const name = 'assets:depreciation-ledger';
  if (mode === 'run') await sql`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(db);
  else await sql`SELECT pg_advisory_xact_lock_shared(hashtextextended(${name}, 0))`.execute(db);
}

/** An asset's depreciation terms, as a run needs them. */
export interface DepreciableAsset {
  id: string;
  currency: string;
  acquisition_date: string;
  acquisition_cost: string;
  salvage_value: string;
  useful_life_months: number;
  depreciation_method: DepreciationMethod;
}

/**
 * A page (in id order) of the assets whose depreciation of the month is still
 * to post: acquired by the month's end, not disposed before it, the month
 * within their useful life, something to depreciate, nothing posted yet for
 * the month.
 */
export function findAssetsToDepreciate(
  db: AssetsExecutor,
  month: { period: string; start: string; end: string },
  page: { after: string | null; limit: number },
): Promise<DepreciableAsset[]> {
  let query = db
    .selectFrom('assets.asset as a')
    .select(['a.id', 'a.currency', 'a.acquisition_date', 'a.acquisition_cost', 'a.salvage_value', 'a.useful_life_months', 'a.depreciation_method'])
    .where('a.acquisition_date', '<=', month.end)
    .where((eb) => eb.or([eb('a.disposed_on', 'is', null), eb('a.disposed_on', '>=', month.end)]))
    .where(sql<boolean>`date_trunc('month', a.acquisition_date) + make_interval(months => a.useful_life_months) > ${month.start}::date`)
    .whereRef('a.acquisition_cost', '>', 'a.salvage_value')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('assets.depreciation_posting as p')
            .select(sql`1`.as('one'))
            .whereRef('p.asset_id', '=', 'a.id')
            .where('p.period', '=', month.period),
        ),
      ),
    );
  if (page.after) query = query.where('a.id', '>', page.after);
  return query.orderBy('a.id').limit(page.limit).execute();
}

/** Runs by id, in the order of `ids`; unknown ids are left out. */
export async function findDepreciationRunsByIds(db: AssetsExecutor, ids: readonly string[]): Promise<DepreciationRunRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('assets.depreciation_run').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((run) => [run.id, run]));
  return ids.map((id) => byId.get(id)).filter((run): run is DepreciationRunRow => run !== undefined);
}

export function insertDepreciationRuns(db: AssetsExecutor, runs: NewDepreciationRun[]): Promise<DepreciationRunRow[]> {
  if (runs.length === 0) return Promise.resolve([]);
  return db.insertInto('assets.depreciation_run').values(runs).returningAll().execute();
}

export interface DepreciationPostingDraft {
  assetId: string;
  period: string;
  amount: string;
  /** Null for months a disposal catches up. */
  runId: string | null;
}

/** Rows per INSERT: bounded statements, a handful for 50k assets. */
const POSTINGS_PER_STATEMENT = 10_000;

/**
 * Records posted months in bulk: the rows travel as arrays and are unnested
 * server-side, one statement per 10,000. A month already posted for an asset
 * violates depreciation_posting_once: callers hold the ledger lock and never
 * try, so it would be a bug, and the transaction fails rather than post twice.
 */
export async function insertDepreciationPostings(db: AssetsExecutor, postings: readonly DepreciationPostingDraft[]): Promise<void> {
  for (let i = 0; i < postings.length; i += POSTINGS_PER_STATEMENT) {
    const chunk = postings.slice(i, i + POSTINGS_PER_STATEMENT);
    await sql`
      INSERT INTO assets.depreciation_posting (asset_id, period, amount, run_id)
      SELECT * FROM unnest(
        ${chunk.map((p) => p.assetId)}::uuid[],
        ${chunk.map((p) => p.period)}::text[],
        ${chunk.map((p) => p.amount)}::numeric[],
        ${chunk.map((p) => p.runId)}::uuid[]
      )`.execute(db);
  }
}

/** Months of one asset already posted, oldest first. */
export function findPostedDepreciation(db: AssetsExecutor, assetId: string): Promise<Array<{ period: string; amount: string }>> {
  return db.selectFrom('assets.depreciation_posting').select(['period', 'amount']).where('asset_id', '=', assetId).orderBy('period').execute();
}
