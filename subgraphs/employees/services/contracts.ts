import type { Transaction } from 'kysely';
import { buildEvent } from '../../contracts/event';
import { ContractSigned } from '../../contracts/employees';
import type { Actor } from '../../kit/actor';
import { validOrRefuse } from '../../kit/validation';
import { failWith } from '../../kit/errors';
import { validateContract, type ContractInput } from '../domain/contract-input';
import { findContract, findOverlappingContract, insertContract } from '../store/contracts';
import { assertNotTerminated, lockEmployee, orUserError } from './guards';
import type { EmployeesDB } from '../store/db';
import { createOncePerKey, keyedRequest, type Keyed } from '../../kit/idempotency';

const overlapMessage = 'The employee already has a contract on some of these dates';

/**
 * Signs a contract. The employee row lock queues concurrent signings for the
 * same person, so the pre-check answers with the clashing contract; the
 * exclusion constraint stays the rule should anything get past it.
 */
async function signContractOnce(trx: Transaction<EmployeesDB>, input: ContractInput, actor: Actor) {
  const v = validOrRefuse(validateContract(input));
  const employee = await lockEmployee(trx, v.employeeId);
  assertNotTerminated(employee);
  if (v.startDate < employee.hire_date) failWith('input.startDate', `${employee.employee_number} is hired from ${employee.hire_date}`, 'BEFORE_HIRE_DATE');
  const clash = await findOverlappingContract(trx, employee.id, v.startDate, v.endDate);
  if (clash) failWith('input.startDate', `${overlapMessage}: contract from ${clash.start_date} to ${clash.end_date ?? 'open end'}`, 'CONTRACT_OVERLAP');
  const contract = await orUserError(
    insertContract(trx, {
      employee_id: employee.id,
      type: v.type,
      start_date: v.startDate,
      end_date: v.endDate,
      pay_frequency: v.payFrequency,
      base_salary: v.baseSalary.amount,
      currency: v.baseSalary.currency,
    }),
    { contract_no_overlap: ['input.startDate', overlapMessage, 'CONTRACT_OVERLAP'] },
  );
  actor.audit({ entity: 'contract', entityId: contract.id, after: contract });
  actor.publish(
    buildEvent(ContractSigned, {
      contractId: contract.id,
      employeeId: employee.id,
      type: contract.type,
      startDate: contract.start_date,
      endDate: contract.end_date,
      payFrequency: contract.pay_frequency,
      baseSalary: { amount: contract.base_salary, currency: contract.currency },
    }),
  );
  return { contract };
}

export function signContract(trx: Transaction<EmployeesDB>, input: ContractInput & Keyed, actor: Actor) {
  return createOncePerKey(
    trx,
    keyedRequest('EMPLOYEES', 'signContract', input),
    'contract',
    (id) => findContract(trx, id),
    () => signContractOnce(trx, input, actor),
  );
}
