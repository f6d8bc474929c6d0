import { sql } from 'kysely';
import { capped, type CursorValues, type MatchCount } from '../../kit/pagination';
import { containsPattern, countUpTo, isSubstringTerm, searchPage, startsWith, type ListedPage, type Planned } from '../../kit/search';
import type { AssetStatus } from '../domain/types';
import { isUuid } from '../../../platform/ids';
import type { RowScope } from '../../../platform/permissions';
import type { AssetRow, AssetsExecutor, AssetUpdate, NewAsset } from './db';
import { assetInScope, assignmentInScope } from './scope';
import { conditionSql, sortValueSql, type CustomCondition } from '../../kit/custom-fields/filter';
import { valueExpression } from '../../kit/custom-fields/store';

/** Every column but the generated search text. */
const ASSET_COLUMNS = [
  'id',
  'tag',
  'name',
  'category_id',
  'location_id',
  'serial_number',
  'status',
  'currency',
  'acquisition_date',
  'acquisition_cost',
  'salvage_value',
  'useful_life_months',
  'depreciation_method',
  'disposed_on',
  'disposal_proceeds',
  'book_value_at_disposal',
  'custom_fields',
  'created_at',
  'updated_at',
] as const;

export function insertAsset(db: AssetsExecutor, values: NewAsset): Promise<AssetRow> {
  return db.insertInto('assets.asset').values(values).returning(ASSET_COLUMNS).executeTakeFirstOrThrow();
}

export async function isTagTaken(db: AssetsExecutor, tag: string): Promise<boolean> {
  const row = await db
    .selectFrom('assets.asset')
    .select('id')
    .where(sql`lower(tag)`, '=', tag.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/** The assets of `ids` that the scope reaches (null: every one); others are as absent as unknown ids. */
export function findAssetsByIds(db: AssetsExecutor, ids: readonly string[], scope: RowScope | null): Promise<AssetRow[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return Promise.resolve([]);
  const query = db.selectFrom('assets.asset').select(ASSET_COLUMNS).where('id', 'in', valid);
  return (scope === null ? query : query.where(assetInScope(scope, 'assets.asset.id'))).execute();
}

/** An asset an employee holds now, with who holds it. */
export type HeldAssetRow = AssetRow & { holder_id: string };

/**
 * What employees hold now, in the order they received it: the assets of their open assignments, in one statement
 * (a page of employees with their assets is then two statements in this subgraph, not three). A scope keeps the
 * assignments and the assets it reaches, as the assignment and asset loaders each do.
 */
export function findHeldAssetsOfEmployees(db: AssetsExecutor, employeeIds: readonly string[], scope: RowScope | null): Promise<HeldAssetRow[]> {
  const valid = employeeIds.filter(isUuid);
  if (valid.length === 0) return Promise.resolve([]);
  const query = db
    .selectFrom('assets.assignment')
    .innerJoin('assets.asset', 'assets.asset.id', 'assets.assignment.asset_id')
    .select(ASSET_COLUMNS.map((column) => `assets.asset.${column}` as const))
    .select('assets.assignment.employee_id as holder_id')
    .where('assets.assignment.employee_id', 'in', valid)
    .where('assets.assignment.returned_on', 'is', null)
    .orderBy('assets.assignment.assigned_on')
    .orderBy('assets.assignment.created_at');
  return (scope === null ? query : query.where(assignmentInScope(scope)).where(assetInScope(scope, 'assets.asset.id'))).execute();
}

/** Reads an asset and locks it until the transaction ends, so changes to one asset happen one at a time. */
export async function lockAsset(db: AssetsExecutor, id: string): Promise<AssetRow | undefined> {
  if (!isUuid(id)) return undefined;
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
  /** Conditions on custom fields, checked against their definitions (kit/custom-fields/filter.ts); each has an index. */
  custom?: readonly CustomCondition[];
  /** Sort by this custom field first (its condition `present` is also in `custom`); no search with it. */
  sortBy?: CustomCondition | null;
}

function filtered(db: AssetsExecutor, filter: AssetListFilter, scope: RowScope | null) {
  let query = db.selectFrom('assets.asset');
  if (scope !== null) query = query.where(assetInScope(scope, 'assets.asset.id'));
  if (filter.status) query = query.where('status', '=', filter.status);
  for (const condition of filter.custom ?? []) query = query.where(conditionSql(condition));
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
    query = isUuid(filter.categoryId) ? query.where('category_id', '=', filter.categoryId) : query.where(sql<boolean>`false`);
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
 * A search goes through the kit's searchPage (its plan and why), over
 * asset_list_walk, which carries search_text, status and category for the walk.
 * Only assets the scope reaches (null: every one) are read, whatever the cursor.
 */
export async function listAssets(
  db: AssetsExecutor,
  filter: AssetListFilter,
  scope: RowScope | null,
  page: { after: CursorValues | null; limit: number },
  planned: Planned = () => undefined,
): Promise<ListedPage<AssetRow>> {
  if (filter.sortBy) return { rows: await listByCustomField(db, filter, filter.sortBy, scope, page), total: null };
  if (!filter.search) {
    planned(false);
    let walk = filtered(db, filter, scope).select(ASSET_COLUMNS);
    if (page.after) {
      const [tag, id] = page.after;
      walk = walk.where((eb) => eb(eb.refTuple('tag', 'id'), '>', eb.tuple(String(tag), String(id))));
    }
    return { rows: await walk.orderBy('tag').orderBy('id').limit(page.limit).execute(), total: null };
  }
  const keys = filtered(db, filter, scope).select(['assets.asset.tag', 'assets.asset.id']);
  return searchPage(db, { keys, order: ['tag', 'id'], table: 'assets.asset', columns: ASSET_COLUMNS }, page, planned);
}

/**
 * A page ordered by a custom field's value, then the register's (tag, id): the
 * field's index holds exactly that key, so the page walks it in order.
 */
function listByCustomField(
  db: AssetsExecutor,
  filter: AssetListFilter,
  sortBy: CustomCondition,
  scope: RowScope | null,
  page: { after: CursorValues | null; limit: number },
) {
  const expr = valueExpression(sortBy.definition.type, sortBy.definition.key);
  let walk = filtered(db, filter, scope).select(ASSET_COLUMNS);
  if (page.after) {
    const [value, tag, id] = page.after;
    walk = walk.where(sql<boolean>`(${expr}, tag, id) > (${sortValueSql(sortBy.definition, value!)}, ${String(tag)}, ${String(id)}::uuid)`);
  }
  return walk.orderBy(expr).orderBy('tag').orderBy('id').limit(page.limit).execute();
}

/**
 * How many assets match; the unfiltered and status-only totals come from the
 * tally, without counting rows. The tally counts the whole company, so a
 * scoped caller's assets are counted row by row.
 */
export async function countAssets(db: AssetsExecutor, filter: AssetListFilter, scope: RowScope | null): Promise<number> {
  if (!filter.search && !filter.categoryId && !filter.holderId && !filter.custom?.length && scope === null) {
    let tally = db.selectFrom('assets.asset_status_count').select((eb) => eb.fn.coalesce(eb.fn.sum<string>('assets'), sql<string>`0`).as('n'));
    if (filter.status) tally = tally.where('status', '=', filter.status);
    return Number((await tally.executeTakeFirstOrThrow()).n);
  }
  const row = await filtered(db, filter, scope)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many assets match, counting no further than `limit` + 1 (MatchCount). */
export async function countAssetsUpTo(db: AssetsExecutor, filter: AssetListFilter, scope: RowScope | null, limit: number): Promise<MatchCount> {
  if (!filter.search && !filter.categoryId && !filter.holderId && !filter.custom?.length && scope === null)
    return capped(await countAssets(db, filter, null), limit);
  return countUpTo(db, filtered(db, filter, scope).select('assets.asset.id'), limit);
}
