import { createCompany, type GatewayCompany, type Gql } from '../support/company';
import { contractOperation } from '../support/contract';
import { deliverEvents } from '../support/events';
import { approvedPayRun, employeesOperation, mutateOk } from '../support/payroll-fixtures';
import { member } from '../support/people';
import { exampleVariables, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack';

// Row scopes through the real gateway, with people who signed in: a
// self-service employee (SELF scope) and a manager whose custom role reaches a
// department's subtree (DEPARTMENT scope). Whatever the way in — by id, list,
// cursor, or a reference from another subgraph — rows outside the scope are as
// absent as rows that do not exist, and none of their fields ever shows.
//
// The company:   Parent ── Child        Other
//   ana   no department, reports to bo; self-service, paid in January, holds LAP-ANA
//   bo    no department; paid in January, holds LAP-BO
//   pia   Parent;  cid  Child;  oli  Other

let t: TestStack;
let acme: GatewayCompany<'approver'>;
let beta: GatewayCompany;
const dept = {} as Record<'parent' | 'child' | 'other', string>;
const emp = {} as Record<'ana' | 'bo' | 'pia' | 'cid' | 'oli', string>;
const payslipOf = {} as Record<'ana' | 'bo', string>;
const assetOf = {} as Record<'ana' | 'bo', string>;
let payRunId: string;
let betaEmployee: string;
/** Ana, signed in with SELF_SERVICE linked to her employee record. */
let ana: Gql;

const deliver = (company: GatewayCompany) => deliverEvents(t.database.config, t.database.db, company.slug);

async function department(name: string, parentId: string | null): Promise<string> {
  return (await mutateOk(acme, employeesOperation('CreateDepartment'), 'createDepartment', { input: { name, parentId } })).department.id;
}

async function hire(company: GatewayCompany, firstName: string, extra: { departmentId?: string; managerId?: string } = {}): Promise<string> {
  const input = {
    firstName,
    lastName: 'Scoped',
    email: `${firstName}.scoped@example.test`,
    hireDate: '2026-01-05',
    departmentId: extra.departmentId ?? null,
    positionId: null,
    managerId: extra.managerId ?? null,
  };
  return (await mutateOk(company, employeesOperation('HireEmployee'), 'hireEmployee', { input })).employee.id;
}

async function signContract(employeeId: string): Promise<void> {
  await mutateOk(acme, employeesOperation('SignContract'), 'signContract', exampleVariables('SignContract', { employeeId }));
}

async function handOut(tag: string, employeeId: string): Promise<string> {
  const input = { ...exampleVariables('RegisterAsset').input, tag, serialNumber: null };
  const assetId = (await mutateOk(acme, contractOperation('assets.graphql', 'RegisterAsset'), 'registerAsset', { input })).asset.id;
  await mutateOk(acme, contractOperation('assets.graphql', 'AssignAsset'), 'assignAsset', { input: { assetId, employeeId, date: '2026-01-12' } });
  return assetId;
}

async function payJanuary(): Promise<void> {
  payRunId = await approvedPayRun(acme, acme.keys.approver, { periodStart: '2026-01-01', periodEnd: '2026-01-31', payDate: '2026-01-31' });
  const run = await acme.gql<{ payRun: { payslips: Array<{ id: string; employee: { id: string } }> } }>(
    'query($id: ID!) { payRun(id: $id) { payslips { id employee { id } } } }',
    { id: payRunId },
  );
  const slips = run.data!.payRun.payslips;
  payslipOf.ana = slips.find((s) => s.employee.id === emp.ana)!.id;
  payslipOf.bo = slips.find((s) => s.employee.id === emp.bo)!.id;
}

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, {
    name: 'Acme People Scopes',
    modules: ['ASSETS', 'EMPLOYEES', 'FINANCE', 'PAYROLL'],
    keys: { approver: { modules: ['PAYROLL'] } },
  });
  beta = await createCompany(t, { name: 'Beta People Scopes', modules: ['EMPLOYEES'] });
  dept.parent = await department('Parent', null);
  dept.child = await department('Child', dept.parent);
  dept.other = await department('Other', null);
  emp.bo = await hire(acme, 'Bo');
  emp.ana = await hire(acme, 'Ana', { managerId: emp.bo });
  emp.pia = await hire(acme, 'Pia', { departmentId: dept.parent });
  emp.cid = await hire(acme, 'Cid', { departmentId: dept.child });
  emp.oli = await hire(acme, 'Oli', { departmentId: dept.other });
  await signContract(emp.ana);
  await signContract(emp.bo);
  expect(await deliver(acme)).toMatchObject({ failed: 0, dead: 0 });
  await payJanuary();
  assetOf.ana = await handOut('LAP-ANA', emp.ana);
  assetOf.bo = await handOut('LAP-BO', emp.bo);
  betaEmployee = await hire(beta, 'Bea');
  ana = (await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'SELF_SERVICE' }], employeeId: emp.ana })).gql;
}, 60_000);
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

/** Bo's ids and the words only his rows hold: none may appear anywhere in an answer to Ana. */
const traceOfBo = () => [emp.bo, payslipOf.bo, assetOf.bo, 'LAP-BO', 'Bo Scoped', 'bo.scoped@'];

function expectNoTraceOfBo(res: GraphQLResponse<unknown>): void {
  const text = JSON.stringify(res);
  expect(traceOfBo().filter((trace) => text.includes(trace))).toEqual([]);
}

const codes = (res: GraphQLResponse<unknown>) => (res.errors ?? []).map((e) => e.extensions?.code);

const EMPLOYEE = `query($id: ID!) { employee(id: $id) {
  id fullName manager { id fullName } payslips { id net { amount } } assets { id tag } } }`;
const LIST = `query($first: Int, $after: String, $filter: EmployeeFilter) {
  employees(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id fullName } } } }`;
type EmployeeRead = {
  employee: {
    id: string;
    fullName: string;
    manager: { id: string } | null;
    payslips: Array<{ id: string }>;
    assets: Array<{ id: string; tag: string }>;
  } | null;
};
type ListRead = { employees: { totalCount: number; edges: Array<{ cursor: string; node: { id: string } }> } };
const idsOf = (list: ListRead) => list.employees.edges.map((e) => e.node.id).sort();

function dataOf<T>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data!;
}

describe('a self-service employee, signed in through the gateway', () => {
  it('reads their own record, payslips and the asset they hold', async () => {
    const own = dataOf(await ana<EmployeeRead>(EMPLOYEE, { id: emp.ana })).employee!;
    expect(own).toMatchObject({ id: emp.ana, fullName: 'Ana Scoped', payslips: [{ id: payslipOf.ana }], assets: [{ id: assetOf.ana, tag: 'LAP-ANA' }] });
    // Bo manages her, but his record is outside her scope: null, as if she had none.
    expect(own.manager).toBeNull();

    const slip = await ana<{ payslip: { id: string; employee: { id: string } } | null }>(`query($id: ID!) { payslip(id: $id) { id employee { id } } }`, {
      id: payslipOf.ana,
    });
    expect(dataOf(slip).payslip).toEqual({ id: payslipOf.ana, employee: { id: emp.ana } });

    const asset = await ana<{ asset: unknown }>(`query($id: ID!) { asset(id: $id) { id tag holder { id fullName } assignments { employee { id } } } }`, {
      id: assetOf.ana,
    });
    expect(dataOf(asset).asset).toEqual({
      id: assetOf.ana,
      tag: 'LAP-ANA',
      holder: { id: emp.ana, fullName: 'Ana Scoped' },
      assignments: [{ employee: { id: emp.ana } }],
    });
    const assets = dataOf(
      await ana<{ assets: { totalCount: number; edges: Array<{ node: { id: string } }> } }>('{ assets(first: 10) { totalCount edges { node { id } } } }'),
    );
    expect(assets.assets).toEqual({ totalCount: 1, edges: [{ node: { id: assetOf.ana } }] });
  });

  it('gets null for another employee’s record, payslip and asset by id', async () => {
    for (const res of [
      await ana(EMPLOYEE, { id: emp.bo }),
      await ana(`query($id: ID!) { payslip(id: $id) { id net { amount } employee { id } } }`, { id: payslipOf.bo }),
      await ana(`query($id: ID!) { asset(id: $id) { id tag holder { id } } }`, { id: assetOf.bo }),
    ]) {
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data!)).toEqual([null]);
      expectNoTraceOfBo(res);
    }
  });

  it('lists only themselves, whatever cursor of the company-wide list they bring', async () => {
    const list = dataOf(await ana<ListRead>(LIST, { first: 10 }));
    expect(idsOf(list)).toEqual([emp.ana]);
    expect(list.employees.totalCount).toBe(1);
    expect(dataOf(await ana<ListRead>(LIST, { first: 10, filter: { search: 'Scoped' } })).employees.totalCount).toBe(1);

    const everyone = dataOf(await acme.gql<ListRead>(LIST, { first: 10 }));
    expect(everyone.employees.totalCount).toBe(5);
    for (const { cursor } of everyone.employees.edges) {
      const page = await ana<ListRead>(LIST, { first: 10, after: cursor });
      expect(idsOf(dataOf(page)).filter((id) => id !== emp.ana)).toEqual([]);
      expectNoTraceOfBo(page);
    }
  });

  it('reaches nothing of another employee through references from other subgraphs', async () => {
    // A run's payslips: the run needs runs.read, which self-service lacks.
    const run = await ana<{ payRun: unknown }>(`query($id: ID!) { payRun(id: $id) { id payslips { id employee { id fullName } } } }`, { id: payRunId });
    expect(run.data?.payRun ?? null).toBeNull();
    expect(codes(run)).toEqual(['FORBIDDEN']);
    expectNoTraceOfBo(run);

    // From her own payslip to its run, and from there to everyone's payslips.
    const viaSlip = await ana(`query($id: ID!) { payslip(id: $id) { id payRun { id payslips { id employee { id fullName } } } } }`, { id: payslipOf.ana });
    expect(codes(viaSlip)).toEqual(['FORBIDDEN']);
    expectNoTraceOfBo(viaSlip);

    // Her manager, then his payslips and assets: the manager is out of scope, so there is nothing to extend.
    const viaManager = await ana(`query($id: ID!) { employee(id: $id) { id manager { id payslips { id } assets { id tag } } } }`, { id: emp.ana });
    expect(dataOf(viaManager)).toEqual({ employee: { id: emp.ana, manager: null } });

    // Bo's record by id, extended by payroll and assets: the extension never runs on a null.
    const extended = await ana(`query($id: ID!) { employee(id: $id) { id payslips { id } assets { id } assetHistory { asset { id } } } }`, { id: emp.bo });
    expect(dataOf(extended)).toEqual({ employee: null });

    // Bo's asset, by a search that names it and a filter on him as holder.
    const assets = await ana(
      `query($holder: ID) { a: assets(first: 10, filter: { search: "LAP-BO" }) { totalCount } b: assets(first: 10, filter: { holderId: $holder }) { totalCount } }`,
      {
        holder: emp.bo,
      },
    );
    expect(dataOf(assets)).toEqual({ a: { totalCount: 0 }, b: { totalCount: 0 } });
  });

  it('the company key reads Bo by the same operations: the nulls above are the scope, and the trace check sees him', async () => {
    const reads = [
      await acme.gql(EMPLOYEE, { id: emp.bo }),
      await acme.gql(`query($id: ID!) { payslip(id: $id) { id net { amount } employee { id } } }`, { id: payslipOf.bo }),
      await acme.gql(`query($id: ID!) { asset(id: $id) { id tag holder { id } } }`, { id: assetOf.bo }),
      await acme.gql(`query($id: ID!) { payRun(id: $id) { id payslips { id employee { id fullName } } } }`, { id: payRunId }),
    ];
    for (const res of reads) {
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data!)).not.toEqual([null]);
      expect(() => expectNoTraceOfBo(res)).toThrow();
    }
  });

  it('reaches nothing of another company', async () => {
    const res = await ana(EMPLOYEE, { id: betaEmployee });
    expect(dataOf(res)).toEqual({ employee: null });
    // The same id is Bea's to Beta's own key: the null above is the tenant boundary, not a wrong id.
    expect(dataOf(await beta.gql<EmployeeRead>(`query($id: ID!) { employee(id: $id) { id } }`, { id: betaEmployee })).employee).toEqual({ id: betaEmployee });
  });
});

describe('a manager whose custom role reaches a department’s subtree', () => {
  let manager: Gql;

  beforeAll(async () => {
    const created = await acme.gql<{ createCompanyRole: { role: { code: string } | null; userErrors: unknown[] } }>(
      'mutation($input: CreateCompanyRoleInput!) { createCompanyRole(input: $input) { role { code } userErrors { code } } }',
      {
        input: {
          companyId: acme.companyId,
          code: 'DEPARTMENT_DIRECTORY',
          name: 'Department directory',
          scope: 'DEPARTMENT',
          permissions: ['employees:directory.read'],
        },
      },
    );
    expect(created.data!.createCompanyRole).toEqual({ role: { code: 'DEPARTMENT_DIRECTORY' }, userErrors: [] });
    manager = (await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'DEPARTMENT_DIRECTORY', departmentId: dept.parent }] })).gql;
  });

  it('sees the employees of the department and the one below it, by id, list and count', async () => {
    const list = dataOf(await manager<ListRead>(LIST, { first: 10 }));
    expect(idsOf(list)).toEqual([emp.pia, emp.cid].sort());
    expect(list.employees.totalCount).toBe(2);
    const inChild = dataOf(await manager<ListRead>(LIST, { first: 10, filter: { departmentId: dept.child } }));
    expect(idsOf(inChild)).toEqual([emp.cid]);
    for (const id of [emp.pia, emp.cid]) {
      expect(dataOf(await manager<{ employee: { id: string } | null }>(`query($id: ID!) { employee(id: $id) { id } }`, { id })).employee).toEqual({ id });
    }
  });

  it('sees no one outside it: not the other department, nor anyone without one', async () => {
    const inOther = dataOf(await manager<ListRead>(LIST, { first: 10, filter: { departmentId: dept.other } }));
    expect(inOther.employees).toEqual({ totalCount: 0, edges: [] });
    for (const id of [emp.oli, emp.ana, emp.bo]) {
      expect(dataOf(await manager<{ employee: unknown }>(`query($id: ID!) { employee(id: $id) { id fullName } }`, { id })).employee).toBeNull();
    }
    // Its directory permission is its only one: payslips stay out of reach altogether.
    expect(codes(await manager(`query($id: ID!) { payslip(id: $id) { id } }`, { id: payslipOf.bo }))).toEqual(['FORBIDDEN']);
  });
});
