import { randomUUID } from 'node:crypto';
import type { Mutation, Query } from '../support/api';
import { createCompany, type GatewayCompany } from '../support/company';
import { expectRefused, hireSomeone, mutateOk, outboxOf } from '../support/employees-fixtures';
import { deliverEvents } from '../support/events';
import { startTestStack, type TestStack } from '../support/stack';

const UPDATE = `mutation($input: UpdateEmployeeDetailsInput!) { updateEmployeeDetails(input: $input) {
  employee { id fullName firstName lastName email } userErrors { field message code } } }`;
const TERMINATE = `mutation($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) { employee { id status } userErrors { code } } }`;

let t: TestStack;
let company: GatewayCompany;

beforeAll(async () => {
  t = await startTestStack();
  company = await createCompany(t, { name: 'Details Co', modules: ['EMPLOYEES', 'ASSETS', 'FINANCE', 'PAYROLL'] });
});
afterAll(async () => {
  await company?.tenantDb.destroy();
  await t?.stop();
});

const deliver = () => deliverEvents(t.database.config, t.database.db, company.slug);

it('corrects a name and an e-mail, announces it once, and the projections of assets and payroll follow', async () => {
  const anna = await hireSomeone(company, { firstName: 'Anna', lastName: 'Silva', email: 'anna.silva@details.example' });
  await deliver();

  const { employee } = await mutateOk(company, UPDATE, 'updateEmployeeDetails', {
    input: { employeeId: anna.id, lastName: '  Costa ', email: 'anna.costa@details.example' },
  });
  expect(employee).toEqual({ id: anna.id, fullName: 'Anna Costa', firstName: 'Anna', lastName: 'Costa', email: 'anna.costa@details.example' });
  const found = await company.gql<Pick<Query, 'employees'>>('{ employees(filter: { search: "costa" }) { edges { node { id } } } }');
  expect(found.data!.employees.edges).toEqual([{ node: { id: anna.id } }]);

  const events = await outboxOf(company, anna.id);
  expect(events.at(-1)).toMatchObject({
    event_type: 'EmployeeDetailsChanged',
    payload: { employeeId: anna.id, fullName: 'Anna Costa', email: 'anna.costa@details.example' },
  });
  expect(events.filter((e) => e.event_type === 'EmployeeDetailsChanged')).toHaveLength(1);

  await deliver();
  const assets = await company.tenantDb
    .selectFrom('assets.employee_projection')
    .select(['full_name', 'status'])
    .where('employee_id', '=', anna.id)
    .executeTakeFirstOrThrow();
  expect(assets).toEqual({ full_name: 'Anna Costa', status: 'ACTIVE' });
  const payroll = await company.tenantDb
    .selectFrom('payroll.employee_projection')
    .select(['full_name', 'email'])
    .where('employee_id', '=', anna.id)
    .executeTakeFirstOrThrow();
  expect(payroll).toEqual({ full_name: 'Anna Costa', email: 'anna.costa@details.example' });
});

it('refuses bad or empty corrections with a field and a code, writing nothing', async () => {
  const bo = await hireSomeone(company, { firstName: 'Bo', lastName: 'Berg', email: 'bo.berg@details.example' });
  const other = await hireSomeone(company, { email: 'taken@details.example' });
  const refused = (input: Record<string, unknown>, errors: Array<[string[] | null, string]>) =>
    expectRefused(company, UPDATE, 'updateEmployeeDetails', { input: { employeeId: bo.id, ...input } }, errors);

  await refused({}, [[['input'], 'NOTHING_TO_CHANGE']]);
  await refused({ firstName: 'Bo', email: 'BO.berg@details.example'.toLowerCase() }, [[['input'], 'NOTHING_TO_CHANGE']]);
  await refused({ email: 'TAKEN@details.example' }, [[['input', 'email'], 'EMAIL_TAKEN']]);
  await refused({ email: 'not-an-address' }, [[['input', 'email'], 'INVALID_EMAIL']]);
  await refused({ firstName: ' ', lastName: 'x'.repeat(101) }, [
    [['input', 'firstName'], 'REQUIRED'],
    [['input', 'lastName'], 'TOO_LONG'],
  ]);
  await refused({ employeeId: randomUUID(), firstName: 'Nobody' }, [[['input', 'employeeId'], 'NOT_FOUND']]);
  expect(other.id).not.toBe(bo.id);
});

it('corrects the record of someone who has left', async () => {
  const cy = await hireSomeone(company, { firstName: 'Cy', lastName: 'Old' });
  const terminated = await company.gql<Pick<Mutation, 'terminateEmployee'>>(TERMINATE, { input: { employeeId: cy.id, date: '2026-03-31' } });
  expect(terminated.data!.terminateEmployee.userErrors).toEqual([]);
  const { employee } = await mutateOk(company, UPDATE, 'updateEmployeeDetails', { input: { employeeId: cy.id, lastName: 'New' } });
  expect(employee.fullName).toBe('Cy New');
});

it('needs the EMPLOYEES module', async () => {
  const assetsOnly = await createCompany(t, { name: 'Assets Only Co', modules: ['ASSETS'] });
  try {
    const res = await assetsOnly.gql(UPDATE, { input: { employeeId: randomUUID(), firstName: 'X' } });
    expect(res.errors![0]!.extensions!.code).toBe('MODULE_NOT_SUBSCRIBED');
  } finally {
    await assetsOnly.tenantDb.destroy();
  }
});

describe("a leaver's reports", () => {
  const TERMINATE_WITH_REPORTS = `mutation($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) {
    employee { id status } reassignedReports { id manager { id } } userErrors { code } } }`;
  const managerOf = async (id: string) =>
    (await company.gql<Pick<Query, 'employee'>>('query($id: ID!) { employee(id: $id) { manager { id } } }', { id })).data!.employee!.manager?.id ?? null;

  it("move up to the leaver's manager, except those who have left; with no manager above, to nobody", async () => {
    const head = await hireSomeone(company, { firstName: 'Gail', lastName: 'Head' });
    const lead = await hireSomeone(company, { firstName: 'Max', lastName: 'Lead', managerId: head.id });
    const [r1, r2, gone] = [
      await hireSomeone(company, { managerId: lead.id }),
      await hireSomeone(company, { managerId: lead.id }),
      await hireSomeone(company, { managerId: lead.id }),
    ];
    expect(
      (await company.gql<Pick<Mutation, 'terminateEmployee'>>(TERMINATE, { input: { employeeId: gone.id, date: '2026-02-28' } })).data!.terminateEmployee
        .userErrors,
    ).toEqual([]);

    const requestId = `test-roll-up-${randomUUID()}`;
    const res = await company.gql<Pick<Mutation, 'terminateEmployee'>>(
      TERMINATE_WITH_REPORTS,
      { input: { employeeId: lead.id, date: '2026-03-31' } },
      { requestId },
    );
    expect(res.data!.terminateEmployee.userErrors).toEqual([]);
    expect(res.data!.terminateEmployee.reassignedReports!.map((e) => [e.id, e.manager!.id]).sort()).toEqual(
      [
        [r1.id, head.id],
        [r2.id, head.id],
      ].sort(),
    );
    expect(await managerOf(r1.id)).toBe(head.id);
    expect(await managerOf(gone.id)).toBe(lead.id);
    // Each move is audited with the termination.
    const audited = await company.tenantDb
      .selectFrom('audit.audit_log')
      .select(['entity_id', 'operation'])
      .where('request_id', '=', requestId)
      .where('entity_id', 'in', [r1.id, r2.id])
      .execute();
    expect(audited.map((a) => a.operation)).toEqual(['terminateEmployee', 'terminateEmployee']);

    const top = await company.gql<Pick<Mutation, 'terminateEmployee'>>(TERMINATE_WITH_REPORTS, { input: { employeeId: head.id, date: '2026-04-30' } });
    expect(top.data!.terminateEmployee.reassignedReports!.map((e) => [e.id, e.manager])).toEqual(
      expect.arrayContaining([
        [r1.id, null],
        [r2.id, null],
      ]),
    );
    expect(await managerOf(r2.id)).toBeNull();
  });
});
