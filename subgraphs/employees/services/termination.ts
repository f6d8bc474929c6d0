import type { Transaction } from 'kysely';
import { buildEvent } from '../../contracts/event';
import { ContractEnded, EmployeeTerminated } from '../../contracts/employees';
import type { Actor } from '../../kit/actor';
import { validOrRefuse } from '../../kit/validation';
import { failWith } from '../../kit/errors';
import { validateTermination } from '../domain/employee-input';
import { endAssignmentInForce, findAssignmentsStartingAfter } from '../store/assignments';
import { endContractInForce, findContractsStartingAfter } from '../store/contracts';
import { findEmployee, moveWorkingReports, updateEmployee } from '../store/employees';
import { lockReportingLine } from '../store/locks';
import { lockEmployee } from './guards';
import type { EmployeesDB } from '../store/db';

/**
 * Terminates on `date`, the last day worked: the contract and position in force
 * that day end then, and the employee's working reports move up to their
 * manager. Contracts or moves agreed to start after it are refused
 * rather than silently dropped: terminate later, or after they are settled.
 */
export async function terminateEmployee(trx: Transaction<EmployeesDB>, input: { employeeId: string; date: string }, actor: Actor) {
  const v = validOrRefuse(validateTermination(input));
  const employee = await lockEmployee(trx, v.employeeId);
  if (employee.status === 'TERMINATED')
    failWith('input.employeeId', `${employee.employee_number} was already terminated on ${employee.termination_date}`, 'ALREADY_TERMINATED');
  if (v.date < employee.hire_date) failWith('input.date', `${employee.employee_number} was hired on ${employee.hire_date}`, 'INVALID_DATE_RANGE');
  const [laterContract] = await findContractsStartingAfter(trx, employee.id, v.date);
  if (laterContract) failWith('input.date', `A contract starts on ${laterContract.start_date}, after this termination date`, 'CONTRACT_AFTER_TERMINATION');
  const [laterMove] = await findAssignmentsStartingAfter(trx, employee.id, v.date);
  if (laterMove)
    failWith('input.date', `A position change takes effect on ${laterMove.start_date}, after this termination date`, 'POSITION_CHANGE_AFTER_TERMINATION');

  const terminated = await updateEmployee(trx, employee.id, { status: 'TERMINATED', termination_date: v.date });
  // The reporting line closes over the gap: working reports move to the
  // leaver's own manager (none when that manager has left too). The lock
  // orders this with concurrent manager changes, as their cycle check needs.
  await lockReportingLine(trx);
  const above = employee.manager_id === null ? undefined : await findEmployee(trx, employee.manager_id);
  const newManagerId = above && above.status !== 'TERMINATED' ? above.id : null;
  const reassignedReports = await moveWorkingReports(trx, employee.id, newManagerId);
  const endedContracts = await endContractInForce(trx, employee.id, v.date);
  await endAssignmentInForce(trx, employee.id, v.date);

  actor.audit({ entity: 'employee', entityId: employee.id, before: { status: employee.status }, after: { status: 'TERMINATED', terminationDate: v.date } });
  actor.publish(buildEvent(EmployeeTerminated, { employeeId: employee.id, terminationDate: v.date }));
  for (const contract of endedContracts) {
    actor.audit({ entity: 'contract', entityId: contract.id, after: { endDate: contract.end_date } });
    actor.publish(buildEvent(ContractEnded, { contractId: contract.id, employeeId: employee.id, endDate: v.date }));
  }
  for (const report of reassignedReports) {
    actor.audit({ entity: 'employee', entityId: report.id, before: { managerId: employee.id }, after: { managerId: newManagerId } });
  }
  return { employee: terminated, reassignedReports };
}
