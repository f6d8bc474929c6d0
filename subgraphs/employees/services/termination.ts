import { failWith } from '../../kit/errors';
import type { EmployeesContext } from '../context';
import { validateTermination } from '../domain/employee-input';
import { employeesEvent } from '../events';
import { endAssignmentInForce, findAssignmentsStartingAfter } from '../store/assignments';
import { endContractInForce, findContractsStartingAfter } from '../store/contracts';
import { findEmployee, moveWorkingReports, updateEmployee } from '../store/employees';
import { lockReportingLine } from '../store/locks';
import { lockEmployee, mutate } from './mutate';

/**
 * Terminates on `date`, the last day worked: the contract and position in force
 * that day end then, and the employee's working reports move up to their
 * manager. Contracts or moves agreed to start after it are refused
 * rather than silently dropped: terminate later, or after they are settled.
 */
export function terminateEmployee(ctx: EmployeesContext, input: { employeeId: string; date: string }) {
  return mutate(ctx, 'terminateEmployee', validateTermination(input), async (trx, record, v) => {
    const employee = await lockEmployee(trx, v.employeeId);
    if (employee.status === 'TERMINATED') failWith('input.employeeId', `${employee.employee_number} was already terminated on ${employee.termination_date}`, 'ALREADY_TERMINATED');
    if (v.date < employee.hire_date) failWith('input.date', `${employee.employee_number} was hired on ${employee.hire_date}`, 'INVALID_DATE_RANGE');
    const [laterContract] = await findContractsStartingAfter(trx, employee.id, v.date);
    if (laterContract) failWith('input.date', `A contract starts on ${laterContract.start_date}, after this termination date`, 'CONTRACT_AFTER_TERMINATION');
    const [laterMove] = await findAssignmentsStartingAfter(trx, employee.id, v.date);
    if (laterMove) failWith('input.date', `A position change takes effect on ${laterMove.start_date}, after this termination date`, 'POSITION_CHANGE_AFTER_TERMINATION');

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

    record.audit({ entity: 'employee', entityId: employee.id, before: { status: employee.status }, after: { status: 'TERMINATED', terminationDate: v.date } });
    record.publish(employeesEvent('EmployeeTerminated', { employeeId: employee.id, terminationDate: v.date }));
    for (const contract of endedContracts) {
      record.audit({ entity: 'contract', entityId: contract.id, after: { endDate: contract.end_date } });
      record.publish(employeesEvent('ContractEnded', { contractId: contract.id, employeeId: employee.id, endDate: v.date }));
    }
    for (const report of reassignedReports) {
      record.audit({ entity: 'employee', entityId: report.id, before: { managerId: employee.id }, after: { managerId: newManagerId } });
    }
    return { employee: terminated, reassignedReports };
  });
}
