import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Mutation, Query } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { employeesOperation, expectRefused, hireSomeone, mutateOk, outboxOf } from '../support/employees-fixtures';
import { exampleVariables, startTestStack, type TestStack } from '../support/stack';

// Operations beyond the contract file, for the rest of the module's mutations.
const ops = {
  createDepartment: `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { department { id name parent { id } } userErrors { field message code } } }`,
  moveDepartment: `mutation($input: MoveDepartmentInput!) { moveDepartment(input: $input) { department { id parent { id name } } userErrors { field message code } } }`,
  createRole: `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id name description } userErrors { field message code } } }`,
  grantRole: `mutation($input: GrantRoleInput!) { grantRole(input: $input) { employee { id roles { name } } userErrors { field message code } } }`,
  revokeRole: `mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { employee { id roles { name } } userErrors { field message code } } }`,
  setEmployeeManager: `mutation($input: SetEmployeeManagerInput!) { setEmployeeManager(input: $input) { employee { id manager { id } } userErrors { field message code } } }`,
  changePosition: `mutation($input: ChangePositionInput!) { changePosition(input: $input) {
    employee { id position { id } department { id } positionHistory { position { title } startDate endDate } } userErrors { field message code } } }`,
  setEmployeeStatus: `mutation($input: SetEmployeeStatusInput!) { setEmployeeStatus(input: $input) { employee { id status } userErrors { field message code } } }`,
  organisation: `query { departments { name parent { name } children { name } positions { title } } positions { title department { name } } roles { name } }`,
  employeeDetail: `query($id: ID!) { employee(id: $id) { id employeeNumber status department { id } manager { id } reports { id } roles { name }
    positionHistory { position { title } startDate endDate } contracts { id status startDate endDate } currentContract { id } } }`,
};

let t: TestStack;
let acme: GatewayCompany;
let beta: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Acme Staffing', modules: ['ASSETS', 'EMPLOYEES'] });
  beta = await createCompany(t, { name: 'Beta Works', modules: ['EMPLOYEES'] });
});
afterAll(async () => {
  await acme?.tenantDb.destroy();
  await beta?.tenantDb.destroy();
  await t?.stop();
});

describe('the employees contract operations, through the gateway', () => {
  it('creates, hires, signs, lists, reads and terminates with the example variables', async () => {
    const department = (await mutateOk(acme, employeesOperation('CreateDepartment'), 'createDepartment', exampleVariables('CreateDepartment'))).department;
    expect(department).toEqual({ id: expect.any(String), name: 'Operations' });

    const position = (
      await mutateOk(acme, employeesOperation('CreatePosition'), 'createPosition', exampleVariables('CreatePosition', { departmentId: department.id }))
    ).position;
    expect(position).toEqual({ id: expect.any(String), title: 'Field Technician', department });

    const hired = (
      await mutateOk(
        acme,
        employeesOperation('HireEmployee'),
        'hireEmployee',
        exampleVariables('HireEmployee', { departmentId: department.id, positionId: position.id }),
      )
    ).employee;
    expect(hired).toEqual({
      id: expect.any(String),
      employeeNumber: 'EMP-000001',
      firstName: 'Ana',
      lastName: 'Silva',
      fullName: 'Ana Silva',
      email: 'ana.silva@acme.example',
      status: 'ACTIVE',
      hireDate: '2026-01-05',
      department,
      position: { id: position.id, title: 'Field Technician' },
      manager: null,
    });

    // The event was written by the hiring transaction itself: same transaction id as the employee row.
    const [hiredEvent] = await outboxOf(acme, hired.id);
    const employeeTx = await sql<{ txid: string }>`SELECT xmin::text AS txid FROM employees.employee WHERE id = ${hired.id}`.execute(acme.tenantDb);
    expect(hiredEvent).toEqual({
      event_type: 'EmployeeHired',
      aggregate_type: 'Employee',
      payload: {
        employeeId: hired.id,
        employeeNumber: 'EMP-000001',
        fullName: 'Ana Silva',
        email: 'ana.silva@acme.example',
        hireDate: '2026-01-05',
        departmentId: department.id,
        status: 'ACTIVE',
      },
      request_id: expect.stringMatching(/^emp-hireEmployee-/),
      txid: employeeTx.rows[0]!.txid,
    });

    const signed = (await mutateOk(acme, employeesOperation('SignContract'), 'signContract', exampleVariables('SignContract', { employeeId: hired.id })))
      .contract;
    expect(signed).toEqual({
      id: expect.any(String),
      type: 'PERMANENT',
      status: 'ACTIVE',
      startDate: '2026-01-05',
      endDate: null,
      payFrequency: 'MONTHLY',
      baseSalary: { amount: '4200.00', currency: 'EUR' },
    });

    const listed = await acme.gql<Pick<Query, 'employees'>>(employeesOperation('Employees'), exampleVariables('Employees'));
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.employees).toEqual({
      totalCount: 1,
      edges: [
        {
          cursor: expect.any(String),
          node: {
            id: hired.id,
            employeeNumber: 'EMP-000001',
            fullName: 'Ana Silva',
            status: 'ACTIVE',
            department: { name: 'Operations' },
            position: { title: 'Field Technician' },
            currentContract: { baseSalary: { amount: '4200.00', currency: 'EUR' } },
          },
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: listed.data!.employees.edges[0]!.cursor },
    });

    const read = await acme.gql<Pick<Query, 'employee'>>(employeesOperation('Employee'), exampleVariables('Employee', { employeeId: hired.id }));
    expect(read.data!.employee).toEqual({
      id: hired.id,
      fullName: 'Ana Silva',
      email: 'ana.silva@acme.example',
      status: 'ACTIVE',
      manager: null,
      reports: [],
      contracts: [{ id: signed.id, type: 'PERMANENT', status: 'ACTIVE', startDate: '2026-01-05', endDate: null }],
    });

    const terminated = (
      await mutateOk(acme, employeesOperation('TerminateEmployee'), 'terminateEmployee', exampleVariables('TerminateEmployee', { employeeId: hired.id }))
    ).employee;
    expect(terminated).toEqual({ id: hired.id, status: 'TERMINATED', terminationDate: '2026-06-30' });
    const after = await acme.gql<Pick<Query, 'employee'>>(employeesOperation('Employee'), { id: hired.id });
    expect(after.data!.employee!.contracts).toEqual([{ id: signed.id, type: 'PERMANENT', status: 'ENDED', startDate: '2026-01-05', endDate: '2026-06-30' }]);

    const events = await outboxOf(acme, hired.id);
    expect(events.map((e) => [e.event_type, e.payload])).toEqual([
      ['EmployeeHired', hiredEvent!.payload],
      [
        'ContractSigned',
        {
          contractId: signed.id,
          employeeId: hired.id,
          type: 'PERMANENT',
          startDate: '2026-01-05',
          endDate: null,
          payFrequency: 'MONTHLY',
          baseSalary: { amount: '4200.00', currency: 'EUR' },
        },
      ],
      ['EmployeeTerminated', { employeeId: hired.id, terminationDate: '2026-06-30' }],
      ['ContractEnded', { contractId: signed.id, employeeId: hired.id, endDate: '2026-06-30' }],
    ]);
    expect(new Set(events.slice(2).map((e) => e.txid)).size).toBe(1);
  });

  it('pages the directory in last-name order and searches number, name and e-mail', async () => {
    const a = await hireSomeone(beta, { firstName: 'Zoe', lastName: 'Adams', email: 'zoe@beta.example' });
    const b = await hireSomeone(beta, { firstName: 'Yann', lastName: 'Brown', email: 'yann.b@beta.example' });
    const c = await hireSomeone(beta, { firstName: 'Xavi', lastName: 'Brown', email: 'xavi@beta.example' });
    const page = (first: number, after: string | null, filter: Record<string, unknown> | null = { search: 'beta.example' }) =>
      beta.gql<Pick<Query, 'employees'>>(employeesOperation('Employees'), { first, after, filter });
    const first = await page(2, null);
    expect(first.data!.employees.edges.map((e) => e.node.id)).toEqual([a.id, c.id]);
    expect(first.data!.employees.pageInfo.hasNextPage).toBe(true);
    expect(first.data!.employees.totalCount).toBe(3);
    const second = await page(2, first.data!.employees.pageInfo.endCursor!);
    expect(second.data!.employees.edges.map((e) => e.node.id)).toEqual([b.id]);
    expect(second.data!.employees.pageInfo.hasNextPage).toBe(false);

    expect((await page(10, null, { search: b.employeeNumber.toLowerCase() })).data!.employees.edges.map((e) => e.node.id)).toEqual([b.id]);
    expect((await page(10, null, { search: 'YANN.B@' })).data!.employees.edges.map((e) => e.node.id)).toEqual([b.id]);
    expect((await page(10, null, { search: 'xavi brown' })).data!.employees.edges.map((e) => e.node.id)).toEqual([c.id]);
    // LIKE wildcards in the search are literal characters.
    expect((await page(10, null, { search: '%' })).data!.employees.totalCount).toBe(0);
    // One or two characters match the start of a first name, last name or e-mail, not the middle.
    const ids = async (search: string) => (await page(10, null, { search })).data!.employees.edges.map((e) => e.node.id);
    expect(await ids('br')).toEqual([c.id, b.id]);
    expect(await ids('Y')).toEqual([b.id]);
    expect(await ids('zo')).toEqual([a.id]);
    expect(await ids('ow')).toEqual([]);
    expect(await ids('_')).toEqual([]);
    expect((await page(1, null, { search: 'b' })).data!.employees.totalCount).toBe(2);
    // Text PostgreSQL cannot hold (a NUL character) is refused as the client's mistake, not a server error.
    for (const search of ['\u0000', 'ya\u0000nn']) {
      const refused = await page(10, null, { search });
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
      expect(refused.data).toBeUndefined();
    }
    const tooLong = await page(10, null, { search: 'y'.repeat(201) });
    expect(tooLong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
    const inline = await beta.gql('{ employees(filter: { search: "ya\\u0000nn" }) { totalCount } }');
    expect(inline.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    // Nothing is written from a name holding one either.
    const hire = await beta.gql<Pick<Mutation, 'hireEmployee'>>(employeesOperation('HireEmployee'), {
      input: {
        firstName: 'Nul\u0000',
        lastName: 'Byte',
        email: 'nul@beta.example',
        hireDate: '2026-01-05',
        departmentId: null,
        positionId: null,
        managerId: null,
      },
    });
    expect(hire.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.firstName' });
    expect((await page(10, null, { search: 'nul@beta' })).data!.employees.totalCount).toBe(0);

    const tampered = await page(2, Buffer.from(JSON.stringify(['Adams', 'Zoe', 'not-a-uuid'])).toString('base64url'));
    expect(tampered.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('organisation, reporting line, roles, positions and status', () => {
  it('builds the department tree, positions and roles, and moves departments', async () => {
    const hq = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'Headquarters' } })).department;
    const sales = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'Sales', parentId: hq.id } })).department;
    expect(sales.parent).toEqual({ id: hq.id });
    const field = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'Field Sales', parentId: hq.id } })).department;
    const moved = (await mutateOk(acme, ops.moveDepartment, 'moveDepartment', { input: { departmentId: field.id, parentId: sales.id } })).department;
    expect(moved).toEqual({ id: field.id, parent: { id: sales.id, name: 'Sales' } });
    await mutateOk(acme, employeesOperation('CreatePosition'), 'createPosition', { input: { title: 'Account Manager', departmentId: sales.id } });
    const role = (await mutateOk(acme, ops.createRole, 'createRole', { input: { name: 'Fire Warden', description: 'Leads evacuations' } })).role;
    expect(role).toEqual({ id: expect.any(String), name: 'Fire Warden', description: 'Leads evacuations' });

    const org = await acme.gql<Pick<Query, 'departments' | 'positions' | 'roles'>>(ops.organisation);
    expect(org.errors).toBeUndefined();
    expect(org.data!.departments).toEqual(
      expect.arrayContaining([
        { name: 'Headquarters', parent: null, children: [{ name: 'Sales' }], positions: [] },
        { name: 'Sales', parent: { name: 'Headquarters' }, children: [{ name: 'Field Sales' }], positions: [{ title: 'Account Manager' }] },
        { name: 'Field Sales', parent: { name: 'Sales' }, children: [], positions: [] },
      ]),
    );
    expect(org.data!.positions).toContainEqual({ title: 'Account Manager', department: { name: 'Sales' } });
    expect(org.data!.roles).toContainEqual({ name: 'Fire Warden' });
  });

  it('sets managers, grants and revokes roles, changes positions and status', async () => {
    const dept = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'Workshop' } })).department;
    const mechanic = (await mutateOk(acme, employeesOperation('CreatePosition'), 'createPosition', { input: { title: 'Mechanic', departmentId: dept.id } }))
      .position;
    const foreman = (await mutateOk(acme, employeesOperation('CreatePosition'), 'createPosition', { input: { title: 'Foreman', departmentId: dept.id } }))
      .position;
    const boss = await hireSomeone(acme, { positionId: foreman.id });
    expect(boss.department).toEqual({ id: dept.id, name: 'Workshop' });
    const worker = await hireSomeone(acme, { positionId: mechanic.id, managerId: boss.id, hireDate: '2026-02-01' });
    expect(worker.manager).toEqual({ id: boss.id, fullName: boss.fullName });

    const newBoss = await hireSomeone(acme);
    expect(
      (await mutateOk(acme, ops.setEmployeeManager, 'setEmployeeManager', { input: { employeeId: worker.id, managerId: newBoss.id } })).employee.manager,
    ).toEqual({ id: newBoss.id });

    const role = (await mutateOk(acme, ops.createRole, 'createRole', { input: { name: 'First Aider' } })).role;
    expect((await mutateOk(acme, ops.grantRole, 'grantRole', { input: { employeeId: worker.id, roleId: role.id } })).employee.roles).toEqual([
      { name: 'First Aider' },
    ]);
    await expectRefused(acme, ops.grantRole, 'grantRole', { input: { employeeId: worker.id, roleId: role.id } }, [
      [['input', 'roleId'], 'ROLE_ALREADY_GRANTED'],
    ]);
    expect((await mutateOk(acme, ops.revokeRole, 'revokeRole', { input: { employeeId: worker.id, roleId: role.id } })).employee.roles).toEqual([]);
    await expectRefused(acme, ops.revokeRole, 'revokeRole', { input: { employeeId: worker.id, roleId: role.id } }, [[['input', 'roleId'], 'ROLE_NOT_GRANTED']]);

    const promoted = (
      await mutateOk(acme, ops.changePosition, 'changePosition', { input: { employeeId: worker.id, positionId: foreman.id, effectiveDate: '2026-09-01' } })
    ).employee;
    expect(promoted.position).toEqual({ id: foreman.id });
    expect(promoted.positionHistory).toEqual([
      { position: { title: 'Mechanic' }, startDate: '2026-02-01', endDate: '2026-08-31' },
      { position: { title: 'Foreman' }, startDate: '2026-09-01', endDate: null },
    ]);
    await expectRefused(acme, ops.changePosition, 'changePosition', { input: { employeeId: worker.id, positionId: foreman.id, effectiveDate: '2026-10-01' } }, [
      [['input', 'positionId'], 'POSITION_UNCHANGED'],
    ]);
    await expectRefused(
      acme,
      ops.changePosition,
      'changePosition',
      { input: { employeeId: worker.id, positionId: mechanic.id, effectiveDate: '2026-09-01' } },
      [[['input', 'effectiveDate'], 'INVALID_DATE_RANGE']],
    );

    const onLeave = await mutateOk(acme, ops.setEmployeeStatus, 'setEmployeeStatus', {
      input: { employeeId: worker.id, status: 'ON_LEAVE', effectiveDate: '2026-10-01' },
    });
    expect(onLeave.employee.status).toBe('ON_LEAVE');
    await expectRefused(acme, ops.setEmployeeStatus, 'setEmployeeStatus', { input: { employeeId: worker.id, status: 'ON_LEAVE' } }, [
      [['input', 'status'], 'STATUS_UNCHANGED'],
    ]);
    await expectRefused(acme, ops.setEmployeeStatus, 'setEmployeeStatus', { input: { employeeId: worker.id, status: 'TERMINATED' } }, [
      [['input', 'status'], 'INVALID_STATUS'],
    ]);
    expect((await outboxOf(acme, worker.id)).map((e) => [e.event_type, e.payload]).at(-1)).toEqual([
      'EmployeeStatusChanged',
      { employeeId: worker.id, status: 'ON_LEAVE', effectiveDate: '2026-10-01' },
    ]);

    const detail = await acme.gql<Pick<Query, 'employee'>>(ops.employeeDetail, { id: newBoss.id });
    expect(detail.data!.employee!.reports).toEqual([{ id: worker.id }]);
  });

  it('shows a future contract as SCHEDULED and the current one as currentContract', async () => {
    const person = await hireSomeone(beta);
    const current = (
      await mutateOk(beta, employeesOperation('SignContract'), 'signContract', {
        input: { ...exampleVariables('SignContract', { employeeId: person.id }).input, type: 'FIXED_TERM', endDate: '2099-12-31' },
      })
    ).contract;
    expect(current.status).toBe('ACTIVE');
    const nextStart = '2100-01-01';
    const next = (
      await mutateOk(beta, employeesOperation('SignContract'), 'signContract', {
        input: { ...exampleVariables('SignContract', { employeeId: person.id }).input, startDate: nextStart },
      })
    ).contract;
    expect(next.status).toBe('SCHEDULED');
    const detail = await beta.gql<Pick<Query, 'employee'>>(ops.employeeDetail, { id: person.id });
    expect(detail.data!.employee!.currentContract).toEqual({ id: current.id });
    // A termination before an agreed future contract starts is refused rather than dropping it.
    await expectRefused(beta, employeesOperation('TerminateEmployee'), 'terminateEmployee', { input: { employeeId: person.id, date: '2026-12-31' } }, [
      [['input', 'date'], 'CONTRACT_AFTER_TERMINATION'],
    ]);
  });
});

describe('bad input is a userError with field and code, and writes nothing', () => {
  it('refuses overlapping contracts, an end before the start, and bad salaries', async () => {
    const person = await hireSomeone(acme);
    const terms = (input: Record<string, unknown>) => ({ input: { ...exampleVariables('SignContract', { employeeId: person.id }).input, ...input } });
    await mutateOk(acme, employeesOperation('SignContract'), 'signContract', terms({ startDate: '2026-02-01', endDate: null }));
    const sign = employeesOperation('SignContract');
    await expectRefused(acme, sign, 'signContract', terms({ type: 'FIXED_TERM', startDate: '2026-05-01', endDate: '2026-12-31' }), [
      [['input', 'startDate'], 'CONTRACT_OVERLAP'],
    ]);
    await expectRefused(acme, sign, 'signContract', terms({ startDate: '2026-03-01', endDate: '2026-02-28' }), [[['input', 'endDate'], 'INVALID_DATE_RANGE']]);
    await expectRefused(acme, sign, 'signContract', terms({ baseSalary: { amount: '-100.00', currency: 'EUR' } }), [
      [['input', 'baseSalary', 'amount'], 'INVALID_AMOUNT'],
    ]);
    await expectRefused(acme, sign, 'signContract', terms({ baseSalary: { amount: '4200.125', currency: 'EUR' } }), [
      [['input', 'baseSalary', 'amount'], 'INVALID_AMOUNT'],
    ]);
    await expectRefused(acme, sign, 'signContract', terms({ startDate: '2025-12-01', endDate: '2025-12-31' }), [[['input', 'startDate'], 'BEFORE_HIRE_DATE']]);
    await expectRefused(acme, sign, 'signContract', terms({ employeeId: randomUUID() }), [[['input', 'employeeId'], 'NOT_FOUND']]);
  });

  it('refuses manager cycles, direct and through the line', async () => {
    const top = await hireSomeone(acme);
    const middle = await hireSomeone(acme, { managerId: top.id });
    const bottom = await hireSomeone(acme, { managerId: middle.id });
    const set = (employeeId: string, managerId: string) => ({ input: { employeeId, managerId } });
    await expectRefused(acme, ops.setEmployeeManager, 'setEmployeeManager', set(top.id, bottom.id), [[['input', 'managerId'], 'MANAGER_CYCLE']]);
    await expectRefused(acme, ops.setEmployeeManager, 'setEmployeeManager', set(top.id, middle.id), [[['input', 'managerId'], 'MANAGER_CYCLE']]);
    await expectRefused(acme, ops.setEmployeeManager, 'setEmployeeManager', set(top.id, top.id), [[['input', 'managerId'], 'MANAGER_CYCLE']]);
  });

  it('refuses department cycles', async () => {
    const root = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'Region North' } })).department;
    const child = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'North Sales', parentId: root.id } })).department;
    const grandchild = (await mutateOk(acme, ops.createDepartment, 'createDepartment', { input: { name: 'North Key Accounts', parentId: child.id } }))
      .department;
    await expectRefused(acme, ops.moveDepartment, 'moveDepartment', { input: { departmentId: root.id, parentId: grandchild.id } }, [
      [['input', 'parentId'], 'DEPARTMENT_CYCLE'],
    ]);
    await expectRefused(acme, ops.moveDepartment, 'moveDepartment', { input: { departmentId: root.id, parentId: root.id } }, [
      [['input', 'parentId'], 'DEPARTMENT_CYCLE'],
    ]);
    await expectRefused(acme, ops.createDepartment, 'createDepartment', { input: { name: 'north sales', parentId: root.id } }, [
      [['input', 'name'], 'NAME_TAKEN'],
    ]);
  });

  it('refuses a duplicate e-mail (ignoring case) without burning an employee number', async () => {
    const first = await hireSomeone(acme, { email: 'dup@staff.example' });
    await expectRefused(
      acme,
      employeesOperation('HireEmployee'),
      'hireEmployee',
      { input: { firstName: 'Other', lastName: 'Person', email: 'DUP@Staff.Example', hireDate: '2026-03-01' } },
      [[['input', 'email'], 'EMAIL_TAKEN']],
    );
    const next = await hireSomeone(acme);
    expect(Number(next.employeeNumber.slice(4))).toBe(Number(first.employeeNumber.slice(4)) + 1);
  });

  it('refuses bad hire input, all fields at once', async () => {
    await expectRefused(
      acme,
      employeesOperation('HireEmployee'),
      'hireEmployee',
      { input: { firstName: ' ', lastName: 'X', email: 'nope', hireDate: '2026-03-01', departmentId: randomUUID(), managerId: 'x' } },
      [
        [['input', 'firstName'], 'REQUIRED'],
        [['input', 'email'], 'INVALID_EMAIL'],
        [['input', 'managerId'], 'NOT_FOUND'],
      ],
    );
    await expectRefused(
      acme,
      employeesOperation('HireEmployee'),
      'hireEmployee',
      { input: { firstName: 'A', lastName: 'B', email: 'ab@staff.example', hireDate: '2026-03-01', departmentId: randomUUID() } },
      [[['input', 'departmentId'], 'NOT_FOUND']],
    );
  });

  it('refuses to terminate a terminated employee, or before the hire date', async () => {
    const person = await hireSomeone(acme, { hireDate: '2026-03-01' });
    const terminate = employeesOperation('TerminateEmployee');
    await expectRefused(acme, terminate, 'terminateEmployee', { input: { employeeId: person.id, date: '2026-02-28' } }, [
      [['input', 'date'], 'INVALID_DATE_RANGE'],
    ]);
    await mutateOk(acme, terminate, 'terminateEmployee', { input: { employeeId: person.id, date: '2026-04-30' } });
    await expectRefused(acme, terminate, 'terminateEmployee', { input: { employeeId: person.id, date: '2026-05-31' } }, [
      [['input', 'employeeId'], 'ALREADY_TERMINATED'],
    ]);
    await expectRefused(acme, employeesOperation('SignContract'), 'signContract', exampleVariables('SignContract', { employeeId: person.id }), [
      [['input', 'employeeId'], 'EMPLOYEE_TERMINATED'],
    ]);
  });
});

describe('employee numbers', () => {
  it('are gap-free and unique when 20 hires arrive at once', async () => {
    const company = await createCompany(t, { name: 'Gamma Hires', modules: ['EMPLOYEES'] });
    try {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          company.gql<Pick<Mutation, 'hireEmployee'>>(employeesOperation('HireEmployee'), {
            input: { firstName: 'Con', lastName: `Current${i}`, email: `c${i}@gamma.example`, hireDate: '2026-04-01' },
          }),
        ),
      );
      for (const res of responses) expect(res.data!.hireEmployee.userErrors).toEqual([]);
      const numbers = responses.map((r) => r.data!.hireEmployee.employee!.employeeNumber).sort();
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `EMP-${String(i + 1).padStart(6, '0')}`));
      const events = await company.tenantDb.selectFrom('employees.outbox').select('payload').where('event_type', '=', 'EmployeeHired').execute();
      expect(events.map((e) => e.payload.employeeNumber).sort()).toEqual(numbers);
    } finally {
      await company.tenantDb.destroy();
    }
  });
});
