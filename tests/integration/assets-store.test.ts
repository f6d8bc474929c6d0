import { sql, type Kysely } from 'kysely';
import { countAssets, insertAsset, listAssets, type AssetListFilter } from '../../subgraphs/assets/store/assets';
import { findOrCreateCategory } from '../../subgraphs/assets/store/categories';
import type { AssetsDB } from '../../subgraphs/assets/store/db';
import { createCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let db: Kysely<AssetsDB>;

beforeAll(async () => {
  database = await createTestDatabase();
  const company = await createCompany(database, { name: 'Store Works', modules: ['ASSETS'] });
  db = company.openTenantDb<AssetsDB>();
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const noFilter: AssetListFilter = { status: null, search: null, categoryId: null, holderId: null };

/** The tally next to a real count, per status. */
async function tallyAndCount(): Promise<Array<{ status: string; tally: string; counted: string }>> {
  const { rows } = await sql<{ status: string; tally: string; counted: string }>`
    SELECT c.status, c.assets AS tally, (SELECT count(*) FROM assets.asset a WHERE a.status = c.status) AS counted
    FROM assets.asset_status_count c ORDER BY c.status`.execute(db);
  return rows;
}

describe('the assets store', () => {
  it('creates a category once, whatever the case of its name', async () => {
    const first = await findOrCreateCategory(db, 'IT equipment');
    const again = await findOrCreateCategory(db, 'it EQUIPMENT');
    expect(again).toEqual(first);
  });

  it('keeps the status tally exact through bulk inserts, updates and deletes', async () => {
    const category = await findOrCreateCategory(db, 'Tools');
    const base = {
      category_id: category.id,
      currency: 'EUR',
      acquisition_date: '2026-01-01',
      acquisition_cost: '100.00',
      salvage_value: '0.00',
      useful_life_months: 12,
      depreciation_method: 'STRAIGHT_LINE' as const,
    };
    await db
      .insertInto('assets.asset')
      .values(Array.from({ length: 30 }, (_, i) => ({ ...base, tag: `BULK-${i}`, name: `Bulk ${i}` })))
      .execute();
    await insertAsset(db, { ...base, tag: 'ONE-1', name: 'One' });
    await db.updateTable('assets.asset').set({ status: 'ASSIGNED' }).where('tag', 'like', 'BULK-1%').execute();
    await db.updateTable('assets.asset').set({ name: 'Renamed' }).where('tag', '=', 'ONE-1').execute();
    await db.deleteFrom('assets.asset').where('tag', 'in', ['BULK-2', 'BULK-10']).execute();

    const rows = await tallyAndCount();
    expect(rows.every((r) => r.tally === r.counted)).toBe(true);
    // BULK-1 and BULK-10..19 assigned (11), BULK-10 deleted; BULK-2 deleted from stock.
    expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.tally)]))).toEqual({ ASSIGNED: 10, DISPOSED: 0, IN_MAINTENANCE: 0, IN_STOCK: 19 });
    expect(await countAssets(db, noFilter, null)).toBe(29);
    expect(await countAssets(db, { ...noFilter, status: 'ASSIGNED' }, null)).toBe(10);
    // A filter the tally cannot answer counts rows.
    expect(await countAssets(db, { ...noFilter, search: 'bulk-1' }, null)).toBe(10);
    expect(await countAssets(db, { ...noFilter, status: 'ASSIGNED', search: 'renamed' }, null)).toBe(0);
  });

  it('rolls the tally back with the transaction that moved it', async () => {
    const before = await tallyAndCount();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('assets.asset').set({ status: 'IN_MAINTENANCE' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await tallyAndCount()).toEqual(before);
  });

  it('escapes LIKE wildcards in search text, in substrings and in prefixes', async () => {
    const category = await findOrCreateCategory(db, 'Odd');
    const odd = {
      category_id: category.id,
      currency: 'EUR',
      acquisition_date: '2026-01-01',
      acquisition_cost: '1.00',
      salvage_value: '0.00',
      useful_life_months: 1,
      depreciation_method: 'STRAIGHT_LINE' as const,
    };
    await insertAsset(db, { ...odd, tag: 'PCT-100%', name: 'Under_score' });
    await insertAsset(db, { ...odd, tag: 'PCT-2', name: '%Off' });
    const tags = async (search: string) => (await listAssets(db, { ...noFilter, search }, null, { after: null, limit: 50 })).rows.map((a) => a.tag);
    // Three characters or more: anywhere.
    expect(await tags('00%')).toEqual(['PCT-100%']);
    expect(await tags('r_s')).toEqual(['PCT-100%']);
    // One or two: the start of the tag, name or serial number.
    expect(await tags('%')).toEqual(['PCT-2']);
    expect(await tags('_')).toEqual([]);
    expect(await tags('pc')).toEqual(['PCT-100%', 'PCT-2']);
    expect(await tags('un')).toEqual(['PCT-100%']);
    expect(await tags('sc')).toEqual([]);
  });

  it("counts a sorted search page's matches in the same statement, whatever the cursor", async () => {
    const category = await findOrCreateCategory(db, 'Paged');
    const base = {
      category_id: category.id,
      currency: 'EUR',
      acquisition_date: '2026-01-01',
      acquisition_cost: '1.00',
      salvage_value: '0.00',
      useful_life_months: 1,
      depreciation_method: 'STRAIGHT_LINE' as const,
    };
    await db
      .insertInto('assets.asset')
      .values(Array.from({ length: 7 }, (_, i) => ({ ...base, tag: `PAGE-${i}`, name: 'Paged drill' })))
      .execute();
    const search = { ...noFilter, search: 'paged drill' };
    const first = await listAssets(db, search, null, { after: null, limit: 3 });
    expect(first.rows.map((a) => a.tag)).toEqual(['PAGE-0', 'PAGE-1', 'PAGE-2']);
    expect(first.total).toBe(7);
    const last = first.rows.at(-1)!;
    const second = await listAssets(db, search, null, { after: [last.tag, last.id], limit: 10 });
    expect(second.rows.map((a) => a.tag)).toEqual(['PAGE-3', 'PAGE-4', 'PAGE-5', 'PAGE-6']);
    expect(second.total).toBe(7);
    // Past the last match the page is empty and says nothing of the count; from the start, empty means none.
    expect((await listAssets(db, search, null, { after: ['PAGE-6', second.rows.at(-1)!.id], limit: 10 })).total).toBeNull();
    expect(await listAssets(db, { ...noFilter, search: 'no such drill' }, null, { after: null, limit: 10 })).toEqual({ rows: [], total: 0 });
    expect(await countAssets(db, search, null)).toBe(7);
  });
});
