import { randomUUID } from 'node:crypto';
import type { Entities, Query } from '../support/api';
import { callSubgraph, createCompany, issueKey, type GatewayCompany } from '../support/company';
import { employeesFootprint, employeesOperation, hireSomeone } from '../support/employees-fixtures';
import { exampleVariables, graphql, startTestStack, type TestStack } from '../support/stack';

// What the gateway sends when another subgraph (assets' Asset.holder, payroll) refers to an employee.
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Employee { id fullName } } }`;
type Resolved = Entities<{ id: string; fullName: string }>;

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Isolation', modules: ['ASSETS', 'EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Isolation', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('isolation between companies and modules', () => {
  it('refuses, with MODULE_NOT_SUBSCRIBED, a signed context that claims a module the company lacks', async () => {
    const res = await callSubgraph(t, 'assets', beta, '{ assets(first: 1) { totalCount } }', {}, ['EMPLOYEES', 'ASSETS']);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
  });

  it('gives company B null for company A’s employee, through the gateway and through _entities', async () => {
    const mine = await hireSomeone(acme);
    const theirs = await hireSomeone(beta);
    const viaGateway = await beta.gql<Pick<Query, 'employee'>>(employeesOperation('Employee'), { id: mine.id });
    expect(viaGateway.errors).toBeUndefined();
    expect(viaGateway.data!.employee).toBeNull();

    const representations = [{ __typename: 'Employee', id: mine.id }];
    const asB = await callSubgraph<Resolved>(t, 'employees', beta, ENTITIES, { r: representations }, ['EMPLOYEES']);
    expect(asB.errors).toBeUndefined();
    expect(asB.data!._entities).toEqual([null]);
    // The same request with company A's own context does resolve: the null above is isolation, not a broken query.
    const asA = await callSubgraph<Resolved>(t, 'employees', acme, ENTITIES, { r: [...representations, { __typename: 'Employee', id: 'not-an-id' }] }, [
      'EMPLOYEES',
    ]);
    expect(asA.data!._entities).toEqual([{ id: mine.id, fullName: mine.fullName }, null]);
    const ownB = await callSubgraph<Resolved>(t, 'employees', beta, ENTITIES, { r: [{ __typename: 'Employee', id: theirs.id }] }, ['EMPLOYEES']);
    expect(ownB.data!._entities).toEqual([{ id: theirs.id, fullName: theirs.fullName }]);
  });

  it('refuses a key without EMPLOYEES with MODULE_NOT_SUBSCRIBED, reads and writes alike', async () => {
    const assetsOnly = await issueKey(t, acme, ['ASSETS']);
    const before = await employeesFootprint(acme.tenantDb);
    const list = await assetsOnly.gql(employeesOperation('Employees'), exampleVariables('Employees'));
    expect(list.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const one = await assetsOnly.gql(employeesOperation('Employee'), { id: 'whatever' });
    expect(one.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const write = await assetsOnly.gql(employeesOperation('CreateDepartment'), { input: { name: '' } });
    expect(write.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const direct = await callSubgraph<Resolved>(t, 'employees', acme, ENTITIES, { r: [{ __typename: 'Employee', id: randomUUID() }] }, ['ASSETS']);
    expect(direct.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    expect(await employeesFootprint(acme.tenantDb)).toEqual(before);
  });

  it('refuses a forged context on the subgraph itself', async () => {
    const res = await graphql(t.subgraphUrl('employees'), ENTITIES, { r: [] }, { headers: { 'x-fluxo-context': 'forged' } });
    expect(res.status).toBe(401);
  });
});
