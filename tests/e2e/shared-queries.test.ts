import { randomUUID } from 'node:crypto';
import { MODULES } from '../../platform/modules';
import { createCompany, type GatewayCompany } from '../support/company';
import { hireSomeone } from '../support/employees-fixtures';
import { OVERVIEW } from '../support/overview';
import type { Overview } from '../support/api';
import { graphql, liftedLimits, startTestStack, type TestStack } from '../support/stack';

// Identical queries of one caller in flight at once are executed once by the
// gateway (gateway/shared-queries.ts): many requests, one execution, and never
// an answer of another company, another grant, or a reveal another request made.

let t: TestStack;
let alpha: GatewayCompany<'employeesOnly'>;
let beta: GatewayCompany;

const DIRECTORY = `query Directory { me { company { slug } } employees(first: 20) { edges { node { lastName } } } }`;
type Directory = { me: { company: { slug: string } }; employees: { edges: Array<{ node: { lastName: string } }> } };
const PERSONAL = `query Personal($id: ID!) { employee(id: $id) { id personalData { masked taxId } } }`;
const NAMES = `query Names { employees(first: 50) { edges { node { lastName } } } }`;
type Names = { employees: { edges: Array<{ node: { lastName: string } }> } };
type Personal = { employee: { personalData: { masked: boolean; taxId: string | null } } };

/** The sum of the gateway's /metrics samples whose line starts with `series` (a regular expression). */
async function metric(series: string): Promise<number> {
  const res = await fetch(t.gatewayUrl.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${t.adminToken}` } });
  expect(res.status).toBe(200);
  let total = 0;
  for (const match of (await res.text()).matchAll(new RegExp(`^${series} (\\d+)$`, 'gm'))) total += Number(match[1]);
  return total;
}
const sharedAnswers = () => metric('fluxo_shared_queries_total\\{outcome="shared"\\}');
const fetchesTo = (subgraph: string) => metric(`fluxo_subgraph_fetch_duration_seconds_count\\{[^}]*subgraph="${subgraph}"[^}]*\\}`);

beforeAll(async () => {
  // Hundreds of requests of one key within a second: the budgets are not what this file tests.
  const limits = liftedLimits();
  t = await startTestStack({ limits });
  alpha = await createCompany(t, { name: 'Alpha Shared', modules: [...MODULES], keys: { employeesOnly: { modules: ['EMPLOYEES'] } } });
  beta = await createCompany(t, { name: 'Beta Shared', modules: [...MODULES] });
  for (let i = 0; i < 3; i += 1) {
    await hireSomeone(alpha, { lastName: `Alphason${i}`, email: `a${i}@alpha-shared.example` });
    await hireSomeone(beta, { lastName: `Betason${i}`, email: `b${i}@beta-shared.example` });
  }
});
afterAll(async () => {
  await alpha?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('identical queries in flight, executed once', () => {
  it('answers 300 identical queries of two companies and two keys at once, each with its own data only', async () => {
    const sharedBefore = await sharedAnswers();
    const fetchesBefore = await fetchesTo('employees');
    const clients = [
      { secret: alpha.secret, slug: alpha.slug, prefix: 'Alphason' },
      { secret: beta.secret, slug: beta.slug, prefix: 'Betason' },
      { secret: alpha.keys.employeesOnly.secret, slug: alpha.slug, prefix: 'Alphason' },
    ];
    const sent = [];
    for (let i = 0; i < 100; i += 1)
      for (const client of clients) sent.push({ client, answer: graphql<Directory>(t.gatewayUrl, DIRECTORY, undefined, { token: client.secret }) });
    let foreign = 0;
    for (const { client, answer } of sent) {
      const res = await answer;
      expect(res.errors).toBeUndefined();
      const names = res.data!.employees.edges.map((e) => e.node.lastName);
      expect(names).toHaveLength(3);
      if (res.data!.me.company.slug !== client.slug || names.some((n) => !n.startsWith(client.prefix))) foreign += 1;
    }
    expect(foreign).toBe(0);
    // Sharing did happen meanwhile (so the 0 above was earned), and it saved fetches.
    expect((await sharedAnswers()) - sharedBefore).toBeGreaterThan(0);
    expect((await fetchesTo('employees')) - fetchesBefore).toBeLessThan(300);
  });

  it('gives every waiting request of the overview the same exact answer, with fewer executions than requests', async () => {
    const sharedBefore = await sharedAnswers();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => graphql<{ overview: Overview }>(t.gatewayUrl, OVERVIEW, undefined, { token: alpha.secret })),
    );
    for (const res of answers) {
      expect(res.errors).toBeUndefined();
      expect(res.status).toBe(200);
      expect(res.data!.overview.employees!.activeHeadcount).toBe(3);
      expect(res.data!.overview.company.name).toBe('Alpha Shared');
    }
    expect((await sharedAnswers()) - sharedBefore).toBeGreaterThan(0);
  });

  it('never shares a reveal: each request that saw personal data runs, and is audited, on its own', async () => {
    const employee = await hireSomeone(alpha, { lastName: 'Revealed', email: 'revealed@alpha-shared.example', taxId: '987 654 321' });
    const requests = Array.from({ length: 12 }, () => `shared-reveal-${randomUUID()}`);
    const answers = await Promise.all(
      requests.map((requestId) =>
        graphql<Personal>(t.gatewayUrl, PERSONAL, { id: employee.id }, { token: alpha.secret, headers: { 'x-request-id': requestId } }),
      ),
    );
    for (const res of answers) expect(res.data!.employee.personalData).toEqual({ masked: false, taxId: '987654321' });
    const audited = await alpha.tenantDb
      .selectFrom('audit.audit_log')
      .select(['request_id'])
      .where('request_id', 'in', requests)
      .where('entity_id', '=', employee.id)
      .execute();
    expect(new Set(audited.map((r) => r.request_id))).toEqual(new Set(requests));
  });

  it('lets a client read its own write right after it', async () => {
    // Identical reads keep going while the client writes; its next read must show the write.
    const read = () => graphql<Names>(t.gatewayUrl, NAMES, undefined, { token: beta.secret });
    for (let i = 0; i < 3; i += 1) {
      const meanwhile = Array.from({ length: 10 }, read);
      await hireSomeone(beta, { lastName: `Betawrite${i}`, email: `w${i}@beta-shared.example` });
      const after = await read();
      expect(after.data!.employees.edges.map((e) => e.node.lastName)).toContain(`Betawrite${i}`);
      for (const res of await Promise.all(meanwhile)) expect(res.errors).toBeUndefined();
    }
  });
});
