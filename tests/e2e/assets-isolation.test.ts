import { fullGrants } from '../../platform/permissions';
import { generateContextKeyPair, signTenantContext, CONTEXT_HEADER } from '../../platform/tenant-context';
import type { Entities, Mutation, Query } from '../support/api';
import { callSubgraph, createCompany, issueKey, type GatewayCompany } from '../support/company';
import { hireEmployee, runContract } from '../support/assets-e2e';
import { exampleVariables, graphql, startTestStack, type TestStack } from '../support/stack';

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;
let acmeEmployeeId: string;
let acmeAssetId: string;
/** SQL statements the assets subgraph sent, counted while `counting` is on. */
let statements = 0;
let counting = false;

const register = async (company: GatewayCompany, change: Record<string, unknown>): Promise<string> => {
  const res = await runContract<Pick<Mutation, 'registerAsset'>>(
    t,
    'assets.graphql',
    'RegisterAsset',
    { input: { ...exampleVariables('RegisterAsset').input, ...change } },
    company.secret,
  );
  expect(res.data!.registerAsset.userErrors).toEqual([]);
  return res.data!.registerAsset.asset!.id;
};

beforeAll(async () => {
  t = await startTestStack({
    // It counts the statements of executing queries: the response cache would answer a repeated one from memory.
    responseCache: false,
    onQuery: (_sql, _db, subgraph) => {
      if (counting && subgraph === 'assets') statements += 1;
    },
  });
  acme = await createCompany(t, { name: 'Acme Isolation', modules: ['ASSETS', 'EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Isolation', modules: ['ASSETS', 'EMPLOYEES'] });
  acmeEmployeeId = await hireEmployee(t, acme, 'Ana', 'Silva');
  acmeAssetId = await register(acme, {});
  await runContract(t, 'assets.graphql', 'AssignAsset', { input: { assetId: acmeAssetId, employeeId: acmeEmployeeId, date: '2026-01-12' } }, acme.secret);
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Asset { id tag } ... on Employee { id assets { id } } } }`;

describe('tenant isolation', () => {
  it("gives company B null for company A's asset id", async () => {
    const own = await runContract<Pick<Query, 'asset'>>(t, 'assets.graphql', 'Asset', { id: acmeAssetId }, acme.secret);
    expect(own.data!.asset).toMatchObject({ id: acmeAssetId, tag: 'LAP-0001' });
    const other = await runContract<Pick<Query, 'asset'>>(t, 'assets.graphql', 'Asset', { id: acmeAssetId }, beta.secret);
    expect(other.errors).toBeUndefined();
    expect(other.data!.asset).toBeNull();
    const list = await runContract<Pick<Query, 'assets'>>(t, 'assets.graphql', 'Assets', { first: 20 }, beta.secret);
    expect(list.data!.assets).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('resolves _entities only within the caller’s tenant, straight at the assets subgraph', async () => {
    const representations = [
      { __typename: 'Asset', id: acmeAssetId },
      { __typename: 'Employee', id: acmeEmployeeId },
    ];
    const asAcme = await callSubgraph<Entities<unknown>>(t, 'assets', acme, ENTITIES, { r: representations });
    expect(asAcme.data!._entities).toEqual([
      { id: acmeAssetId, tag: 'LAP-0001' },
      { id: acmeEmployeeId, assets: [{ id: acmeAssetId }] },
    ]);
    const asBeta = await callSubgraph<Entities<unknown>>(t, 'assets', beta, ENTITIES, { r: representations });
    expect(asBeta.errors).toBeUndefined();
    expect(asBeta.data!._entities).toEqual([null, { id: acmeEmployeeId, assets: [] }]);
    const malformed = await callSubgraph<Entities<unknown>>(t, 'assets', beta, ENTITIES, { r: [{ __typename: 'Asset', id: "x' OR '1'='1" }] });
    expect(malformed.data!._entities).toEqual([null]);
  });

  it('refuses a context not signed by the gateway', async () => {
    const forged = await signTenantContext(
      {
        requestId: 'forged',
        kind: 'STANDARD',
        keyId: beta.keyId,
        user: null,
        sessionId: null,
        clientAddress: null,
        tenant: acme.tenant,
        modules: ['ASSETS'],
        grants: fullGrants(['ASSETS']),
      },
      generateContextKeyPair().privateKey,
    );
    const res = await graphql(t.subgraphUrl('assets'), ENTITIES, { r: [{ __typename: 'Asset', id: acmeAssetId }] }, { headers: { [CONTEXT_HEADER]: forged } });
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
  });

  it('answers MODULE_NOT_SUBSCRIBED to a key without ASSETS', async () => {
    const employeesOnly = (await issueKey(t, acme, ['EMPLOYEES'])).secret;
    for (const [name, variables] of [
      ['Assets', { first: 5 }],
      ['Asset', { id: acmeAssetId }],
    ] as const) {
      const res = await runContract(t, 'assets.graphql', name, variables, employeesOnly);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    }
    const write = await runContract(
      t,
      'assets.graphql',
      'RegisterAsset',
      { input: { ...exampleVariables('RegisterAsset').input, tag: 'NOPE-1' } },
      employeesOnly,
    );
    expect(write.errors?.map((e) => e.extensions?.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const holdings = await runContract(t, 'assets.graphql', 'EmployeeAssets', { id: acmeEmployeeId }, employeesOnly);
    expect(holdings.errors).toEqual([
      expect.objectContaining({ path: ['employee', 'assets'], extensions: expect.objectContaining({ code: 'MODULE_NOT_SUBSCRIBED' }) }),
    ]);
  });
});

describe('the assets list', () => {
  let batteryCategoryId: string;

  beforeAll(async () => {
    for (let i = 1; i <= 12; i += 1) {
      const location = i % 3 ? 'Warehouse' : null;
      await register(acme, {
        tag: `BLK-${String(i).padStart(3, '0')}`,
        name: i % 2 ? 'Drill 18V' : 'Battery pack',
        category: i % 2 ? 'Tools' : 'Batteries',
        serialNumber: `SER-${100 + i}`,
        location,
      });
    }
    // The first page then holds every kind of relation: a holder, a location, custody history.
    const first = await page({ first: 1 });
    await runContract(
      t,
      'assets.graphql',
      'AssignAsset',
      { input: { assetId: first.edges[0]!.node.id, employeeId: acmeEmployeeId, date: '2026-02-01' } },
      acme.secret,
    );
    const categories = await graphql<Pick<Query, 'assetCategories'>>(t.gatewayUrl, '{ assetCategories { id name } }', undefined, { token: acme.secret });
    expect(categories.data!.assetCategories.map((c) => c.name)).toEqual(['Batteries', 'IT equipment', 'Tools']);
    batteryCategoryId = categories.data!.assetCategories[0]!.id;
  });

  const page = async (variables: Record<string, unknown>) =>
    (await runContract<Pick<Query, 'assets'>>(t, 'assets.graphql', 'Assets', variables, acme.secret)).data!.assets;

  it('pages in tag order with a stable total, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const result: Awaited<ReturnType<typeof page>> = await page({ first: 5, after });
      expect(result.totalCount).toBe(13);
      seen.push(...result.edges.map((e) => e.node.tag));
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor!;
    }
    expect(seen).toEqual([...Array.from({ length: 12 }, (_, i) => `BLK-${String(i + 1).padStart(3, '0')}`), 'LAP-0001']);
  });

  it('filters by search text, category and holder', async () => {
    const tags = async (filter: Record<string, unknown>) => (await page({ first: 50, filter })).edges.map((e) => e.node.tag);
    expect(await tags({ search: 'ser-10' })).toEqual(['BLK-001', 'BLK-002', 'BLK-003', 'BLK-004', 'BLK-005', 'BLK-006', 'BLK-007', 'BLK-008', 'BLK-009']);
    expect(await tags({ search: 'LAPTOP' })).toEqual(['LAP-0001']);
    expect(await tags({ search: '%' })).toEqual([]);
    expect(await tags({ categoryId: batteryCategoryId })).toEqual(['BLK-002', 'BLK-004', 'BLK-006', 'BLK-008', 'BLK-010', 'BLK-012']);
    expect(await tags({ categoryId: batteryCategoryId, search: 'blk-01' })).toEqual(['BLK-010', 'BLK-012']);
    expect(await tags({ holderId: acmeEmployeeId })).toEqual(['BLK-001', 'LAP-0001']);
    expect(await tags({ status: 'IN_STOCK', search: 'drill' })).toEqual(['BLK-003', 'BLK-005', 'BLK-007', 'BLK-009', 'BLK-011']);
    expect(await page({ first: 1, filter: { categoryId: 'not-an-id' } })).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('resolves every relation of a page in a constant number of statements', async () => {
    const query = `query($first: Int) { assets(first: $first) { edges { node {
      category location { name } holder { id } holderActive holderStatus bookValue { amount }
      assignments { assignedAt employee { id } asset { tag } } maintenance { id } depreciationSchedule { period } } } } }`;
    const count = async (first: number) => {
      statements = 0;
      counting = true;
      const res = await graphql<Pick<Query, 'assets'>>(t.gatewayUrl, query, { first }, { token: acme.secret });
      counting = false;
      expect(res.errors).toBeUndefined();
      expect(res.data!.assets.edges).toHaveLength(first);
      return statements;
    };
    const small = await count(2);
    // The page, then one statement per relation: category, location, open assignment, holder status, history, maintenance.
    expect(small).toBe(7);
    expect(await count(13)).toBe(small);

    const employees = `query($id: ID!) { employee(id: $id) { assets { tag category holder { id } } assetHistory { assignedAt } } }`;
    statements = 0;
    counting = true;
    const res = await graphql<Pick<Query, 'employee'>>(t.gatewayUrl, employees, { id: acmeEmployeeId }, { token: acme.secret });
    counting = false;
    expect(res.data!.employee).toEqual({
      assets: [
        { tag: 'LAP-0001', category: 'IT equipment', holder: { id: acmeEmployeeId } },
        { tag: 'BLK-001', category: 'Tools', holder: { id: acmeEmployeeId } },
      ],
      assetHistory: [{ assignedAt: '2026-01-12' }, { assignedAt: '2026-02-01' }],
    });
    expect(statements).toBeLessThanOrEqual(5);
  });
});
