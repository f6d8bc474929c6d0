import { createCompany, type GatewayCompany, type GatewayKey } from '../support/company';
import { hireSomeone } from '../support/employees-fixtures';
import { liftedLimits, startTestStack, type TestStack } from '../support/stack';

// Identical subgraph queries in flight together are sent once, but only for the
// same caller: two companies (or two keys of one company with other modules)
// firing the very same document at once must each get their own answers.

let t: TestStack;
let alpha: GatewayCompany<'assetsOnly'>;
let beta: GatewayCompany;

/** Two subgraphs (access and employees), the same document and variables whoever sends it. */
const SAME_QUERY = `query Same($first: Int) { me { company { slug } } employees(first: $first) { edges { node { lastName } } } }`;
type SameAnswer = { me: { company: { slug: string } } | null; employees: { edges: Array<{ node: { lastName: string } }> } | null };

/** Fetches this gateway sent to `subgraph` so far, as its /metrics counts them. */
async function fetchesTo(subgraph: string): Promise<number> {
  const res = await fetch(t.gatewayUrl.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${t.adminToken}` } });
  expect(res.status).toBe(200);
  const pattern = new RegExp(`^fluxo_subgraph_fetch_duration_seconds_count\\{[^}]*subgraph="${subgraph}"[^}]*\\} (\\d+)$`, 'gm');
  let total = 0;
  for (const match of (await res.text()).matchAll(pattern)) total += Number(match[1]);
  return total;
}

/** `count` requests of each client, all started before any is awaited, interleaved. */
async function together<T>(clients: ReadonlyArray<GatewayKey>, count: number, document: string, variables: Record<string, unknown>) {
  const sent: Array<{ client: GatewayKey; answer: Promise<Awaited<ReturnType<GatewayKey['gql']>>> }> = [];
  for (let i = 0; i < count; i += 1) for (const client of clients) sent.push({ client, answer: client.gql<T>(document, variables) });
  return Promise.all(sent.map(async ({ client, answer }) => ({ client, res: await answer })));
}

beforeAll(async () => {
  // Hundreds of requests of one key within a second: the budgets are not what this file tests.
  const limits = liftedLimits();
  // Subgraph fetches are what this file tests: identical queries are not shared whole before they reach them.
  process.env.FLUXO_SHARED_QUERIES = '0';
  t = await startTestStack({ limits });
  delete process.env.FLUXO_SHARED_QUERIES;
  alpha = await createCompany(t, { name: 'Alpha Dedup', modules: ['EMPLOYEES', 'ASSETS'], keys: { assetsOnly: { modules: ['ASSETS'] } } });
  beta = await createCompany(t, { name: 'Beta Dedup', modules: ['EMPLOYEES', 'ASSETS'] });
  for (let i = 0; i < 3; i += 1) {
    await hireSomeone(alpha, { lastName: `Alphason${i}`, email: `a${i}@alpha-dedup.example` });
    await hireSomeone(beta, { lastName: `Betason${i}`, email: `b${i}@beta-dedup.example` });
  }
});
afterAll(async () => {
  await alpha?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('deduplication of identical in-flight subgraph queries', () => {
  it('never gives one company the answer of another: 200 identical queries each, at once, 0 foreign answers', async () => {
    const before = await fetchesTo('employees');
    const answers = await together<SameAnswer>([alpha, beta], 200, SAME_QUERY, { first: 10 });
    let foreign = 0;
    for (const { client, res } of answers) {
      expect(res.errors).toBeUndefined();
      const own = client === alpha ? { slug: alpha.slug, prefix: 'Alphason' } : { slug: beta.slug, prefix: 'Betason' };
      const data = res.data as SameAnswer;
      const names = data.employees!.edges.map((e) => e.node.lastName);
      expect(names).toHaveLength(3);
      if (data.me!.company.slug !== own.slug || names.some((n) => !n.startsWith(own.prefix))) foreign += 1;
    }
    expect(foreign).toBe(0);
    // Merging did happen meanwhile (so the 0 above was earned, not a sign that nothing was shared).
    expect((await fetchesTo('employees')) - before).toBeLessThan(400);
  });

  it('sends N identical concurrent queries of one caller as fewer than N fetches', async () => {
    const before = await fetchesTo('employees');
    const answers = await together<SameAnswer>([alpha], 50, SAME_QUERY, { first: 10 });
    for (const { res } of answers) expect((res.data as SameAnswer).employees!.edges).toHaveLength(3);
    const fetches = (await fetchesTo('employees')) - before;
    expect(fetches).toBeGreaterThan(0);
    expect(fetches).toBeLessThan(50);
  });

  it('does not merge keys of one company whose modules differ', async () => {
    const answers = await together<SameAnswer>([alpha, alpha.keys.assetsOnly], 100, SAME_QUERY, { first: 10 });
    for (const { client, res } of answers) {
      const data = res.data as SameAnswer;
      if (client === alpha) {
        expect(res.errors).toBeUndefined();
        expect(data.employees!.edges).toHaveLength(3);
      } else {
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
        expect(data?.employees ?? null).toBeNull();
      }
    }
  });

  it('does not merge different variables', async () => {
    const [one, two] = await Promise.all([alpha.gql<SameAnswer>(SAME_QUERY, { first: 1 }), alpha.gql<SameAnswer>(SAME_QUERY, { first: 2 })]);
    expect(one.data!.employees!.edges).toHaveLength(1);
    expect(two.data!.employees!.edges).toHaveLength(2);
  });

  it('does not share an answer whose reading was audited: N identical reveals at once are N audit rows', async () => {
    const { id } = await hireSomeone(alpha, { lastName: 'Revealed', email: 'revealed@alpha-dedup.example', taxId: '123 456 789' });
    const REVEAL = `query Reveal($id: ID!) { employee(id: $id) { personalData { masked taxId } } }`;
    const requestIds = Array.from({ length: 20 }, (_, i) => `dedup-reveal-${i}-${id}`);
    const answers = await Promise.all(
      requestIds.map((requestId) => alpha.gql<{ employee: { personalData: { masked: boolean; taxId: string } } }>(REVEAL, { id }, { requestId })),
    );
    for (const res of answers) expect(res.data!.employee.personalData).toEqual({ masked: false, taxId: '123456789' });
    const audited = await alpha.tenantDb
      .selectFrom('audit.audit_log')
      .select('request_id')
      .where('entity_id', '=', id)
      .where('operation', '=', 'revealPersonalData')
      .execute();
    // Every request that saw the data has its own row, under its own request id.
    expect(audited.map((r) => r.request_id).sort()).toEqual([...requestIds].sort());
  });

  it('never merges mutations: N identical ones at once are N fetches and N writes', async () => {
    const MUTATION = `mutation Same($input: CreateDepartmentInput!) { createDepartment(input: $input) { department { id } userErrors { code } } }`;
    const before = await fetchesTo('employees');
    const answers = await together<{ createDepartment: { department: { id: string } | null } }>([alpha], 20, MUTATION, { input: { name: 'Twin' } });
    expect((await fetchesTo('employees')) - before).toBe(20);
    const created = answers.map(({ res }) => (res.data as { createDepartment: { department: { id: string } | null } }).createDepartment.department?.id);
    const rows = await alpha.tenantDb.selectFrom('employees.department').select('id').where('name', '=', 'Twin').execute();
    // Each request wrote (or was refused) on its own: as many departments as answers naming one, all different.
    expect(new Set(created.filter(Boolean)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(0);
  });
});
