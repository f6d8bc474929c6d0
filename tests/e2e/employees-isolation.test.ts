import { randomUUID } from 'node:crypto';
import { createCompany, issueKey, type GatewayCompany } from '../support/company';
import { asCompany, asSubgraphCaller, employeesFootprint, employeesOperation, hireSomeone } from '../support/employees-fixtures';
import { exampleVariables, graphql, startTestStack, type TestStack } from '../support/stack';

// What the gateway sends when another subgraph (assets' Asset.holder, payroll) refers to an employee.
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Employee { id fullName } } }`;

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
  it('gives company B null for company A’s employee, through the gateway and through _entities', async () => {
    const mine = await hireSomeone(t, acme);
    const theirs = await hireSomeone(t, beta);
    const viaGateway = await asCompany(t, beta, employeesOperation('Employee'), { id: mine.id });
    expect(viaGateway.errors).toBeUndefined();
    expect(viaGateway.data.employee).toBeNull();

    const representations = [{ __typename: 'Employee', id: mine.id }];
    const asB = await asSubgraphCaller(t, beta, ['EMPLOYEES'], ENTITIES, { r: representations });
    expect(asB.errors).toBeUndefined();
    expect(asB.data._entities).toEqual([null]);
    // The same request with company A's own context does resolve: the null above is isolation, not a broken query.
    const asA = await asSubgraphCaller(t, acme, ['EMPLOYEES'], ENTITIES, { r: [...representations, { __typename: 'Employee', id: 'not-an-id' }] });
    expect(asA.data._entities).toEqual([{ id: mine.id, fullName: mine.fullName }, null]);
    const ownB = await asSubgraphCaller(t, beta, ['EMPLOYEES'], ENTITIES, { r: [{ __typename: 'Employee', id: theirs.id }] });
    expect(ownB.data._entities).toEqual([{ id: theirs.id, fullName: theirs.fullName }]);
  });

  it('refuses a key without EMPLOYEES with MODULE_NOT_SUBSCRIBED, reads and writes alike', async () => {
    const assetsOnly = await issueKey(t, acme, ['ASSETS']);
    const before = await employeesFootprint(acme.tenantDb);
    const list = await asCompany(t, assetsOnly, employeesOperation('Employees'), exampleVariables('Employees'));
    expect(list.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const one = await asCompany(t, assetsOnly, employeesOperation('Employee'), { id: 'whatever' });
    expect(one.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const write = await asCompany(t, assetsOnly, employeesOperation('CreateDepartment'), { input: { name: '' } });
    expect(write.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    const direct = await asSubgraphCaller(t, acme, ['ASSETS'], ENTITIES, { r: [{ __typename: 'Employee', id: randomUUID() }] });
    expect(direct.errors!.map((e) => e.extensions!.code)).toEqual(['MODULE_NOT_SUBSCRIBED']);
    expect(await employeesFootprint(acme.tenantDb)).toEqual(before);
  });

  it('refuses a forged context on the subgraph itself', async () => {
    const res = await graphql(t.subgraphUrl('employees'), ENTITIES, { r: [] }, { headers: { 'x-fluxo-context': 'forged' } });
    expect(res.status).toBe(401);
  });
});
