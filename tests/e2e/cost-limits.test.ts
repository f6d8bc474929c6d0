import manifest from '../../operations/manifest.json';
import { limitsFromEnv, type LimitOptions } from '../../platform/config';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startTestStack, type TestStack } from '../support/stack';

// Query costs (docs/limits.md) spent from a token bucket per credential, on a clock the test moves.
const CAPACITY = 1_000;
const REFILL_PER_SECOND = 10;
let clock = 1_700_000_000_000;
const limits: LimitOptions = {
  ...limitsFromEnv(),
  costBudget: { keyed: { capacity: CAPACITY, refillPerSecond: REFILL_PER_SECOND }, anonymous: { capacity: 100, refillPerSecond: 1 } },
  now: () => clock,
};

/** 1 + 40 × (employee 1 + 10 assets): 441. */
const PAGE_WITH_ASSETS = '{ employees(first: 40) { edges { node { id assets { id } } } } }';
/** 1 + 100 × 11 = 1101, more than the whole budget. */
const TOO_COSTLY = '{ employees(first: 100) { edges { node { id assets { id } } } } }';

let t: TestStack;
let a: GatewayCompany;
let b: GatewayCompany;

/** The sum of a counter's series in the gateway's /metrics. */
async function counted(series: RegExp): Promise<number> {
  const res = await fetch(new URL('/metrics', t.gatewayUrl), { headers: { authorization: `Bearer ${t.adminToken}` } });
  const text = await res.text();
  return [...text.matchAll(series)].reduce((sum, m) => sum + Number(m[1]), 0);
}
/** Subgraph fetches the gateway made since it started. */
const subgraphFetches = () => counted(/^fluxo_subgraph_fetch_duration_seconds_count\{[^}]*\} (\d+)$/gm);
/** Operations answered with errors since the gateway started. */
const failedOperations = () => counted(/^fluxo_graphql_requests_total\{[^}]*outcome="error"[^}]*\} (\d+)$/gm);

beforeAll(async () => {
  t = await startTestStack({ limits });
  a = await createCompany(t, { name: 'Costly Co', modules: ['EMPLOYEES', 'ASSETS'] });
  b = await createCompany(t, { name: 'Frugal Co', modules: ['EMPLOYEES', 'ASSETS'] });
});
afterAll(async () => {
  await a?.tenantDb.destroy();
  await b?.tenantDb.destroy();
  await t?.stop();
});

it('says on every answer what the query cost and what budget is left', async () => {
  const res = await graphql(t.gatewayUrl, '{ me { company { slug } } }', undefined, { token: b.secret });
  expect(res.status).toBe(200);
  expect(res.extensions?.cost).toEqual({
    requested: 2,
    actual: 2,
    budget: { remaining: CAPACITY - 2, capacity: CAPACITY, refillPerSecond: REFILL_PER_SECOND },
  });
  // No employees yet: the answer holds the connection alone.
  const page = await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: b.secret });
  expect(page.extensions?.cost).toMatchObject({ requested: 441, actual: 1, budget: { remaining: CAPACITY - 2 - 441 } });
});

it('refuses a query costing more than a whole budget before any subgraph is called, spending nothing', async () => {
  const before = await subgraphFetches();
  const res = await graphql(t.gatewayUrl, TOO_COSTLY, undefined, { token: a.secret });
  expect(res.status).toBe(400);
  expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  expect(res.data).toBeUndefined();
  expect(res.extensions?.cost).toEqual({ requested: 1101, actual: 0, budget: { remaining: CAPACITY, capacity: CAPACITY, refillPerSecond: REFILL_PER_SECOND } });
  expect(await subgraphFetches()).toBe(before);
});

it('answers 429 with Retry-After once the budget is spent, refills over time, and keeps keys apart', async () => {
  clock += 1_000_000; // every bucket full again
  expect((await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: a.secret })).status).toBe(200);
  expect((await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: a.secret })).status).toBe(200);
  const [before, failedBefore] = [await subgraphFetches(), await failedOperations()];
  const refused = await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: a.secret });
  expect(await subgraphFetches()).toBe(before);
  expect(await failedOperations()).toBe(failedBefore + 1);
  expect(refused.status).toBe(429);
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMITED', retryAfterSeconds: 33 });
  // 118 left; 441 needs 323 more at 10 a second.
  expect(refused.headers.get('retry-after')).toBe('33');
  expect(refused.extensions?.cost).toMatchObject({ requested: 441, actual: 0, budget: { remaining: CAPACITY - 2 * 441 } });

  // Another company's key has its own budget.
  expect((await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: b.secret })).status).toBe(200);

  clock += 32_000;
  expect((await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: a.secret })).status).toBe(429);
  clock += 1_000;
  const refilled = await graphql(t.gatewayUrl, PAGE_WITH_ASSETS, undefined, { token: a.secret });
  expect(refilled.status).toBe(200);
  // 118 + 33 s × 10 − 441.
  expect(refilled.extensions?.cost).toMatchObject({ budget: { remaining: 7 } });
});

it('charges a persisted operation the cost written in the manifest, whatever page it asks for', async () => {
  clock += 1_000_000;
  const employees = manifest.operations.find((o) => o.name === 'Employees')!;
  const res = await fetch(t.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.secret}` },
    body: JSON.stringify({
      operationName: 'Employees',
      variables: { first: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash: employees.id } },
    }),
  });
  const body = (await res.json()) as { extensions?: { cost?: { requested: number } } };
  expect(res.status).toBe(200);
  expect(employees.cost).toBe(503);
  expect(body.extensions?.cost?.requested).toBe(employees.cost);
});

it('does not limit the operator, and says so', async () => {
  const res = await graphql(t.gatewayUrl, TOO_COSTLY, undefined, { token: t.adminToken });
  expect(res.extensions?.cost).toEqual({ requested: 1101, actual: expect.any(Number), budget: null });
  expect(res.errors?.[0]?.extensions?.code).not.toBe('QUERY_TOO_COSTLY');
});

it('spends nothing on a query refused for another reason, and budgets anonymous callers by address', async () => {
  clock += 1_000_000;
  const refused = await graphql(t.gatewayUrl, '{ employees(first: 50) { edges { node { id } } } }');
  expect(refused.status).toBe(401);
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const plans = await graphql(t.gatewayUrl, '{ plans { code } }');
  // 5 plans assumed (the weights table), from the anonymous budget of 100.
  expect(plans.extensions?.cost).toEqual({ requested: 5, actual: expect.any(Number), budget: { remaining: 95, capacity: 100, refillPerSecond: 1 } });
});
