import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import { capped, type CursorValues, type MatchCount } from '../../kit/pagination';
import { containsPattern, countUpTo, estimatedRows, isSubstringTerm, startsWith, splitTotal, type ListedPage, type Planned } from '../../kit/search';
import type { AssetStatus } from '../domain/types';
import { isAssetsId } from '../domain/validation';
import type { AssetRow, AssetsExecutor, AssetUpdate, NewAsset } from './db';

/** Every column but the generated search text. */
const ASSET_COLUMNS = [
  'id', 'tag', 'name', 'category_id', 'location_id', 'serial_number', 'status', 'currency', 'acquisition_date', 'acquisition_cost',
  'salvage_value', 'useful_life_months', 'depreciation_method', 'disposed_on', 'disposal_proceeds', 'book_value_at_disposal',
  'created_at', 'updated_at',
] as const;

export function insertAsset(db: AssetsExecutor, values: NewAsset): Promise<AssetRow> {
  return db.insertInto('assets.asset').values(values).returning(ASSET_COLUMNS).executeTakeFirstOrThrow();
}

export async function isTagTaken(db: AssetsExecutor, tag: string): Promise<boolean> {
  const row = await db.selectFrom('assets.asset').select('id').where(sql`lower(tag)`, '=', tag.toLowerCase()).executeTakeFirst();
  return row !== undefined;
}

export function findAssetsByIds(db: AssetsExecutor, ids: readonly string[]): Promise<AssetRow[]> {
  const valid = ids.filter(isAssetsId);
  if (valid.length === 0) return Promise.resolve([]);
  return db.selectFrom('assets.asset').select(ASSET_COLUMNS).where('id', 'in', valid).execute();
}

/** Reads an asset and locks it until the transaction ends, so changes to one asset happen one at a time. */
export async function lockAsset(db: AssetsExecutor, id: string): Promise<AssetRow | undefined> {
  if (!isAssetsId(id)) return undefined;
  return db.selectFrom('assets.asset').select(ASSET_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateAsset(db: AssetsExecutor, id: string, values: AssetUpdate): Promise<AssetRow> {
  return db
    .updateTable('assets.asset')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .returning(ASSET_COLUMNS)
    .executeTakeFirstOrThrow();
}

export interface AssetListFilter {
  status: AssetStatus | null;
  /**
   * Free text, any case: three characters or more are matched anywhere in the
   * tag, name and serial number; one or two match the start of one of them
   * (see kit/search.ts).
   */
  search: string | null;
  categoryId: string | null;
  /** Employee currently holding the asset. */
  holderId: string | null;
}

function filtered(db: AssetsExecutor, filter: AssetListFilter) {
  let query = db.selectFrom('assets.asset');
  if (filter.status) query = query.where('status', '=', filter.status);
  const term = filter.search;
  if (term) {
    if (isSubstringTerm(term)) {
      query = query.where('search_text', 'like', containsPattern(term));
    } else {
      query = query.where((eb) => eb.or([startsWith('tag', term), startsWith('name', term), startsWith('serial_number', term)]));
    }
  }
  if (filter.categoryId) {
    // A malformed id matches nothing rather than failing the cast.
    query = isAssetsId(filter.categoryId) ? query.where('category_id', '=', filter.categoryId) : query.where(sql<boolean>`false`);
  }
  if (filter.holderId) {
    const holderId = filter.holderId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('assets.assignment as open')
          .select(sql`1`.as('one'))
          .whereRef('open.asset_id', '=', 'assets.asset.id')
          .where('open.returned_on', 'is', null)
          .where('open.employee_id', '=', holderId),
      ),
    );
  }
  return query;
}

/**
 * Keyset page in (tag, id) order: stable, and served by the (tag, id) indexes.
 * A search sorted from its matches also counts them (see below).
 */
export async function listAssets(
  db: AssetsExecutor,
  filter: AssetListFilter,
  page: { after: CursorValues | null; limit: number },
  planned: Planned = () => undefined,
): Promise<ListedPage<AssetRow>> {
  const after = (eb: ExpressionBuilder<any, any>, [tag, id]: CursorValues) => eb(eb.refTuple('tag', 'id'), '>', eb.tuple(String(tag), String(id)));
  if (!filter.search) {
    planned(false);
    const walk = filtered(db, filter).select(ASSET_COLUMNS);
    return { rows: await (page.after ? walk.where((eb) => after(eb, page.after!)) : walk).orderBy('tag').orderBy('id').limit(page.limit).execute(), total: null };
  }
  // A search finds the page's keys first, then reads its rows by id.
  const keys = filtered(db, filter).select(['assets.asset.id', 'assets.asset.tag']);
  const byId = (ranked: AnyKeys) =>
    db.selectFrom(ranked.orderBy('tag').orderBy('id').limit(page.limit).as('p')).innerJoin('assets.asset as a', 'a.id', 'p.id').select(ASSET_COLUMNS.map((c) => `a.${c}` as const)).orderBy('p.tag').orderBy('p.id');
  const sorts = (await estimatedRows(keys)) <= SORT_MATCHES_UP_TO;
  planned(sorts);
  if (sorts) {
    // Up to some thousands of matches the page is sorted from all of them,
    // taken through the search indexes, and the same scan counts them for
    // totalCount. OFFSET 0 fences the matches: otherwise PostgreSQL walks in
    // tag order discarding non-matches, tens of thousands of rows when the
    // matches' tags sort late (tags start with the category).
    const counted = db.selectFrom(keys.offset(0).as('m')).select(['m.id', 'm.tag', sql<string>`count(*) OVER ()`.as('total_matches')]);
    let ranked = db.selectFrom(counted.as('w')).selectAll();
    if (page.after) ranked = ranked.where((eb) => after(eb, page.after!));
    return splitTotal<AssetRow>(await byId(ranked).select(sql<string>`p.total_matches`.as('total_matches')).execute(), page.after === null);
  }
  // More matches than that are spread widely enough for a walk in tag order to
  // find a page of them quickly. The walk reads only the order index, which
  // carries search_text, status and category (asset_list_walk), so rows that
  // do not match cost no table read.
  return { rows: await byId(page.after ? keys.where((eb) => after(eb, page.after!)) : keys).execute(), total: null };
}

/** A query of asset keys (id, tag) to order and page. */
type AnyKeys = SelectQueryBuilder<any, any, { id: string; tag: string }>;

/**
 * Up to this many expected matches a search page is sorted from its matches:
 * sorting 20,000 rows costs about what walking to a late-sorting category
 * does. The planner's estimate (statistics target 1000 on search_text) is close
 * enough for the choice; a wrong guess costs time, never a wrong page.
 */
const SORT_MATCHES_UP_TO = 20_000;

/** How many assets match; the unfiltered and status-only totals come from the tally, without counting rows. */
export async function countAssets(db: AssetsExecutor, filter: AssetListFilter): Promise<number> {
  if (!filter.search && !filter.categoryId && !filter.holderId) {
    let tally = db.selectFrom('assets.asset_status_count').select((eb) => eb.fn.coalesce(eb.fn.sum<string>('assets'), sql<string>`0`).as('n'));
    if (filter.status) tally = tally.where('status', '=', filter.status);
    return Number((await tally.executeTakeFirstOrThrow()).n);
  }
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many assets match, counting no further than `limit` + 1 (MatchCount). */
export async function countAssetsUpTo(db: AssetsExecutor, filter: AssetListFilter, limit: number): Promise<MatchCount> {
  if (!filter.search && !filter.categoryId && !filter.holderId) return capped(await countAssets(db, filter), limit);
  return countUpTo(db as Kysely<any>, filtered(db, filter).select('assets.asset.id'), limit);
}
