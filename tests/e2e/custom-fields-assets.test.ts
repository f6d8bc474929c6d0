import { sql } from 'kysely';
import { createCompany, type GatewayCompany } from '../support/company';
import { CF, defineField, type DefinitionPayload } from '../support/custom-fields';
import { member } from '../support/people';
import { startTestStack, type TestStack } from '../support/stack';

// Custom fields of assets through the gateway: the same kit as employees' (docs/custom-fields.md), written with
// registerAsset and updateAssetDetails, filtered in the register's (tag, id) order.

const REGISTER = `mutation($input: RegisterAssetInput!) { registerAsset(input: $input) { asset { id tag ${CF.values} } userErrors { field message code } } }`;
const UPDATE = `mutation($input: UpdateAssetDetailsInput!) { updateAssetDetails(input: $input) { asset { id ${CF.values} } userErrors { field message code } } }`;
const LIST = `query($filter: AssetFilter, $first: Int, $after: String) { assets(filter: $filter, first: $first, after: $after) {
  totalCount edges { node { tag customField(key: "colour") { text display } } } pageInfo { hasNextPage endCursor } } }`;
const DEFINITIONS = `query { assetCustomFields { key label type } }`;

type Payload<F extends string> = Record<
  F,
  { asset: { id: string; tag: string; customFields: Array<Record<string, unknown>> } | null; userErrors: Array<{ field: string[]; code: string }> }
>;

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let tags = 0;

const register = (company: GatewayCompany, customFields: unknown[], tag = `CF-${String(++tags).padStart(4, '0')}`) =>
  company.gql<Payload<'registerAsset'>>(REGISTER, {
    input: {
      tag,
      name: 'Laptop',
      category: 'IT',
      acquisitionDate: '2026-01-10',
      acquisitionCost: { amount: '1200.00', currency: 'EUR' },
      usefulLifeMonths: 36,
      depreciationMethod: 'STRAIGHT_LINE',
      customFields,
    },
  });

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Asset Fields', modules: ['ASSETS', 'EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Asset Fields', modules: ['ASSETS'] });
  await defineField(acme.gql, 'Asset', {
    key: 'colour',
    label: 'Colour',
    type: 'SELECT',
    options: [
      { value: 'black', label: 'Black' },
      { value: 'silver', label: 'Silver' },
    ],
    filterable: true,
    required: true,
  });
  await defineField(acme.gql, 'Asset', { key: 'warranty_until', label: 'Warranty until', type: 'DATE', filterable: true });
  await defineField(acme.gql, 'Asset', { key: 'purchase_order', label: 'Purchase order', type: 'TEXT', readPermission: 'assets:read' });
  await defineField(acme.gql, 'Asset', { key: 'insured_value', label: 'Insured value', type: 'DECIMAL', readPermission: 'employees:sensitive.read' });
}, 120_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('custom fields of assets', () => {
  it('writes values with registerAsset, refuses a missing required one, and announces them', async () => {
    const missing = await register(acme, [{ key: 'warranty_until', date: '2028-01-31' }]);
    expect(missing.data!.registerAsset.userErrors.map((e) => [e.field, e.code])).toEqual([[['input', 'customFields', 'colour'], 'REQUIRED']]);
    const res = await register(acme, [
      { key: 'colour', text: 'silver' },
      { key: 'warranty_until', date: '2028-01-31' },
      { key: 'insured_value', decimal: '999.99' },
    ]);
    expect(res.data!.registerAsset.userErrors).toEqual([]);
    const asset = res.data!.registerAsset.asset!;
    expect(asset.customFields.map((v) => [v.key, v.text ?? v.date ?? v.decimal, v.display])).toEqual([
      ['colour', 'silver', 'Silver'],
      ['warranty_until', '2028-01-31', '2028-01-31'],
      ['insured_value', '999.99', '999.99'],
    ]);
    const { rows } = await sql<{
      payload: { customFields: unknown };
    }>`SELECT payload FROM assets.outbox WHERE aggregate_id = ${asset.id} AND event_type = 'AssetRegistered'`.execute(acme.tenantDb);
    // The insured value needs a permission of its own: it stays out of the event.
    expect(rows[0]!.payload.customFields).toEqual({ colour: 'silver', warranty_until: '2028-01-31' });
  });

  it('changes values with updateAssetDetails, audited, and filters in tag order with the field index', async () => {
    const ids: string[] = [];
    for (const [tag, colour] of [
      ['CF-Z', 'black'],
      ['CF-A', 'black'],
      ['CF-M', 'silver'],
    ] as const) {
      const res = await register(acme, [{ key: 'colour', text: colour }], tag);
      ids.push(res.data!.registerAsset.asset!.id);
    }
    const changed = await acme.gql<Payload<'updateAssetDetails'>>(UPDATE, { input: { assetId: ids[2], customFields: [{ key: 'colour', text: 'black' }] } });
    expect(changed.data!.updateAssetDetails.userErrors).toEqual([]);
    const bad = await acme.gql<Payload<'updateAssetDetails'>>(UPDATE, { input: { assetId: ids[2], customFields: [{ key: 'colour' }] } });
    expect(bad.data!.updateAssetDetails.userErrors.map((e) => [e.field, e.code])).toEqual([[['input', 'customFields', 'colour'], 'REQUIRED']]);
    const audit = await acme.tenantDb
      .selectFrom('audit.audit_log')
      .select(['operation', 'after'])
      .where('entity_id', '=', ids[2]!)
      .where('operation', '=', 'updateAssetDetails')
      .execute();
    expect(audit).toEqual([{ operation: 'updateAssetDetails', after: { customFields: { colour: 'black' } } }]);

    type Page = { assets: { totalCount: number; edges: Array<{ node: { tag: string } }>; pageInfo: { endCursor: string; hasNextPage: boolean } } };
    const first = await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'colour', eq: 'black' }] }, first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.assets.totalCount).toBe(3);
    expect(first.data!.assets.edges.map((e) => e.node.tag)).toEqual(['CF-A', 'CF-M']);
    const next = await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'colour', eq: 'black' }] }, first: 2, after: first.data!.assets.pageInfo.endCursor });
    expect(next.data!.assets.edges.map((e) => e.node.tag)).toEqual(['CF-Z']);
    const dated = await acme.gql<Page>(LIST, { filter: { custom: [{ key: 'warranty_until', gte: '2028-01-01', lte: '2028-12-31' }] } });
    expect(dated.data!.assets.totalCount).toBe(1);
    const { rows } = await sql<{
      'QUERY PLAN': string;
    }>`EXPLAIN SELECT id FROM assets.asset WHERE (custom_fields ->> 'colour') = 'black'::text ORDER BY tag, id LIMIT 3`.execute(acme.tenantDb);
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/cf_asset_colour/);
  });

  it('hides a field from a caller without its permission, and keeps companies apart', async () => {
    const res = await register(acme, [
      { key: 'colour', text: 'black' },
      { key: 'insured_value', decimal: '10.00' },
    ]);
    const id = res.data!.registerAsset.asset!.id;
    const assetManager = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ASSET_MANAGER' }] });
    const read = await assetManager.gql<{ asset: { customFields: Array<{ key: string }> } }>(`query($id: ID!) { asset(id: $id) { ${CF.values} } }`, { id });
    expect(read.errors).toBeUndefined();
    expect(read.data!.asset.customFields.map((v) => v.key)).toEqual(['colour']);
    const write = await assetManager.gql<Payload<'updateAssetDetails'>>(UPDATE, {
      input: { assetId: id, customFields: [{ key: 'insured_value', decimal: '1.00' }] },
    });
    expect(write.data!.updateAssetDetails.userErrors.map((e) => e.code)).toEqual(['CUSTOM_FIELD_UNKNOWN']);

    expect((await beta.gql<{ assetCustomFields: unknown[] }>(DEFINITIONS)).data!.assetCustomFields).toEqual([]);
    const other = await register(beta, [{ key: 'colour', text: 'black' }]);
    expect(other.data!.registerAsset.userErrors.map((e) => e.code)).toEqual(['CUSTOM_FIELD_UNKNOWN']);
    const filter = await beta.gql(LIST, { filter: { custom: [{ key: 'colour', eq: 'black' }] } });
    expect(filter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('sorts by a filterable custom field, then by tag, in keyset pages whose cursors carry the value', async () => {
    await defineField(acme.gql, 'Asset', { key: 'shelf', label: 'Shelf', type: 'INTEGER', filterable: true });
    // Registered out of order; two share shelf 20 and are told apart by tag.
    for (const [tag, shelf] of [
      ['SH-E', 30],
      ['SH-D', 10],
      ['SH-A', 50],
      ['SH-C', 20],
      ['SH-F', 40],
      ['SH-B', 20],
    ] as const) {
      const res = await register(
        acme,
        [
          { key: 'colour', text: 'black' },
          { key: 'shelf', integer: shelf },
        ],
        tag,
      );
      expect(res.data!.registerAsset.userErrors).toEqual([]);
    }
    const SORTED = `query($first: Int, $after: String, $filter: AssetFilter) { assets(first: $first, after: $after, filter: $filter, sortByCustomField: { key: "shelf" }) {
      edges { cursor node { tag customField(key: "shelf") { integer } } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      assets: {
        edges: Array<{ cursor: string; node: { tag: string; customField: { integer: number } } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const rows = (p: Page) => p.assets.edges.map((e) => [e.node.customField.integer, e.node.tag]);
    const first = await acme.gql<Page>(SORTED, { first: 2 });
    expect(first.errors).toBeUndefined();
    // Only assets with a shelf are listed, lowest first; the tie at 20 goes by tag.
    expect(rows(first.data!)).toEqual([
      [10, 'SH-D'],
      [20, 'SH-B'],
    ]);
    expect(first.data!.assets.pageInfo.hasNextPage).toBe(true);
    const cursor = first.data!.assets.pageInfo.endCursor;
    expect(cursor).toBe(first.data!.assets.edges[1]!.cursor);
    expect((JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[]).slice(0, 2)).toEqual([20, 'SH-B']);
    const next = await acme.gql<Page>(SORTED, { first: 10, after: cursor });
    expect(next.errors).toBeUndefined();
    expect(rows(next.data!)).toEqual([
      [20, 'SH-C'],
      [30, 'SH-E'],
      [40, 'SH-F'],
      [50, 'SH-A'],
    ]);
    expect(next.data!.assets.pageInfo.hasNextPage).toBe(false);
    // Filters narrow the sorted list.
    const narrowed = await acme.gql<Page>(SORTED, { first: 10, filter: { custom: [{ key: 'shelf', gte: '20', lte: '40' }] } });
    expect(rows(narrowed.data!).map(([, tag]) => tag)).toEqual(['SH-B', 'SH-C', 'SH-E', 'SH-F']);

    const forged = Buffer.from(JSON.stringify(['x', 'SH-A', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    for (const res of [
      await acme.gql(SORTED, { first: 2, after: forged }),
      await acme.gql(SORTED, { first: 2, filter: { search: 'SH-' } }),
      await acme.gql(`{ assets(sortByCustomField: { key: "purchase_order" }) { totalCount } }`),
      await beta.gql(SORTED, { first: 2 }),
    ]) {
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('converts a SELECT to MULTI_SELECT and archives it', async () => {
    const res = await acme.gql<Record<string, DefinitionPayload>>(CF.update('Asset'), { input: { key: 'colour', type: 'MULTI_SELECT', required: false } });
    expect(res.data!.updateAssetCustomField!.userErrors).toEqual([]);
    const [asset] = await sql<{ value: unknown }>`SELECT custom_fields -> 'colour' AS value FROM assets.asset WHERE tag = 'CF-A'`
      .execute(acme.tenantDb)
      .then((r) => r.rows);
    expect(asset!.value).toEqual(['black']);
    const archived = await acme.gql<Record<string, DefinitionPayload>>(CF.archive('Asset'), { input: { key: 'colour' } });
    expect(archived.data!.archiveAssetCustomField!.userErrors).toEqual([]);
    expect((await acme.gql<{ assetCustomFields: Array<{ key: string }> }>(DEFINITIONS)).data!.assetCustomFields.map((d) => d.key)).not.toContain('colour');
  });
});
