import { sql } from 'kysely';
import type { CursorValues } from '../../kit/pagination';
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
  /** Substring of tag, name or serial number, any case. */
  search: string | null;
  categoryId: string | null;
  /** Employee currently holding the asset. */
  holderId: string | null;
}

const likePattern = (term: string) => `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(db: AssetsExecutor, filter: AssetListFilter) {
  let query = db.selectFrom('assets.asset');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.search) query = query.where('search_text', 'like', likePattern(filter.search));
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

/** Keyset page in (tag, id) order: stable, and served by the (tag, id) indexes. */
export async function listAssets(db: AssetsExecutor, filter: AssetListFilter, page: { after: CursorValues | null; limit: number }): Promise<AssetRow[]> {
  let query = filtered(db, filter).select(ASSET_COLUMNS);
  if (page.after) {
    const [tag, id] = page.after;
    query = query.where((eb) => eb(eb.refTuple('tag', 'id'), '>', eb.tuple(String(tag), String(id))));
  }
  if (filter.search && filter.search.trim().length >= 3 && (await matchesAtMost(db, filter, FENCE_LIMIT)) <= FENCE_LIMIT) {
    // Few matches: OFFSET 0 fences them so they come from the trigram index and
    // are sorted, instead of a walk in tag order that discards tens of thousands
    // of rows when the matches' tags sort late (tags start with the category).
    // Many matches: the walk finds a page of them quickly, so it stays.
    return db
      .selectFrom(query.offset(0).as('matches'))
      .selectAll()
      .orderBy('tag')
      .orderBy('id')
      .limit(page.limit)
      .execute() as Promise<AssetRow[]>;
  }
  return query.orderBy('tag').orderBy('id').limit(page.limit).execute();
}

/** Up to this many matches a search page is sorted from the trigram index's matches. */
const FENCE_LIMIT = 5000;

/** How many assets match, counting no further than `cap` + 1 (a cheap probe through the trigram index). */
async function matchesAtMost(db: AssetsExecutor, filter: AssetListFilter, cap: number): Promise<number> {
  const probe = filtered(db, filter).select('assets.asset.id').limit(cap + 1).as('probe');
  const row = await db.selectFrom(probe).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

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
