import type { Payloads, Query, Succeeded } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { employeesOperation } from '../support/employees-fixtures';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { exampleVariables, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// The query, across two subgraphs: statements per subgraph must not grow with the page size.
const QUERY = `query($first: Int) { employees(first: $first) { edges { node {
  id assets { id } department { name } manager { fullName } } } } }`;
type Page = {
  employees: { edges: Array<{ node: { id: string; assets: Array<{ id: string }>; department: { name: string }; manager: { fullName: string } } }> };
};

const statements: Record<string, number> = {};
const employeesSql: string[] = [];
let t: TestStack;
let company: GatewayCompany;

async function ok<F extends keyof Payloads>(query: string, field: F, input: Record<string, unknown>): Promise<Succeeded<Payloads[F]>> {
  const res = await company.gql<Record<F, Succeeded<Payloads[F]>>>(query, { input });
  if (res.errors || res.data![field].userErrors.length > 0) throw new Error(`${field} failed: ${JSON.stringify(res.errors ?? res.data![field].userErrors)}`);
  return res.data![field];
}

async function inChunks<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j)));
}

beforeAll(async () => {
  t = await startTestStack({
    // It counts the statements of executing queries: the response cache would answer a repeated one from memory.
    responseCache: false,
    onQuery: (_sql, database, subgraph) => {
      if (database !== 'control-plane') statements[subgraph] = (statements[subgraph] ?? 0) + 1;
      if (subgraph === 'employees') employeesSql.push(_sql);
    },
  });
  company = await createCompany(t, { name: 'Hundred Co', modules: ['EMPLOYEES', 'ASSETS'] });
  const { department } = await ok(employeesOperation('CreateDepartment'), 'createDepartment', { name: 'Field' });
  const { employee: chief } = await ok(employeesOperation('HireEmployee'), 'hireEmployee', {
    firstName: 'Zed',
    lastName: 'Zulu',
    email: 'chief@hundred.example',
    hireDate: '2026-01-05',
    departmentId: department.id,
    positionId: null,
    managerId: null,
  });
  const staff: string[] = [];
  await inChunks([...Array(100).keys()], 10, async (i) => {
    const { employee } = await ok(employeesOperation('HireEmployee'), 'hireEmployee', {
      firstName: 'Staff',
      lastName: `Member${String(i).padStart(3, '0')}`,
      email: `s${i}@hundred.example`,
      hireDate: '2026-01-05',
      departmentId: department.id,
      positionId: null,
      managerId: chief.id,
    });
    staff[i] = employee.id;
  });
  await deliverEvents(t.database.config, t.database.db, company.slug);
  await inChunks(staff, 10, async (employeeId, i) => {
    const { asset } = await ok(contractOperation('assets.graphql', 'RegisterAsset'), 'registerAsset', {
      ...exampleVariables('RegisterAsset').input,
      tag: `LAP-${i}`,
    });
    await ok(contractOperation('assets.graphql', 'AssignAsset'), 'assignAsset', { assetId: asset.id, employeeId, date: '2026-01-12' });
  });
}, 120_000);
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

async function countFor(first: number): Promise<Record<string, number>> {
  for (const key of Object.keys(statements)) delete statements[key];
  const res = await company.gql<Page>(QUERY, { first });
  expect(res.errors).toBeUndefined();
  const nodes = res.data!.employees.edges.map((e) => e.node);
  expect(nodes).toHaveLength(first);
  // Sorted by last name, the members come before the chief: each holds one asset and has a manager.
  for (const node of nodes) {
    expect(node.assets).toHaveLength(1);
    expect(node.manager.fullName).toBe('Zed Zulu');
    expect(node.department.name).toBe('Field');
  }
  return { ...statements };
}

it('uses a constant number of SQL statements per subgraph for 1, 10 and 100 employees', async () => {
  const [one, ten, hundred] = [await countFor(1), await countFor(10), await countFor(100)];
  expect(ten).toEqual(one);
  expect(hundred).toEqual(one);
  // employees: the page, departments, managers; assets: the assets the page's employees hold, with their open assignments, in one.
  expect(one).toEqual({ employees: 3, assets: 1 });
});

describe('a search page and its totalCount', () => {
  async function run(query: string): Promise<{ data: Query['employees']; sql: string[] }> {
    employeesSql.length = 0;
    const res = await company.gql<Pick<Query, 'employees'>>(query, {});
    expect(res.errors).toBeUndefined();
    return { data: res.data!.employees, sql: [...employeesSql] };
  }

  it('counts matches sorted for the page in the same statement, whatever the order of the fields', async () => {
    // "member01" matches Member010 to Member019: few enough to be sorted from the trigram index's matches.
    for (const query of [
      '{ employees(first: 3, filter: { search: "member01" }) { totalCount edges { node { fullName } } } }',
      '{ employees(first: 3, filter: { search: "member01" }) { edges { node { fullName } } totalCount } }',
    ]) {
      const { data, sql } = await run(query);
      expect(data.totalCount).toBe(10);
      expect(data.edges.map((e) => e.node.fullName)).toEqual(['Staff Member010', 'Staff Member011', 'Staff Member012']);
      // The plan's estimate, then one statement for the page and the count.
      expect(sql).toHaveLength(2);
      expect(sql[0]).toMatch(/^explain/i);
      expect(sql[1]).toContain('count(*) OVER ()');
    }
  });

  it('counts with a statement of its own when no page is asked for, or the page walks the directory', async () => {
    const alone = await run('{ employees(filter: { search: "member01" }) { totalCount } }');
    expect(alone.data.totalCount).toBe(10);
    expect(alone.sql).toHaveLength(1);
    const unfiltered = await run('{ employees(first: 2) { totalCount edges { node { fullName } } } }');
    expect(unfiltered.data.totalCount).toBe(101);
    expect(unfiltered.sql).toHaveLength(2);
  });
});

describe('matchCount', () => {
  async function run(query: string): Promise<{ res: GraphQLResponse<Pick<Query, 'employees'>>; sql: string[] }> {
    employeesSql.length = 0;
    const res = await company.gql<Pick<Query, 'employees'>>(query, {});
    return { res, sql: [...employeesSql] };
  }

  it('counts no further than its limit, and says whether it counted every match', async () => {
    const over = await run('{ employees(filter: { search: "hundred.example" }) { matchCount(limit: 40) { count exact } } }');
    expect(over.res.data!.employees.matchCount).toEqual({ count: 40, exact: false });
    expect(over.sql).toHaveLength(1);
    expect(over.sql[0]).toMatch(/limit \$\d+/i);
    const under = await run('{ employees(filter: { search: "hundred.example" }) { matchCount { count exact } totalCount } }');
    expect(under.res.data!.employees).toEqual({ matchCount: { count: 101, exact: true }, totalCount: 101 });
    // Without a search both come from the tally.
    const all = await run('{ employees(filter: { status: ACTIVE }) { matchCount(limit: 100) { count exact } } }');
    expect(all.res.data!.employees.matchCount).toEqual({ count: 100, exact: false });
    const assets = await company.gql<Pick<Query, 'assets'>>('{ assets(filter: { search: "lap-" }) { matchCount(limit: 10) { count exact } totalCount } }', {});
    expect(assets.data!.assets).toEqual({ matchCount: { count: 10, exact: false }, totalCount: 100 });
  });

  it("takes a sorted search page's own count without another statement", async () => {
    const { res, sql } = await run(
      '{ employees(first: 2, filter: { search: "member01" }) { matchCount(limit: 5) { count exact } edges { node { fullName } } } }',
    );
    expect(res.data!.employees.matchCount).toEqual({ count: 5, exact: false });
    expect(sql).toHaveLength(2);
  });

  it('refuses a limit outside 1 to 10,000', async () => {
    for (const limit of [0, 10_001]) {
      const { res } = await run(`{ employees { matchCount(limit: ${limit}) { count } } }`);
      expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toContain('limit');
    }
  });
});
