import { limitsFromEnv } from '../../platform/config';
import type { RunningGateway } from '../../gateway/server';
import type { LimitOptions } from '../../platform/config';
import { createCompany, type GatewayCompany } from '../support/company';
import { graphql, startExtraGateway, startTestStack, type TestStack } from '../support/stack';
import { testRedis, type TestRedis } from '../support/redis';

// Gateways share their rate limits through Redis (FLUXO_REDIS_URL).
const PER_KEY = 4;
let redis: TestRedis;
let REDIS_URL: string;

let t: TestStack;
let company: GatewayCompany;
const extra: Array<() => Promise<void>> = [];

async function anotherGateway(limits: LimitOptions): Promise<RunningGateway> {
  const started = await startExtraGateway(t, { limits });
  extra.push(started.stop);
  return started.gateway;
}

async function ask(url: string, secret: string): Promise<{ status: number; code: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: '{ me { company { slug } } }' }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code ?? null };
}

beforeAll(async () => {
  redis = await testRedis();
  REDIS_URL = redis.url;
  const limits = { ...limitsFromEnv(), perKeyPerMinute: PER_KEY, redisUrl: REDIS_URL };
  t = await startTestStack({ limits });
  company = await createCompany(t, { name: 'Limited Co', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  for (const stop of extra) await stop();
  await company?.tenantDb.destroy();
  await t?.stop();
  await redis?.stop();
});

it('counts one key against one budget across gateways', async () => {
  const second = await anotherGateway({ ...limitsFromEnv(), perKeyPerMinute: PER_KEY, redisUrl: REDIS_URL });
  const answers = [];
  // Alternating, each gateway sees only half of the requests.
  for (let i = 0; i < PER_KEY + 1; i += 1) answers.push(await ask(i % 2 === 0 ? t.gatewayUrl : second.url, company.secret));
  expect(answers.slice(0, PER_KEY)).toEqual(Array.from({ length: PER_KEY }, () => ({ status: 200, code: null })));
  expect(answers[PER_KEY]).toEqual({ status: 429, code: 'RATE_LIMITED' });
});

it('keeps serving, with limits per process, while Redis cannot be reached', async () => {
  // Nothing listens on port 1: every limit check fails at once and falls back to memory.
  const cut = await anotherGateway({ ...limitsFromEnv(), perKeyPerMinute: 2, redisUrl: 'redis://127.0.0.1:1' });
  const other = await createCompany(t, { name: 'Unlimited Co', modules: ['EMPLOYEES'] });
  try {
    expect(await ask(cut.url, other.secret)).toEqual({ status: 200, code: null });
    expect(await ask(cut.url, other.secret)).toEqual({ status: 200, code: null });
    expect(await ask(cut.url, other.secret)).toEqual({ status: 429, code: 'RATE_LIMITED' });
  } finally {
    await other.tenantDb.destroy();
  }
});

it('spends one query-cost budget across gateways, on Redis', async () => {
  let clock = 1_700_000_000_000;
  const costBudget = { keyed: { capacity: 250, refillPerSecond: 1 }, anonymous: { capacity: 250, refillPerSecond: 1 } };
  const shared = { ...limitsFromEnv(), redisUrl: REDIS_URL, costBudget, now: () => clock };
  const [first, second] = [await anotherGateway(shared), await anotherGateway(shared)];
  const spender = await createCompany(t, { name: 'Costly Co', modules: ['EMPLOYEES'] });
  // 1 + 100 employees: 101 points, so two fit in 250 and a third does not.
  const page = (url: string) => graphql(url, '{ employees(first: 100) { edges { node { id } } } }', undefined, { token: spender.secret });
  try {
    expect((await page(first.url)).extensions?.cost).toMatchObject({ requested: 101, budget: { remaining: 149 } });
    expect((await page(second.url)).extensions?.cost).toMatchObject({ requested: 101, budget: { remaining: 48 } });
    const refused = await page(first.url);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('COST_LIMITED');
    expect(refused.headers.get('retry-after')).toBe('53');
    clock += 53_000;
    expect((await page(second.url)).status).toBe(200);
  } finally {
    await spender.tenantDb.destroy();
  }
});
