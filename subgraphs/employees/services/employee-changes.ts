import type { Transaction } from 'kysely';
import { buildEvent } from '../../contracts/event';
import { EmployeeDetailsChanged, EmployeeStatusChanged } from '../../contracts/employees';
import type { Actor } from '../../kit/actor';
import { validOrRefuse } from '../../kit/validation';
import { failWith } from '../../kit/errors';
import { wouldCreateCycle } from '../domain/cycles';
import { dayBefore } from '../domain/dates';
import { fullName } from '../domain/names';
import { validateDetailsChange, validateManagerChange, validatePositionChange, validateStatusChange, type DetailsChangeInput } from '../domain/employee-input';
import { statusChangeRefusal } from '../domain/employment';
import { findLatestAssignment, insertAssignment, setAssignmentEnd } from '../store/assignments';
import type { EmployeeStatus } from '../store/employee.table';
import { emailTaken, findEmployee, managerChainUp, updateEmployee } from '../store/employees';
import { lockReportingLine } from '../store/locks';
import { findPosition } from '../store/positions';
import { assertNotTerminated, lockEmployee, orUserError } from './guards';
import type { EmployeesDB } from '../store/db';
import { givenFields } from '../domain/personal-data';
import type { DataKeyring } from './keyring';
import { savePersonalData } from './personal-data';
import { checkCustomFieldWrite } from '../../kit/custom-fields/service';
import { InputProblems } from '../../kit/validation';
import { EMPLOYEE_CUSTOM_FIELDS } from '../store/custom-fields';
import { employeesExist } from './guards';
import type { FieldVisibility } from './hiring';

/** Sets or clears the manager; the reporting-line lock makes the cycle check hold against concurrent changes. */
export async function setEmployeeManager(trx: Transaction<EmployeesDB>, input: { employeeId: string; managerId?: string | null }, actor: Actor) {
  const v = validOrRefuse(validateManagerChange(input));
  await lockReportingLine(trx);
  const employee = await lockEmployee(trx, v.employeeId);
  assertNotTerminated(employee);
  if (v.managerId !== null) {
    const manager = await findEmployee(trx, v.managerId);
    if (!manager) failWith('input.managerId', `No employee ${v.managerId}`, 'NOT_FOUND');
    if (manager.status === 'TERMINATED') failWith('input.managerId', `${manager.employee_number} has been terminated`, 'MANAGER_TERMINATED');
    if (wouldCreateCycle(employee.id, manager.id, await managerChainUp(trx, manager.id))) {
      failWith('input.managerId', `${manager.employee_number} already reports (directly or not) to ${employee.employee_number}`, 'MANAGER_CYCLE');
    }
  }
  const updated = await updateEmployee(trx, employee.id, { manager_id: v.managerId });
  actor.audit({ entity: 'employee', entityId: employee.id, before: { managerId: employee.manager_id }, after: { managerId: updated.manager_id } });
  return { employee: updated };
}

/** Moves an employee to a position from a date; the previous assignment ends the day before. */
export async function changePosition(trx: Transaction<EmployeesDB>, input: { employeeId: string; positionId: string; effectiveDate: string }, actor: Actor) {
  const v = validOrRefuse(validatePositionChange(input));
  const employee = await lockEmployee(trx, v.employeeId);
  assertNotTerminated(employee);
  const position = await findPosition(trx, v.positionId);
  if (!position) failWith('input.positionId', `No position ${v.positionId}`, 'NOT_FOUND');
  if (v.effectiveDate < employee.hire_date)
    failWith('input.effectiveDate', `${employee.employee_number} was hired on ${employee.hire_date}`, 'INVALID_DATE_RANGE');
  const latest = await findLatestAssignment(trx, employee.id);
  if (latest && latest.end_date === null && latest.position_id === position.id)
    failWith('input.positionId', `${employee.employee_number} already holds this position`, 'POSITION_UNCHANGED');
  if (latest && v.effectiveDate <= latest.start_date) {
    failWith('input.effectiveDate', `The current position was taken on ${latest.start_date}; a change must come after it`, 'INVALID_DATE_RANGE');
  }
  if (latest && (latest.end_date === null || latest.end_date >= v.effectiveDate)) await setAssignmentEnd(trx, latest.id, dayBefore(v.effectiveDate));
  await insertAssignment(trx, { employee_id: employee.id, position_id: position.id, start_date: v.effectiveDate });
  const updated = await updateEmployee(trx, employee.id, { position_id: position.id, department_id: position.department_id });
  actor.audit({
    entity: 'employee',
    entityId: employee.id,
    before: { positionId: employee.position_id, departmentId: employee.department_id },
    after: { positionId: updated.position_id, departmentId: updated.department_id, effectiveDate: v.effectiveDate },
  });
  return { employee: updated };
}

const STATUS_REFUSALS = {
  EMPLOYEE_TERMINATED: ['input.employeeId', 'A terminated employee has no working status to change'],
  INVALID_STATUS: ['input.status', 'Use terminateEmployee to terminate an employee'],
  STATUS_UNCHANGED: ['input.status', 'The employee already has this status'],
} as const;

export interface StatusChangeInput {
  employeeId: string;
  status: EmployeeStatus;
  effectiveDate?: string | null;
  /** The caller's today: the effective date when none is given. */
  today: string;
}

/** ACTIVE ⇄ ON_LEAVE, announced to the other modules with its effective date. */
export async function setEmployeeStatus(trx: Transaction<EmployeesDB>, input: StatusChangeInput, actor: Actor) {
  const v = validOrRefuse(validateStatusChange(input, input.today));
  const employee = await lockEmployee(trx, v.employeeId);
  const refusal = statusChangeRefusal(employee.status, v.status);
  if (refusal) failWith(STATUS_REFUSALS[refusal][0], STATUS_REFUSALS[refusal][1], refusal);
  if (v.effectiveDate < employee.hire_date)
    failWith('input.effectiveDate', `${employee.employee_number} was hired on ${employee.hire_date}`, 'INVALID_DATE_RANGE');
  const updated = await updateEmployee(trx, employee.id, { status: v.status });
  actor.audit({
    entity: 'employee',
    entityId: employee.id,
    before: { status: employee.status },
    after: { status: updated.status, effectiveDate: v.effectiveDate },
  });
  // statusChangeRefusal admits only the working statuses here.
  actor.publish(buildEvent(EmployeeStatusChanged, { employeeId: employee.id, status: v.status as 'ACTIVE' | 'ON_LEAVE', effectiveDate: v.effectiveDate }));
  return { employee: updated };
}

/**
 * Corrects names and e-mail, and records personal data. Only what changes is
 * written, audited and announced: assets and payroll keep the name in their
 * projections; personal data is encrypted and never announced, and the audit
 * names its fields, never their values. Corrections of a terminated
 * employee's record are allowed; they change no employment.
 */
export async function updateEmployeeDetails(
  trx: Transaction<EmployeesDB>,
  input: DetailsChangeInput,
  actor: Actor,
  keyring: DataKeyring,
  readable: FieldVisibility = () => true,
) {
  const v = validOrRefuse(validateDetailsChange(input));
  const employee = await lockEmployee(trx, v.employeeId);
  const problems = new InputProblems();
  const custom = await checkCustomFieldWrite(
    trx,
    EMPLOYEE_CUSTOM_FIELDS,
    { inputs: input.customFields, current: employee.custom_fields, mode: 'update', readable, employeesExist: (ids) => employeesExist(trx, ids) },
    problems,
  );
  problems.assertNone();
  const changes = {
    ...(v.firstName !== null && v.firstName !== employee.first_name ? { first_name: v.firstName } : {}),
    ...(v.lastName !== null && v.lastName !== employee.last_name ? { last_name: v.lastName } : {}),
    ...(v.email !== null && v.email !== employee.email ? { email: v.email } : {}),
    ...(custom.changed.length > 0 ? { custom_fields: JSON.stringify(custom.values) } : {}),
  };
  const personalFields = givenFields(v.personal);
  if (Object.keys(changes).length === 0 && personalFields.length === 0)
    failWith('input', `${employee.employee_number} already has these details`, 'NOTHING_TO_CHANGE');
  if (personalFields.length > 0) await savePersonalData(trx, keyring, employee.id, v.personal);
  if (Object.keys(changes).length === 0) {
    actor.audit({ entity: 'employee', entityId: employee.id, after: { personalData: personalFields } });
    return { employee };
  }
  const taken = `${v.email} is already an employee's address`;
  if (changes.email !== undefined && (await emailTaken(trx, changes.email, employee.id))) failWith('input.email', taken, 'EMAIL_TAKEN');
  const updated = await orUserError(updateEmployee(trx, employee.id, changes), { employee_email: ['input.email', taken, 'EMAIL_TAKEN'] });
  const customChanged = custom.changed.length > 0;
  const before = {
    firstName: employee.first_name,
    lastName: employee.last_name,
    email: employee.email,
    ...(customChanged ? { customFields: employee.custom_fields } : {}),
  };
  actor.audit({
    entity: 'employee',
    entityId: employee.id,
    before,
    after: {
      firstName: updated.first_name,
      lastName: updated.last_name,
      email: updated.email,
      ...(personalFields.length > 0 ? { personalData: personalFields } : {}),
      ...(customChanged ? { customFields: updated.custom_fields } : {}),
    },
  });
  actor.publish(
    buildEvent(EmployeeDetailsChanged, {
      employeeId: employee.id,
      fullName: fullName(updated),
      email: updated.email,
      ...(customChanged ? { customFields: custom.announced() } : {}),
    }),
  );
  return { employee: updated };
}
