import { randomUUID } from 'node:crypto';
import { ALL_PERMISSIONS, type Grants, type Permission, type RowScope } from '../../platform/permissions';
import { callSubgraph, callSubgraphAsUser, createCompany, type GatewayCompany } from '../support/company';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { employeesOperation, mutateOk, payrollOperation } from '../support/payroll-fixtures';
import type { GraphQLResponse } from '../support/stack';
import { exampleVariables, startTestStack, type TestStack } from '../support/stack';

// Row scopes (ABAC) as the subgraphs enforce them: a person whose roles reach
// only their own employee record (SELF) or a department's subtree (DEPARTMENT)
// is signed a context with scoped grants, and calls each subgraph directly, as
// the gateway would. Whatever the way in — by id, list, cursor or entity
// reference — rows outside the scope are as absent as rows that do not exist.
//
// The organisation:   HQ ─┬─ Sales ── Sales EU        Ops
//   ana   Sales     (heads Sales: DEPARTMENT scope on Sales)
//   bo    Sales EU  (self-service: SELF scope; manager cy)
//   cy    Ops
//   di    no department (reports to ana)
// Payroll pays all four for January. Assets: bo holds LAP-BO, cy holds LAP-CY
// and PHN-1, which bo held before.

let t: TestStack;
let acme: GatewayCompany;
const dept = {} as Record<'hq' | 'sales' | 'salesEu' | 'ops', string>;
const emp = {} as Record<'ana' | 'bo' | 'cy' | 'di', { id: string; fullName: string }>;
/** Each employee's January payslip. */
const payslipOf = {} as Record<'ana' | 'bo' | 'cy' | 'di', string>;
const asset = {} as Record<'lapBo' | 'lapCy' | 'phone', string>;
let payRunId: string;

function grantsOn(permissions: Permission[], scope: RowScope | null): Grants {
  const scoped: Grants['scoped'] = {};
  if (scope) for (const p of permissions) scoped[p] = scope;
  return { permissions, scoped };
}

/** What the SELF_SERVICE role grants a person linked to `employeeId`. */
const selfService = (employeeId: string): Grants =>
  grantsOn(['employees:directory.read', 'employees:contracts.read', 'payroll:payslips.read', 'assets:read'], { employeeId, departmentIds: [] });
/** A manager who reads the directory and contracts of a department's subtree, and everything else company-wide except payslips and assets. */
const departmentManager = (departmentId: string): Grants => {
  const scoped = grantsOn(['employees:directory.read', 'employees:contracts.read', 'payroll:payslips.read', 'assets:read'], {
    employeeId: null,
    departmentIds: [departmentId],
  });
  return { permissions: ALL_PERMISSIONS.filter((p) => !p.startsWith('company:')), scoped: scoped.scoped };
};

const asUser = <T>(subgraph: string, grants: Grants, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
  callSubgraphAsUser<T>(t, subgraph, acme, { user: { id: randomUUID(), email: 'someone@acme.example' }, grants }, query, variables);

/** The data of a response that must have no errors. */
function dataOf<T>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data!;
}

async function department(name: string, parentId: string | null): Promise<string> {
  return (await mutateOk(acme, employeesOperation('CreateDepartment'), 'createDepartment', { input: { name, parentId } })).department.id;
}

async function hire(firstName: string, departmentId: string | null, managerId: string | null = null) {
  const input = { firstName, lastName: 'Scoped', email: `${firstName}@acme.example`, hireDate: '2026-01-05', departmentId, positionId: null, managerId };
  const { employee } = await mutateOk(acme, employeesOperation('HireEmployee'), 'hireEmployee', { input });
  await mutateOk(acme, employeesOperation('SignContract'), 'signContract', exampleVariables('SignContract', { employeeId: employee.id }));
  return { id: employee.id, fullName: employee.fullName };
}

async function registerAsset(tag: string): Promise<string> {
  const input = { ...exampleVariables('RegisterAsset').input, tag, serialNumber: null };
  return (await mutateOk(acme, contractOperation('assets.graphql', 'RegisterAsset'), 'registerAsset', { input })).asset.id;
}

async function custody(operation: 'AssignAsset' | 'ReturnAsset', input: Record<string, unknown>): Promise<void> {
  await mutateOk(acme, contractOperation('assets.graphql', operation), operation === 'AssignAsset' ? 'assignAsset' : 'returnAsset', { input });
}

async function payJanuary(): Promise<void> {
  const created = await mutateOk(acme, payrollOperation('CreatePayRun'), 'createPayRun', exampleVariables('CreatePayRun'));
  payRunId = created.payRun.id;
  await mutateOk(acme, payrollOperation('CalculatePayRun'), 'calculatePayRun', { input: { payRunId } });
  const rows = await acme.tenantDb.selectFrom('payroll.payslip').select(['id', 'employee_id']).execute();
  for (const name of ['ana', 'bo', 'cy', 'di'] as const) payslipOf[name] = rows.find((r) => r.employee_id === emp[name].id)!.id;
}

async function handOutAssets(): Promise<void> {
  asset.lapBo = await registerAsset('LAP-BO');
  asset.lapCy = await registerAsset('LAP-CY');
  asset.phone = await registerAsset('PHN-1');
  await custody('AssignAsset', { assetId: asset.lapBo, employeeId: emp.bo.id, date: '2026-01-12' });
  await custody('AssignAsset', { assetId: asset.lapCy, employeeId: emp.cy.id, date: '2026-01-12' });
  await custody('AssignAsset', { assetId: asset.phone, employeeId: emp.bo.id, date: '2026-01-12' });
  await custody('ReturnAsset', { assetId: asset.phone, date: '2026-02-01' });
  await custody('AssignAsset', { assetId: asset.phone, employeeId: emp.cy.id, date: '2026-02-02' });
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Scopes', modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'] });
  dept.hq = await department('HQ', null);
  dept.sales = await department('Sales', dept.hq);
  dept.salesEu = await department('Sales EU', dept.sales);
  dept.ops = await department('Ops', null);
  emp.ana = await hire('Ana', dept.sales);
  emp.cy = await hire('Cy', dept.ops);
  emp.bo = await hire('Bo', dept.salesEu, emp.cy.id);
  emp.di = await hire('Di', null, emp.ana.id);
  expect(await deliverEvents(t.database.config, t.database.db, acme.slug)).toMatchObject({ failed: 0, dead: 0 });
  await payJanuary();
  await handOutAssets();
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const EMPLOYEE = `query($id: ID!) { employee(id: $id) { id fullName manager { id } reports { id } contracts { id } currentContract { id } } }`;
const LIST = `query($first: Int, $after: String, $filter: EmployeeFilter) {
  employees(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id } } pageInfo { hasNextPage } } }`;
const EMPLOYEE_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Employee { id fullName } } }`;
type EmployeeRead = {
  employee: {
    id: string;
    fullName: string;
    manager: { id: string } | null;
    reports: Array<{ id: string }>;
    contracts: Array<{ id: string }>;
    currentContract: { id: string } | null;
  } | null;
};
type ListRead = { employees: { totalCount: number; edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean } } };
type EntitiesRead = { _entities: Array<{ id: string; fullName: string } | null> };
const representations = (...ids: string[]) => ids.map((id) => ({ __typename: 'Employee', id }));
const ids = (list: ListRead) => list.employees.edges.map((e) => e.node.id).sort();

describe('employees: a self-service employee', () => {
  it('reads their own record and contract, and nobody else’s: by id, list, cursor and reference', async () => {
    const bo = selfService(emp.bo.id);
    const own = dataOf(await asUser<EmployeeRead>('employees', bo, EMPLOYEE, { id: emp.bo.id })).employee!;
    expect(own.id).toBe(emp.bo.id);
    expect(own.contracts).toHaveLength(1);
    expect(own.currentContract).not.toBeNull();
    // Their manager is someone else's record: out of scope, so null, as if there were none.
    expect(own.manager).toBeNull();

    expect(dataOf(await asUser<EmployeeRead>('employees', bo, EMPLOYEE, { id: emp.ana.id })).employee).toBeNull();

    const list = dataOf(await asUser<ListRead>('employees', bo, LIST, { first: 10 }));
    expect(ids(list)).toEqual([emp.bo.id]);
    expect(list.employees.totalCount).toBe(1);
    // The same with a search, which takes the other plan (kit/search searchPage).
    const searched = dataOf(await asUser<ListRead>('employees', bo, LIST, { first: 10, filter: { search: 'Scoped' } }));
    expect(ids(searched)).toEqual([emp.bo.id]);
    expect(searched.employees.totalCount).toBe(1);

    const entities = dataOf(await asUser<EntitiesRead>('employees', bo, EMPLOYEE_ENTITIES, { r: representations(emp.ana.id, emp.bo.id, emp.cy.id) }));
    expect(entities._entities).toEqual([null, { id: emp.bo.id, fullName: emp.bo.fullName }, null]);
  });

  it('gets nothing more from a cursor taken from a company-wide list', async () => {
    const unscoped = dataOf(await callSubgraph<ListRead>(t, 'employees', acme, LIST, { first: 1 }));
    expect(unscoped.employees.totalCount).toBe(4);
    // Ana sorts first: after her cursor, the company-wide list has Bo, Cy and Di, the scoped one only Bo.
    const after = unscoped.employees.edges[0]!.cursor;
    const scoped = dataOf(await asUser<ListRead>('employees', selfService(emp.bo.id), LIST, { first: 10, after }));
    expect(ids(scoped)).toEqual([emp.bo.id]);
    const cyCursor = dataOf(await callSubgraph<ListRead>(t, 'employees', acme, LIST, { first: 3 })).employees.edges[2]!.cursor;
    const pastBo = dataOf(await asUser<ListRead>('employees', selfService(emp.bo.id), LIST, { first: 10, after: cyCursor }));
    expect(pastBo.employees.edges).toEqual([]);
  });

  it('reaches no contract of another employee even with the directory company-wide', async () => {
    const grants: Grants = {
      permissions: ['employees:directory.read', 'employees:contracts.read'],
      scoped: { 'employees:contracts.read': { employeeId: emp.bo.id, departmentIds: [] } },
    };
    const ana = dataOf(await asUser<EmployeeRead>('employees', grants, EMPLOYEE, { id: emp.ana.id })).employee!;
    expect(ana.id).toBe(emp.ana.id);
    expect(ana.contracts).toEqual([]);
    expect(ana.currentContract).toBeNull();
    const bo = dataOf(await asUser<EmployeeRead>('employees', grants, EMPLOYEE, { id: emp.bo.id })).employee!;
    expect(bo.contracts).toHaveLength(1);
  });

  it('with a SELF scope that names no record, reaches no one', async () => {
    const nobody = grantsOn(['employees:directory.read'], { employeeId: null, departmentIds: [] });
    const list = dataOf(await asUser<ListRead>('employees', nobody, LIST, { first: 10 }));
    expect(list.employees).toMatchObject({ totalCount: 0, edges: [] });
  });
});

describe('employees: a department-scoped manager', () => {
  it('sees their department and the departments below it, and no one outside', async () => {
    const ana = departmentManager(dept.sales);
    const list = dataOf(await asUser<ListRead>('employees', ana, LIST, { first: 10 }));
    expect(ids(list)).toEqual([emp.ana.id, emp.bo.id].sort());
    expect(list.employees.totalCount).toBe(2);
    const filtered = dataOf(await asUser<ListRead>('employees', ana, LIST, { first: 10, filter: { departmentId: dept.ops } }));
    expect(filtered.employees).toMatchObject({ totalCount: 0, edges: [] });

    const sub = dataOf(await asUser<EmployeeRead>('employees', ana, EMPLOYEE, { id: emp.bo.id })).employee!;
    expect(sub.id).toBe(emp.bo.id);
    expect(sub.contracts).toHaveLength(1);
    expect(sub.manager).toBeNull(); // Cy, in Ops
    // Di reports to Ana but has no department: outside the subtree, so not among her reports either.
    const self = dataOf(await asUser<EmployeeRead>('employees', ana, EMPLOYEE, { id: emp.ana.id })).employee!;
    expect(self.reports).toEqual([]);

    for (const outside of [emp.cy.id, emp.di.id]) {
      expect(dataOf(await asUser<EmployeeRead>('employees', ana, EMPLOYEE, { id: outside })).employee).toBeNull();
    }
    const entities = dataOf(await asUser<EntitiesRead>('employees', ana, EMPLOYEE_ENTITIES, { r: representations(emp.cy.id, emp.bo.id, emp.di.id) }));
    expect(entities._entities).toEqual([null, { id: emp.bo.id, fullName: emp.bo.fullName }, null]);
  });

  it('a scope on a sub-department does not reach up the tree', async () => {
    const list = dataOf(await asUser<ListRead>('employees', departmentManager(dept.salesEu), LIST, { first: 10 }));
    expect(ids(list)).toEqual([emp.bo.id]);
    const hq = dataOf(await asUser<ListRead>('employees', departmentManager(dept.hq), LIST, { first: 10 }));
    expect(ids(hq)).toEqual([emp.ana.id, emp.bo.id].sort());
  });

  it('the same reads company-wide see everyone: the refusals above are the scope', async () => {
    const cy = dataOf(await callSubgraph<EmployeeRead>(t, 'employees', acme, EMPLOYEE, { id: emp.cy.id })).employee!;
    expect(cy.reports).toEqual([{ id: emp.bo.id }]);
    const ana = dataOf(await callSubgraph<EmployeeRead>(t, 'employees', acme, EMPLOYEE, { id: emp.ana.id })).employee!;
    expect(ana.reports).toEqual([{ id: emp.di.id }]);
    const entities = dataOf(await callSubgraph<EntitiesRead>(t, 'employees', acme, EMPLOYEE_ENTITIES, { r: representations(emp.cy.id, emp.di.id) }));
    expect(entities._entities.map((e) => e?.id)).toEqual([emp.cy.id, emp.di.id]);
  });
});

const PAYSLIP = `query($id: ID!) { payslip(id: $id) { id employee { id } net { amount } } }`;
const PAYSLIP_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Payslip { id } ... on Employee { id payslips { id } } ... on PayRun { id runPayslips: payslips { id } } } }`;
type PayslipRead = { payslip: { id: string; employee: { id: string } } | null };
type PayrollEntities = { _entities: Array<{ id: string; payslips?: Array<{ id: string }>; runPayslips?: Array<{ id: string }> } | null> };
const payslipRef = (id: string) => ({ __typename: 'Payslip', id });
const employeeRef = (id: string) => ({ __typename: 'Employee', id });

describe('payroll: a self-service employee', () => {
  const bo = () => selfService(emp.bo.id);

  it('reads their own payslip by id, and gets null for another employee’s', async () => {
    const own = dataOf(await asUser<PayslipRead>('payroll', bo(), PAYSLIP, { id: payslipOf.bo })).payslip;
    expect(own).toMatchObject({ id: payslipOf.bo, employee: { id: emp.bo.id } });
    for (const other of [payslipOf.ana, payslipOf.cy, payslipOf.di]) {
      expect(dataOf(await asUser<PayslipRead>('payroll', bo(), PAYSLIP, { id: other })).payslip).toBeNull();
    }
  });

  it('gets no one else’s payslips through entity references: Payslip, Employee.payslips, PayRun.payslips', async () => {
    const r = [payslipRef(payslipOf.cy), payslipRef(payslipOf.bo), employeeRef(emp.cy.id), employeeRef(emp.bo.id)];
    const entities = dataOf(await asUser<PayrollEntities>('payroll', bo(), PAYSLIP_ENTITIES, { r }))._entities;
    expect(entities).toEqual([null, { id: payslipOf.bo }, { id: emp.cy.id, payslips: [] }, { id: emp.bo.id, payslips: [{ id: payslipOf.bo }] }]);

    // With the run's totals company-wide (runs.read), the run's payslips are still only their own.
    const withRuns: Grants = {
      permissions: ['payroll:runs.read', 'payroll:payslips.read'],
      scoped: { 'payroll:payslips.read': selfService(emp.bo.id).scoped['payroll:payslips.read']! },
    };
    const run = dataOf(await asUser<PayrollEntities>('payroll', withRuns, PAYSLIP_ENTITIES, { r: [{ __typename: 'PayRun', id: payRunId }] }))._entities;
    expect(run).toEqual([{ id: payRunId, runPayslips: [{ id: payslipOf.bo }] }]);
    const runQuery = `query($id: ID!) { payRun(id: $id) { payslipCount payslips { id employee { id } } } }`;
    const viaQuery = dataOf(await asUser<{ payRun: { payslipCount: number; payslips: unknown[] } }>('payroll', withRuns, runQuery, { id: payRunId })).payRun;
    expect(viaQuery).toEqual({ payslipCount: 4, payslips: [{ id: payslipOf.bo, employee: { id: emp.bo.id } }] });
  });

  it('company-wide, the same reads see every payslip: the refusals above are the scope', async () => {
    const r = [payslipRef(payslipOf.cy), employeeRef(emp.cy.id), { __typename: 'PayRun', id: payRunId }];
    const entities = dataOf(await callSubgraph<PayrollEntities>(t, 'payroll', acme, PAYSLIP_ENTITIES, { r }))._entities;
    expect(entities[0]).toEqual({ id: payslipOf.cy });
    expect(entities[1]).toEqual({ id: emp.cy.id, payslips: [{ id: payslipOf.cy }] });
    expect(entities[2]!.runPayslips).toHaveLength(4);
  });
});

describe('payroll: a department-scoped manager', () => {
  // Payroll knows an employee's department only as announced at hire, and no
  // department tree: a department scope reaches no payslip (store/payslips.ts).
  it('reaches no payslip, not even in their own department', async () => {
    const ana = departmentManager(dept.hq);
    for (const name of ['ana', 'bo'] as const) {
      expect(dataOf(await asUser<PayslipRead>('payroll', ana, PAYSLIP, { id: payslipOf[name] })).payslip).toBeNull();
    }
    const r = [payslipRef(payslipOf.bo), employeeRef(emp.bo.id), { __typename: 'PayRun', id: payRunId }];
    const entities = dataOf(await asUser<PayrollEntities>('payroll', ana, PAYSLIP_ENTITIES, { r }))._entities;
    expect(entities).toEqual([null, { id: emp.bo.id, payslips: [] }, { id: payRunId, runPayslips: [] }]);
  });
});

const ASSET_LIST = `query($first: Int, $after: String, $filter: AssetFilter) {
  assets(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id tag } } } }`;
const ASSET = `query($id: ID!) { asset(id: $id) { id tag holder { id } assignments { employee { id } } } }`;
const ASSET_ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Asset { id tag }
  ... on Employee { id assets { id } assetHistory { asset { id } } } } }`;
type AssetList = { assets: { totalCount: number; edges: Array<{ cursor: string; node: { id: string; tag: string } }> } };
type AssetRead = { asset: { id: string; tag: string; holder: { id: string } | null; assignments: Array<{ employee: { id: string } }> } | null };
type AssetEntities = { _entities: Array<{ id: string; tag?: string; assets?: Array<{ id: string }>; assetHistory?: Array<{ asset: { id: string } }> } | null> };
const assetRef = (id: string) => ({ __typename: 'Asset', id });
const tags = (list: AssetList) => list.assets.edges.map((e) => e.node.tag);

describe('assets: a self-service employee', () => {
  const bo = () => selfService(emp.bo.id);

  it('lists only what they hold now, with or without a search, and from any cursor', async () => {
    const list = dataOf(await asUser<AssetList>('assets', bo(), ASSET_LIST, { first: 10 }));
    expect(tags(list)).toEqual(['LAP-BO']);
    expect(list.assets.totalCount).toBe(1);
    const searched = dataOf(await asUser<AssetList>('assets', bo(), ASSET_LIST, { first: 10, filter: { search: 'LAP' } }));
    expect(tags(searched)).toEqual(['LAP-BO']);
    expect(searched.assets.totalCount).toBe(1);
    const byHolder = dataOf(await asUser<AssetList>('assets', bo(), ASSET_LIST, { first: 10, filter: { holderId: emp.cy.id } }));
    expect(byHolder.assets).toEqual({ totalCount: 0, edges: [] });

    // LAP-BO sorts first: the company-wide list goes on with LAP-CY and PHN-1, the scoped one with nothing.
    const unscoped = dataOf(await callSubgraph<AssetList>(t, 'assets', acme, ASSET_LIST, { first: 1 }));
    expect(tags(unscoped)).toEqual(['LAP-BO']);
    const after = dataOf(await asUser<AssetList>('assets', bo(), ASSET_LIST, { first: 10, after: unscoped.assets.edges[0]!.cursor }));
    expect(after.assets.edges).toEqual([]);
  });

  it('reads their own asset and only their own part of its custody; another’s is null by id and by reference', async () => {
    const own = dataOf(await asUser<AssetRead>('assets', bo(), ASSET, { id: asset.lapBo })).asset;
    expect(own).toEqual({ id: asset.lapBo, tag: 'LAP-BO', holder: { id: emp.bo.id }, assignments: [{ employee: { id: emp.bo.id } }] });
    // PHN-1 was theirs once; cy holds it now.
    for (const other of [asset.lapCy, asset.phone]) {
      expect(dataOf(await asUser<AssetRead>('assets', bo(), ASSET, { id: other })).asset).toBeNull();
    }
    const r = [assetRef(asset.lapCy), assetRef(asset.lapBo), employeeRef(emp.cy.id), employeeRef(emp.bo.id)];
    const entities = dataOf(await asUser<AssetEntities>('assets', bo(), ASSET_ENTITIES, { r }))._entities;
    expect(entities).toEqual([
      null,
      { id: asset.lapBo, tag: 'LAP-BO' },
      { id: emp.cy.id, assets: [], assetHistory: [] },
      { id: emp.bo.id, assets: [{ id: asset.lapBo }], assetHistory: [{ asset: { id: asset.lapBo } }] },
    ]);
  });

  it('company-wide, the same reads see everything: the refusals above are the scope', async () => {
    const r = [assetRef(asset.lapCy), employeeRef(emp.bo.id)];
    const entities = dataOf(await callSubgraph<AssetEntities>(t, 'assets', acme, ASSET_ENTITIES, { r }))._entities;
    expect(entities[0]).toEqual({ id: asset.lapCy, tag: 'LAP-CY' });
    expect(entities[1]!.assetHistory!.map((a) => a.asset.id).sort()).toEqual([asset.lapBo, asset.phone].sort());
    const phone = dataOf(await callSubgraph<AssetRead>(t, 'assets', acme, ASSET, { id: asset.phone })).asset!;
    expect(phone.assignments.map((a) => a.employee.id)).toEqual([emp.bo.id, emp.cy.id]);
  });
});

describe('assets: a department-scoped manager', () => {
  // Assets knows nothing of departments: a department scope reaches no asset (store/scope.ts).
  it('reaches no asset', async () => {
    const ana = departmentManager(dept.hq);
    expect(dataOf(await asUser<AssetList>('assets', ana, ASSET_LIST, { first: 10 })).assets).toEqual({ totalCount: 0, edges: [] });
    expect(dataOf(await asUser<AssetRead>('assets', ana, ASSET, { id: asset.lapBo })).asset).toBeNull();
    const entities = dataOf(await asUser<AssetEntities>('assets', ana, ASSET_ENTITIES, { r: [assetRef(asset.lapBo), employeeRef(emp.bo.id)] }))._entities;
    expect(entities).toEqual([null, { id: emp.bo.id, assets: [], assetHistory: [] }]);
  });
});
