import type { Transaction } from 'kysely';
import { buildEvent } from '../../contracts/event';
import { EmployeeHired } from '../../contracts/employees';
import type { Actor } from '../../kit/actor';
import { validOrRefuse } from '../../kit/validation';
import { validateHire, type HireInput, type ValidHire } from '../domain/employee-input';
import { formatEmployeeNumber } from '../domain/employee-number';
import { fullName } from '../domain/names';
import { InputProblems } from '../../kit/validation';
import { insertAssignment } from '../store/assignments';
import type { EmployeesDB } from '../store/db';
import { findDepartment } from '../store/departments';
import { emailTaken, findEmployee, insertEmployee, takeNextEmployeeNumber } from '../store/employees';
import { findPosition } from '../store/positions';
import { orUserError } from './guards';
import { createOncePerKey, keyedRequest, type Keyed } from '../../kit/idempotency';
import { givenFields, PERSONAL_FIELDS, type PersonalField } from '../domain/personal-data';
import type { DataKeyring } from './keyring';
import { personalDataDigest, savePersonalData } from './personal-data';
import { checkCustomFieldWrite } from '../../kit/custom-fields/service';
import type { CustomFieldDefinition, StoredValues } from '../../kit/custom-fields/types';
import { EMPLOYEE_CUSTOM_FIELDS } from '../store/custom-fields';
import { employeesExist } from './guards';

/** Which custom fields the caller may read (and so write); the seeder and the CLI read them all. */
export type FieldVisibility = (def: CustomFieldDefinition) => boolean;
const EVERY_FIELD: FieldVisibility = () => true;

/** An event's customFields, left out when there are none, so a company without custom fields sends what it always sent. */
export const withCustomFields = (values: StoredValues) => (Object.keys(values).length > 0 ? { customFields: values } : {});

/** Checks everything the hire refers to and its custom fields, reporting every problem at once; returns the department the hire lands in. */
async function checkReferences(
  trx: Transaction<EmployeesDB>,
  v: ValidHire,
  custom: Pick<HireInput, 'customFields'> & { readable: FieldVisibility },
): Promise<{ departmentId: string | null; customFields: StoredValues; announced: () => StoredValues }> {
  const problems = new InputProblems();
  let departmentId = v.departmentId;
  if (v.departmentId !== null && !(await findDepartment(trx, v.departmentId)))
    problems.add('input.departmentId', `No department ${v.departmentId}`, 'NOT_FOUND');
  if (v.positionId !== null) {
    const position = await findPosition(trx, v.positionId);
    if (!position) problems.add('input.positionId', `No position ${v.positionId}`, 'NOT_FOUND');
    else if (v.departmentId !== null && position.department_id !== v.departmentId) {
      problems.add('input.positionId', `Position "${position.title}" belongs to another department`, 'POSITION_NOT_IN_DEPARTMENT');
    } else departmentId = position.department_id;
  }
  if (v.managerId !== null) {
    const manager = await findEmployee(trx, v.managerId);
    if (!manager) problems.add('input.managerId', `No employee ${v.managerId}`, 'NOT_FOUND');
    else if (manager.status === 'TERMINATED') problems.add('input.managerId', `${manager.employee_number} has been terminated`, 'MANAGER_TERMINATED');
  }
  if (await emailTaken(trx, v.email)) problems.add('input.email', `${v.email} is already an employee's address`, 'EMAIL_TAKEN');
  const { values, announced } = await checkCustomFieldWrite(
    trx,
    EMPLOYEE_CUSTOM_FIELDS,
    { inputs: custom.customFields, current: {}, mode: 'create', readable: custom.readable, employeesExist: (ids) => employeesExist(trx, ids) },
    problems,
  );
  problems.assertNone();
  return { departmentId, customFields: values, announced };
}

/**
 * Hires an employee. The number is taken last, right before the insert: the
 * counter row stays locked until commit, so hires queue only for that short
 * tail, and a hire that fails gives its number back (gap-free).
 */
async function hireEmployeeOnce(trx: Transaction<EmployeesDB>, input: HireInput, actor: Actor, keyring: DataKeyring | undefined, readable: FieldVisibility) {
  const v = validOrRefuse(validateHire(input));
  const personalFields = givenFields(v.personal);
  const { departmentId, customFields, announced } = await checkReferences(trx, v, { customFields: input.customFields, readable });
  const number = formatEmployeeNumber(await takeNextEmployeeNumber(trx));
  const employee = await orUserError(
    insertEmployee(trx, {
      employee_number: number,
      first_name: v.firstName,
      last_name: v.lastName,
      email: v.email,
      hire_date: v.hireDate,
      department_id: departmentId,
      position_id: v.positionId,
      manager_id: v.managerId,
      custom_fields: JSON.stringify(customFields),
    }),
    { employee_email: ['input.email', `${v.email} is already an employee's address`, 'EMAIL_TAKEN'] },
  );
  if (v.positionId !== null) await insertAssignment(trx, { employee_id: employee.id, position_id: v.positionId, start_date: v.hireDate });
  if (personalFields.length > 0) {
    if (!keyring) throw new Error('Personal data given without a keyring to encrypt it');
    await savePersonalData(trx, keyring, employee.id, v.personal);
  }
  // The audit names the personal fields recorded, never their values.
  actor.audit({ entity: 'employee', entityId: employee.id, after: personalFields.length > 0 ? { ...employee, personalData: personalFields } : employee });
  actor.publish(
    buildEvent(EmployeeHired, {
      employeeId: employee.id,
      employeeNumber: employee.employee_number,
      fullName: fullName(employee),
      email: employee.email,
      hireDate: employee.hire_date,
      departmentId: employee.department_id,
      status: 'ACTIVE',
      ...withCustomFields(announced()),
    }),
  );
  return { employee };
}

/**
 * Under an idempotency key a retry gets the same employee back: no second hire,
 * no number taken. The claim hashes the input; its personal fields enter the
 * hash only through a keyed HMAC, so the claim holds no unkeyed hash of a tax id.
 */
export async function hireEmployee(
  trx: Transaction<EmployeesDB>,
  input: HireInput & Keyed,
  actor: Actor,
  keyring?: DataKeyring,
  readable: FieldVisibility = EVERY_FIELD,
) {
  const personal = PERSONAL_FIELDS.filter((f) => input[f] != null);
  let canonicalInput: (() => unknown) | undefined;
  if (input.idempotencyKey != null && personal.length > 0 && keyring) {
    const digest = personalDataDigest((await keyring.current(trx)).key, Object.fromEntries(personal.map((f) => [f, input[f]])));
    canonicalInput = () => ({
      ...Object.fromEntries(
        Object.entries(input).filter(([name, value]) => name !== 'idempotencyKey' && value !== null && !personal.includes(name as PersonalField)),
      ),
      personalData: digest,
    });
  }
  return createOncePerKey(
    trx,
    keyedRequest('EMPLOYEES', 'hireEmployee', input, canonicalInput),
    'employee',
    (id) => findEmployee(trx, id),
    () => hireEmployeeOnce(trx, input, actor, keyring, readable),
  );
}
