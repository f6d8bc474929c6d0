import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { serviceConfig } from '../../platform/db-roles';
import { createLogger } from '../../platform/logger';
import { ServiceRuntime } from '../../platform/runtime';
import { startWorker } from '../../worker/main';
import type { OutboxWorker } from '../../worker/service';
import { createCompany, type GatewayCompany } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { deliverEvents } from '../support/events';
import { until } from '../support/gateway-process';
import { member } from '../support/people';
import { OVERVIEW } from '../support/overview';
import { graphql, liftedLimits, startExtraGateway, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// The gateway's response cache, on two gateways over one control plane, with
// the real worker relaying outbox events: a repeated query is answered without
// a subgraph fetch, a write is never followed by a stale read once its event is
// relayed (nor on the gateway that ran it, at once), and no answer crosses a
// tenant or a credential.

let database: TestDatabase;
let t: TestStack;
let a: Awaited<ReturnType<typeof startExtraGateway>>;
let b: Awaited<ReturnType<typeof startExtraGateway>>;
let runtime: ServiceRuntime | undefined;
let worker: OutboxWorker | undefined;
let alpha: GatewayCompany<'employeesOnly'>;
let beta: GatewayCompany;
let serial = 0;

const DIRECTORY = `query Directory { employees(first: 100) { totalCount edges { node { id lastName department { name } } } } }`;
type Directory = { employees: { totalCount: number; edges: Array<{ node: { id: string; lastName: string } }> } };
const LEDGER = `query Ledger { journalEntries(first: 100, filter: { sourceModule: "assets" }) { edges { node { number memo source { module reference } lines { account { code } debit credit } } } } }`;
type Ledger = { journalEntries: { edges: Array<{ node: { source: { module: string; reference: string } } }> } };
const PERSONAL = `query Personal($id: ID!) { employee(id: $id) { id personalData { masked taxId } } }`;
type Personal = { employee: { id: string; personalData: { masked: boolean; taxId: string | null } | null } };
const HIRE = `mutation Hire($input: HireEmployeeInput!) { hireEmployee(input: $input) { employee { id } userErrors { code } } }`;
const REGISTER = `mutation Register($input: RegisterAssetInput!) { registerAsset(input: $input) { asset { id } userErrors { code } } }`;

const urlOf = (gateway: typeof a) => gateway.gateway.url;

/** A query or mutation through one gateway with one credential; the answer says whether the cache served it. */
async function ask<T>(gatewayUrl: string, token: string, query: string, variables: Record<string, unknown> = {}, requestId = `rc-${randomUUID()}`) {
  const res: GraphQLResponse<T> = await graphql<T>(gatewayUrl, query, variables, { token, headers: { 'x-request-id': requestId } });
  expect(res.errors).toBeUndefined();
  return { data: res.data!, cache: res.headers.get('x-fluxo-cache') };
}

/** The sum of a gateway's /metrics samples whose line starts with `series` (a regular expression). */
async function metric(gatewayUrl: string, series: string): Promise<number> {
  const res = await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${t.adminToken}` } });
  expect(res.status).toBe(200);
  let total = 0;
  for (const match of (await res.text()).matchAll(new RegExp(`^${series} (\\d+)$`, 'gm'))) total += Number(match[1]);
  return total;
}
const fetchesTo = (gatewayUrl: string, subgraph: string) =>
  metric(gatewayUrl, `fluxo_subgraph_fetch_duration_seconds_count\\{[^}]*subgraph="${subgraph}"[^}]*\\}`);
const changesHeard = (gatewayUrl: string, source: 'event' | 'data' | 'mutation' | 'listener') =>
  metric(gatewayUrl, `fluxo_response_cache_invalidations_total\\{source="${source}"\\}`);

async function hire(company: GatewayCompany, gatewayUrl: string, extra: Record<string, unknown> = {}): Promise<string> {
  serial += 1;
  const input = { firstName: 'Cache', lastName: `Person${serial}`, email: `cache${serial}@${company.slug}.example`, hireDate: '2026-01-05', ...extra };
  const { data } = await ask<{ hireEmployee: { employee: { id: string }; userErrors: unknown[] } }>(gatewayUrl, company.secret, HIRE, { input });
  expect(data.hireEmployee.userErrors).toEqual([]);
  return data.hireEmployee.employee.id;
}

beforeAll(async () => {
  // Hundreds of requests of one key within a second: the budgets are not what this file tests.
  const limits = liftedLimits();
  database = await createTestDatabase();
  t = await startTestStack({ database, limits });
  const cached = { responseCache: { enabled: true, maxBytes: 16 * 1024 * 1024 }, limits };
  a = await startExtraGateway(t, cached);
  b = await startExtraGateway(t, cached);
  alpha = await createCompany(t, {
    name: 'Alpha Cache',
    modules: ['EMPLOYEES', 'ASSETS', 'FINANCE'],
    keys: { employeesOnly: { modules: ['EMPLOYEES'] } },
  });
  beta = await createCompany(t, { name: 'Beta Cache', modules: ['EMPLOYEES', 'ASSETS', 'FINANCE'] });
  for (let i = 0; i < 3; i += 1) {
    await hire(alpha, urlOf(a), { lastName: `Alphason${i}` });
    await hire(beta, urlOf(a), { lastName: `Betason${i}` });
  }
});
afterAll(async () => {
  await worker?.stop();
  await runtime?.close();
  await a?.stop();
  await b?.stop();
  await alpha?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
  await database?.drop();
});

describe('response cache', () => {
  it('answers a repeated query from the cache, with no subgraph fetch', async () => {
    const first = await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY);
    expect(first.cache).toBe('miss');
    const before = await fetchesTo(urlOf(a), 'employees');
    const second = await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY);
    expect(second.cache).toBe('hit');
    expect(second.data).toEqual(first.data);
    expect(await fetchesTo(urlOf(a), 'employees')).toBe(before);
  });

  it('keeps an answer that identical requests in flight shared, with the hints of the fetch they shared', async () => {
    // A query of its own (another page size): nothing kept for it yet, so those in flight together all miss.
    const query = DIRECTORY.replace('first: 100', 'first: 99');
    const before = await fetchesTo(urlOf(a), 'employees');
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask<Directory>(urlOf(a), alpha.secret, query)));
    // Fewer fetches than misses: misses did share a fetch (gateway/dedup.ts), which is the case this checks.
    const misses = answers.filter((x) => x.cache === 'miss').length;
    expect((await fetchesTo(urlOf(a), 'employees')) - before).toBeLessThan(misses);
    const next = await ask<Directory>(urlOf(a), alpha.secret, query);
    expect(next.cache).toBe('hit');
    expect(next.data).toEqual(answers[0]!.data);
  });

  it('reads a write fresh at once on the gateway that ran it, and on another once it heard of it', async () => {
    for (const gateway of [a, b]) {
      await ask<Directory>(urlOf(gateway), alpha.secret, DIRECTORY);
      expect((await ask<Directory>(urlOf(gateway), alpha.secret, DIRECTORY)).cache).toBe('hit');
    }
    const heardBefore = await changesHeard(urlOf(b), 'mutation');
    const id = await hire(alpha, urlOf(a), { lastName: 'Newcomer' });
    const onA = await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY);
    expect(onA.cache).toBe('miss');
    expect(onA.data.employees.edges.map((e) => e.node.id)).toContain(id);
    await until(async () => (await changesHeard(urlOf(b), 'mutation')) > heardBefore, 'gateway B to hear of the mutation', 10_000);
    const onB = await ask<Directory>(urlOf(b), alpha.secret, DIRECTORY);
    expect(onB.data.employees.edges.map((e) => e.node.id)).toContain(id);
  });

  it('keeps the overview, and reads it fresh at once after a write of a module it shows', async () => {
    type Headcount = { overview: { generatedAt: string; employees: { activeHeadcount: number } | null } };
    // Events of earlier tests' hires may still be relayed, each making a kept answer stale: ask until one is kept.
    let cached = await ask<Headcount>(urlOf(a), alpha.secret, OVERVIEW);
    await until(async () => (cached = await ask<Headcount>(urlOf(a), alpha.secret, OVERVIEW)).cache === 'hit', 'the overview to be kept', 10_000);
    const headcount = cached.data.overview.employees!.activeHeadcount;
    await hire(alpha, urlOf(a), { lastName: 'Counted' });
    const fresh = await ask<Headcount>(urlOf(a), alpha.secret, OVERVIEW);
    expect(fresh.cache).toBe('miss');
    expect(fresh.data.overview.employees!.activeHeadcount).toBe(headcount + 1);
    expect(fresh.data.overview.generatedAt > cached.data.overview.generatedAt).toBe(true);
  });

  it("drops every company's answers after an operator's mutation, even one made acting for another company", async () => {
    // Events of earlier tests' hires may still be relayed, each making a kept answer stale: ask until one is kept.
    await until(async () => (await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY)).cache === 'hit', 'the directory to be kept', 10_000);
    serial += 1;
    const res = await graphql<{ defineEmployeeCustomField: { userErrors: unknown[] } }>(
      urlOf(a),
      `
        mutation Define($input: DefineCustomFieldInput!) {
          defineEmployeeCustomField(input: $input) {
            userErrors {
              code
            }
          }
        }
      `,
      { input: { companyId: beta.companyId, key: `badge_${serial}`, label: 'Badge', type: 'TEXT' } },
      { token: t.adminToken, headers: { 'x-fluxo-company': beta.companyId } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.defineEmployeeCustomField.userErrors).toEqual([]);
    // The operator reaches any company through access, whichever company it named.
    expect((await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY)).cache).toBe('miss');
  });

  it("never serves a consumer's stale answer once the event is relayed, on either gateway", async () => {
    // Nothing else is waiting in the outboxes: the first relay the gateways hear of is the asset's.
    for (const company of [alpha, beta]) await deliverEvents(database.config, database.db, company.slug);
    const input = {
      tag: `CACHE-${randomUUID().slice(0, 8)}`,
      name: 'Laptop 14in',
      category: 'IT equipment',
      acquisitionDate: '2026-01-10',
      acquisitionCost: { amount: '1500.00', currency: 'EUR' },
      salvageValue: { amount: '300.00', currency: 'EUR' },
      usefulLifeMonths: 36,
      depreciationMethod: 'STRAIGHT_LINE',
    };
    const mutationsHeard = await changesHeard(urlOf(b), 'mutation');
    const registered = await ask<{ registerAsset: { asset: { id: string }; userErrors: unknown[] } }>(urlOf(a), alpha.secret, REGISTER, { input });
    expect(registered.data.registerAsset.userErrors).toEqual([]);
    const assetId = registered.data.registerAsset.asset.id;
    await until(async () => (await changesHeard(urlOf(b), 'mutation')) > mutationsHeard, 'gateway B to hear of the mutation', 10_000);
    // Finance has not booked the acquisition yet (no worker runs): both gateways keep the ledger without it.
    const booked = (ledger: Ledger) => ledger.journalEntries.edges.some((e) => e.node.source.reference === `asset:${assetId}:acquisition`);
    for (const gateway of [a, b]) {
      const before = await ask<Ledger>(urlOf(gateway), alpha.secret, LEDGER);
      expect(booked(before.data)).toBe(false);
      expect((await ask<Ledger>(urlOf(gateway), alpha.secret, LEDGER)).cache).toBe('hit');
    }
    const eventsHeard = await Promise.all([a, b].map((gateway) => changesHeard(urlOf(gateway), 'event')));
    runtime = new ServiceRuntime(serviceConfig(database.config, 'worker'), createLogger('test', 'silent'));
    worker = await startWorker(runtime);
    for (const [i, gateway] of [a, b].entries()) {
      await until(async () => (await changesHeard(urlOf(gateway), 'event')) > eventsHeard[i]!, 'the relay to be heard', 20_000);
      const after = await ask<Ledger>(urlOf(gateway), alpha.secret, LEDGER);
      expect(after.cache).toBe('miss');
      expect(booked(after.data)).toBe(true);
    }
    // The tests below count hits of their own: no relay may drop their answers meanwhile.
    await worker.stop();
    await runtime.close();
    worker = undefined;
    runtime = undefined;
  });

  it('never serves an answer that a write made without the gateway changed, once the relay announced the write', async () => {
    const marks = async (company: GatewayCompany) =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM employees.data_change`.execute(company.tenantDb)).rows[0]!.n);
    const fixed = await hire(alpha, urlOf(a), { lastName: 'Alphason Misspelt' });
    runtime = new ServiceRuntime(serviceConfig(database.config, 'worker'), createLogger('test', 'silent'));
    worker = await startWorker(runtime);
    // The marks of the writes above are announced first; the check starts once they are gone.
    for (const company of [alpha, beta]) await until(async () => (await marks(company)) === 0, 'the relay to announce the earlier writes', 20_000);
    for (const gateway of [a, b]) {
      for (const company of [alpha, beta]) {
        await ask<Directory>(urlOf(gateway), company.secret, DIRECTORY);
        expect((await ask<Directory>(urlOf(gateway), company.secret, DIRECTORY)).cache).toBe('hit');
      }
    }
    const heard = await Promise.all([a, b].map((gateway) => changesHeard(urlOf(gateway), 'data')));
    // An operator's fix in SQL: no gateway, no outbox event.
    await sql`UPDATE employees.employee SET last_name = 'Alphason Corrected' WHERE id = ${fixed}::uuid`.execute(alpha.tenantDb);
    for (const [i, gateway] of [a, b].entries()) {
      await until(async () => (await changesHeard(urlOf(gateway), 'data')) > heard[i]!, 'the relay to announce the write', 20_000);
      const after = await ask<Directory>(urlOf(gateway), alpha.secret, DIRECTORY);
      expect(after.cache).toBe('miss');
      expect(after.data.employees.edges.find((e) => e.node.id === fixed)?.node.lastName).toBe('Alphason Corrected');
      // The other company's answers are not touched.
      expect((await ask<Directory>(urlOf(gateway), beta.secret, DIRECTORY)).cache).toBe('hit');
    }
    await worker.stop();
    await runtime.close();
    worker = undefined;
    runtime = undefined;
  });

  it("never gives one company another's answer: identical queries at once, through both gateways, 0 foreign", async () => {
    for (const gateway of [a, b]) for (const company of [alpha, beta]) await ask<Directory>(urlOf(gateway), company.secret, DIRECTORY);
    const sent: Array<{ company: GatewayCompany; answer: ReturnType<typeof ask<Directory>> }> = [];
    for (let i = 0; i < 150; i += 1) {
      for (const company of [alpha, beta]) sent.push({ company, answer: ask<Directory>(urlOf(i % 2 === 0 ? a : b), company.secret, DIRECTORY) });
    }
    let foreign = 0;
    let hits = 0;
    for (const { company, answer } of sent) {
      const { data, cache } = await answer;
      if (cache === 'hit') hits += 1;
      const names = data.employees.edges.map((e) => e.node.lastName);
      const own = company === alpha ? 'Alphason' : 'Betason';
      const other = company === alpha ? 'Betason' : 'Alphason';
      if (names.some((n) => n.startsWith(other)) || !names.some((n) => n.startsWith(own))) foreign += 1;
    }
    expect(foreign).toBe(0);
    // Answers were served from the cache meanwhile, so the 0 above was earned.
    expect(hits).toBeGreaterThan(100);
  });

  it('never shares an answer between credentials of one company with other grants', async () => {
    const key = alpha.keys.employeesOnly;
    const own = await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY);
    expect((await ask<Directory>(urlOf(a), alpha.secret, DIRECTORY)).cache).toBe('hit');
    expect((await ask<Directory>(urlOf(a), key.secret, DIRECTORY)).cache).toBe('miss');
    expect((await ask<Directory>(urlOf(a), key.secret, DIRECTORY)).cache).toBe('hit');

    // A reader whose personal data is masked, and the company key that sees it in full.
    const anaId = await hire(alpha, urlOf(a), { lastName: 'Private', taxId: '123 456 789' });
    const viewer = await member(t, alpha.secret, { companyId: alpha.companyId, roles: [{ role: 'HR_VIEWER' }] });
    const masked = await ask<Personal>(urlOf(a), viewer.accessToken, PERSONAL, { id: anaId });
    expect(masked.data.employee.personalData).toEqual({ masked: true, taxId: '*****6789' });
    expect((await ask<Personal>(urlOf(a), viewer.accessToken, PERSONAL, { id: anaId })).cache).toBe('hit');
    const full = await ask<Personal>(urlOf(a), alpha.secret, PERSONAL, { id: anaId });
    expect(full.cache).toBe('miss');
    expect(full.data.employee.personalData).toEqual({ masked: false, taxId: '123456789' });
    expect(own.data.employees.totalCount).toBeGreaterThan(0);
  });

  it('never keeps a mutation, nor an answer that revealed personal data: each is run, and audited, again', async () => {
    const before = await fetchesTo(urlOf(a), 'employees');
    const hired = await Promise.all([0, 1].map(() => hire(alpha, urlOf(b))));
    expect(new Set(hired).size).toBe(2);
    const id = await hire(alpha, urlOf(a), { lastName: 'Revealed', taxId: '987 654 321' });
    const requests = [`reveal-${randomUUID()}`, `reveal-${randomUUID()}`];
    for (const requestId of requests) {
      const revealed = await ask<Personal>(urlOf(a), alpha.secret, PERSONAL, { id }, requestId);
      expect(revealed.cache).toBe('miss');
      expect(revealed.data.employee.personalData).toEqual({ masked: false, taxId: '987654321' });
    }
    const reveals = await alpha.tenantDb
      .selectFrom('audit.audit_log')
      .select(['request_id'])
      .where('request_id', 'in', requests)
      .where('entity_id', '=', id)
      .execute();
    expect(new Set(reveals.map((r) => r.request_id))).toEqual(new Set(requests));
    expect(await fetchesTo(urlOf(a), 'employees')).toBeGreaterThanOrEqual(before + 3);
    // A mutation's answer says nothing of the cache.
    const res = await graphql(
      urlOf(a),
      HIRE,
      { input: { firstName: 'No', lastName: 'Header', email: `nh${serial}@x.example`, hireDate: '2026-01-05' } },
      { token: alpha.secret },
    );
    expect(res.headers.get('x-fluxo-cache')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('drops everything it kept when its listener is lost, and serves nothing until it listens again', async () => {
    for (const gateway of [a, b]) {
      await ask<Directory>(urlOf(gateway), alpha.secret, DIRECTORY);
      expect((await ask<Directory>(urlOf(gateway), alpha.secret, DIRECTORY)).cache).toBe('hit');
    }
    const before = await Promise.all([a, b].map((gateway) => changesHeard(urlOf(gateway), 'listener')));
    const { rows } = await sql<{ pid: number }>`
      SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
      WHERE application_name = 'fluxo-gateway-response-cache' AND datname = current_database()`.execute(database.db);
    // A's, B's and the stack's own gateway's (the cache is on as shipped).
    expect(rows).toHaveLength(3);
    for (const [i, gateway] of [a, b].entries()) {
      // Lost, then back: anything announced in between is unknown, so nothing kept before may be served.
      await until(async () => (await changesHeard(urlOf(gateway), 'listener')) >= before[i]! + 2, 'the listener to be lost and back', 10_000);
      expect((await ask<Directory>(urlOf(gateway), alpha.secret, DIRECTORY)).cache).toBe('miss');
    }
  });
});
