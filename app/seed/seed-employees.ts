import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../../subgraphs/kit/actor';
import { signContract } from '../../subgraphs/employees/services/contracts';
import { changePosition, setEmployeeStatus } from '../../subgraphs/employees/services/employee-changes';
import { hireEmployee } from '../../subgraphs/employees/services/hiring';
import type { CustomFieldValueInput } from '../../subgraphs/kit/custom-fields/types';
import { createDepartment, createPosition } from '../../subgraphs/employees/services/organisation';
import { createRole, grantRole } from '../../subgraphs/employees/services/roles';
import { terminateEmployee } from '../../subgraphs/employees/services/termination';
import type { EmployeesDB } from '../../subgraphs/employees/store/db';
import { listDepartments } from '../../subgraphs/employees/store/departments';
import { listPositions } from '../../subgraphs/employees/store/positions';
import { listRoles } from '../../subgraphs/employees/store/roles';
import { SeedBatch, type BatchScope } from './batch';
import { DEPARTMENTS, ROLES } from './organisation';
import type { PlannedEmployee } from './staff-plan';

const CURRENCY = 'EUR';

/** Ids of the organisation the plan refers to by name. */
export interface Organisation {
  departments: Map<string, string>;
  /** Keyed by `department/title`. */
  positions: Map<string, string>;
  roles: Map<string, string>;
}

const positionKey = (department: string, title: string) => `${department}/${title}`;

export interface OrganisationReport {
  departmentsCreated: number;
  positionsCreated: number;
  rolesCreated: number;
}

/**
 * The department tree, its positions and the roles, created through the
 * module's mutations where missing (an appended seed finds them by name).
 */
export async function ensureOrganisation(db: Kysely<EmployeesDB>, scope: BatchScope): Promise<{ organisation: Organisation; report: OrganisationReport }> {
  const report: OrganisationReport = { departmentsCreated: 0, positionsCreated: 0, rolesCreated: 0 };
  const organisation: Organisation = { departments: new Map(), positions: new Map(), roles: new Map() };
  await db.transaction().execute(async (trx) => {
    const batch = new SeedBatch(trx, 'EMPLOYEES', `${scope.requestId}-organisation`);
    const existingDepartments = await listDepartments(trx);
    const existingPositions = await listPositions(trx, { departmentId: null });
    const existingRoles = await listRoles(trx);

    // DEPARTMENTS lists parents before their children.
    for (const template of DEPARTMENTS) {
      const parentId = template.parent === null ? null : organisation.departments.get(template.parent)!;
      const found = existingDepartments.find((d) => d.parent_id === parentId && d.name.toLowerCase() === template.name.toLowerCase());
      const id =
        found?.id ??
        (await batch.run('createDepartment', template.name, (t, actor) => createDepartment(t, { name: template.name, parentId }, actor))).department.id;
      if (!found) report.departmentsCreated += 1;
      organisation.departments.set(template.name, id);
      for (const position of [template.head, ...template.staff]) {
        const existing = existingPositions.find((p) => p.department_id === id && p.title.toLowerCase() === position.title.toLowerCase());
        const positionId =
          existing?.id ??
          (await batch.run('createPosition', position.title, (t, actor) => createPosition(t, { title: position.title, departmentId: id }, actor))).position.id;
        if (!existing) report.positionsCreated += 1;
        organisation.positions.set(positionKey(template.name, position.title), positionId);
      }
    }
    for (const role of ROLES) {
      const existing = existingRoles.find((r) => r.name.toLowerCase() === role.name.toLowerCase());
      const id = existing?.id ?? (await batch.run('createRole', role.name, (t, actor) => createRole(t, role, actor))).role.id;
      if (!existing) report.rolesCreated += 1;
      organisation.roles.set(role.name, id);
    }
  });
  return { organisation, report };
}

/** Department name → the employee now holding its head position (someone not terminated). */
export async function findDepartmentHeads(db: Kysely<EmployeesDB>, organisation: Organisation): Promise<Map<string, string>> {
  const heads = new Map<string, string>();
  for (const template of DEPARTMENTS) {
    const positionId = organisation.positions.get(positionKey(template.name, template.head.title))!;
    const head = await db
      .selectFrom('employees.employee')
      .select('id')
      .where('position_id', '=', positionId)
      .where('status', '<>', 'TERMINATED')
      .orderBy('employee_number')
      .executeTakeFirst();
    if (head) heads.set(template.name, head.id);
  }
  return heads;
}

export async function takenEmails(db: Kysely<EmployeesDB>): Promise<Set<string>> {
  const { rows } = await sql<{ email: string }>`SELECT lower(email) AS email FROM employees.employee`.execute(db);
  return new Set(rows.map((r) => r.email));
}

export interface HiredEmployee {
  id: string;
  hireDate: string;
}

export interface StaffReport {
  hired: number;
  contracts: number;
  promoted: number;
  rolesGranted: number;
  onLeave: number;
  terminated: number;
}

async function hire(
  batch: SeedBatch<EmployeesDB>,
  today: string,
  planned: PlannedEmployee,
  organisation: Organisation,
  heads: Map<string, string>,
  report: StaffReport,
  customFields?: (planned: PlannedEmployee) => CustomFieldValueInput[],
): Promise<HiredEmployee> {
  const managerId = planned.reportsToHeadOf === null ? null : heads.get(planned.reportsToHeadOf)!;
  const step = <R>(operation: string, work: (trx: Transaction<EmployeesDB>, actor: Actor) => Promise<R>) => batch.run(operation, planned.email, work);
  const hired = await step('hireEmployee', (t, actor) =>
    hireEmployee(
      t,
      {
        firstName: planned.firstName,
        lastName: planned.lastName,
        email: planned.email,
        hireDate: planned.hireDate,
        departmentId: organisation.departments.get(planned.department)!,
        positionId: organisation.positions.get(positionKey(planned.department, planned.position))!,
        managerId,
        ...(customFields ? { customFields: customFields(planned) } : {}),
      },
      actor,
    ),
  );
  const employeeId = hired.employee.id;
  report.hired += 1;
  if (planned.isHead) heads.set(planned.department, employeeId);

  for (const contract of planned.contracts) {
    await step('signContract', (t, actor) =>
      signContract(t, { employeeId, ...contract, baseSalary: { amount: contract.baseSalary, currency: CURRENCY } }, actor),
    );
    report.contracts += 1;
  }
  const promotion = planned.promotion;
  if (promotion) {
    const positionId = organisation.positions.get(positionKey(planned.department, promotion.position))!;
    await step('changePosition', (t, actor) => changePosition(t, { employeeId, positionId, effectiveDate: promotion.date }, actor));
    report.promoted += 1;
  }
  for (const role of planned.roles) {
    await step('grantRole', (t, actor) => grantRole(t, { employeeId, roleId: organisation.roles.get(role)! }, actor));
    report.rolesGranted += 1;
  }
  if (planned.leaveFrom) {
    const effectiveDate = planned.leaveFrom;
    await step('setEmployeeStatus', (t, actor) => setEmployeeStatus(t, { employeeId, status: 'ON_LEAVE', effectiveDate, today }, actor));
    report.onLeave += 1;
  }
  if (planned.terminatedOn) {
    const date = planned.terminatedOn;
    await step('terminateEmployee', (t, actor) => terminateEmployee(t, { employeeId, date }, actor));
    report.terminated += 1;
  }
  return { id: employeeId, hireDate: planned.hireDate };
}

/**
 * Hires the plan in batches: each batch is one transaction holding every
 * mutation of its people (hire, contracts, promotion, roles, leave,
 * termination) with their audit rows and events. A refusal rolls its batch back.
 */
export async function hireStaff(
  db: Kysely<EmployeesDB>,
  scope: BatchScope,
  input: {
    plan: readonly PlannedEmployee[];
    organisation: Organisation;
    heads: Map<string, string>;
    batchSize: number;
    onBatch: (done: number) => void;
    /** Custom field values to hire each planned employee with (the demo's). */
    customFields?: (planned: PlannedEmployee) => CustomFieldValueInput[];
  },
): Promise<{ hired: HiredEmployee[]; report: StaffReport }> {
  const report: StaffReport = { hired: 0, contracts: 0, promoted: 0, rolesGranted: 0, onLeave: 0, terminated: 0 };
  const hired: HiredEmployee[] = [];
  for (let start = 0; start < input.plan.length; start += input.batchSize) {
    const batch = input.plan.slice(start, start + input.batchSize);
    const batchReport = { ...report };
    const batchHeads = new Map(input.heads);
    const people = await db.transaction().execute(async (trx) => {
      const seedBatch = new SeedBatch(trx, 'EMPLOYEES', `${scope.requestId}-employees-${start / input.batchSize + 1}`);
      const done: HiredEmployee[] = [];
      for (const planned of batch) done.push(await hire(seedBatch, scope.today, planned, input.organisation, batchHeads, batchReport, input.customFields));
      return done;
    });
    // Only a committed batch counts.
    Object.assign(report, batchReport);
    for (const [department, id] of batchHeads) input.heads.set(department, id);
    hired.push(...people);
    input.onBatch(hired.length);
  }
  return { hired, report };
}
