import type { Payloads, Succeeded } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { employeesOperation } from '../support/employees-fixtures';
import { exampleVariables, startTestStack, type TestStack } from '../support/stack';

// Statements the employees subgraph sends to tenant databases (the control plane is not counted).
let statements: string[] = [];
let t: TestStack;
let company: GatewayCompany;

const PAGE_QUERY = `query($first: Int) { employees(first: $first) { edges { node {
  id department { name } manager { fullName } position { title } currentContract { baseSalary { amount } } } } } }`;
// Every relation of Employee at once: still one statement per relation, whatever the page size.
const FULL_QUERY = `query($first: Int) { employees(first: $first) { totalCount edges { node {
  id department { name } manager { fullName } position { title } currentContract { baseSalary { amount } }
  reports { id } roles { name } contracts { status } positionHistory { startDate position { title } } } } } }`;

beforeAll(async () => {
  t = await startTestStack({
    // It counts the statements of executing queries: the response cache would answer a repeated one from memory.
    responseCache: false,
    onQuery: (sql, database, subgraph) => {
      if (subgraph === 'employees' && database !== 'control-plane') statements.push(sql);
    },
  });
  company = await createCompany(t, { name: 'Count Corp', modules: ['EMPLOYEES'] });
  await seed();
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

async function ok<F extends keyof Payloads>(query: string, field: F, input: Record<string, unknown>): Promise<Succeeded<Payloads[F]>> {
  const res = await company.gql<Record<F, Succeeded<Payloads[F]>>>(query, { input });
  if (res.errors || res.data![field].userErrors.length > 0) throw new Error(`${field} failed: ${JSON.stringify(res.errors ?? res.data![field].userErrors)}`);
  return res.data![field];
}

/** What both queries select of the first employee, and what the test reads. */
type Page = {
  employees: {
    edges: Array<{
      node: { department: { name: string }; manager: { fullName: string }; position: { title: string }; currentContract: { baseSalary: { amount: string } } };
    }>;
  };
};

/** 30 employees in three departments, a reporting line five levels deep, everyone on a contract and with a role. */
async function seed(): Promise<void> {
  const positions: Array<{ departmentId: string; positionId: string }> = [];
  for (const name of ['Operations', 'Sales', 'Finance']) {
    const { department } = await ok(employeesOperation('CreateDepartment'), 'createDepartment', { name });
    const { position } = await ok(employeesOperation('CreatePosition'), 'createPosition', { title: `${name} Specialist`, departmentId: department.id });
    positions.push({ departmentId: department.id, positionId: position.id });
  }
  const { role } = await ok(`mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { code } } }`, 'createRole', {
    name: 'Keyholder',
  });
  // The chief sorts last by name, so every page's first rows have a manager.
  const ids: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const place = positions[i % 3]!;
    const managerId = i === 0 ? null : ids[Math.floor((i - 1) / 3)]!;
    const lastName = i === 0 ? 'Zimmermann' : `Member${String(i).padStart(2, '0')}`;
    const { employee } = await ok(employeesOperation('HireEmployee'), 'hireEmployee', {
      firstName: 'Staff',
      lastName,
      email: `staff${i}@count.example`,
      hireDate: '2026-01-05',
      ...place,
      managerId,
    });
    ids.push(employee.id);
    await ok(employeesOperation('SignContract'), 'signContract', {
      ...exampleVariables('SignContract', { employeeId: employee.id }).input,
      baseSalary: { amount: `${3000 + i * 10}.00`, currency: 'EUR' },
    });
    await ok(`mutation($input: GrantRoleInput!) { grantRole(input: $input) { employee { id } userErrors { code } } }`, 'grantRole', {
      employeeId: employee.id,
      roleId: role.id,
    });
  }
}

async function statementsFor(query: string, first: number): Promise<number> {
  statements = [];
  const res = await company.gql<Page>(query, { first });
  expect(res.errors).toBeUndefined();
  const nodes = res.data!.employees.edges.map((e) => e.node);
  expect(nodes).toHaveLength(first);
  // The data is really there, so every relation was really fetched.
  expect(nodes[0]!.department.name).toEqual(expect.any(String));
  expect(nodes[0]!.manager.fullName).toEqual(expect.any(String));
  expect(nodes[0]!.position.title).toEqual(expect.any(String));
  expect(nodes[0]!.currentContract.baseSalary.amount).toMatch(/^\d+\.00$/);
  return statements.length;
}

describe('SQL statements per employees page', () => {
  it('stays the same for 1, 10 and 30 employees with department, manager, position and contract', async () => {
    const counts = [await statementsFor(PAGE_QUERY, 1), await statementsFor(PAGE_QUERY, 10), await statementsFor(PAGE_QUERY, 30)];
    // One page query, then one batch each for departments, managers, positions and current contracts.
    expect(counts).toEqual([5, 5, 5]);
  });

  it('stays the same with every relation and the total count', async () => {
    const counts = [await statementsFor(FULL_QUERY, 1), await statementsFor(FULL_QUERY, 10), await statementsFor(FULL_QUERY, 30)];
    // Page + count, then one batch each for department, manager, position, current contract, reports, roles,
    // contracts and position history. The history's positions are the ones already loaded: the per-request
    // loader answers them from its cache (otherwise they would be one more batch, still constant).
    expect(counts).toEqual([10, 10, 10]);
  });
});
