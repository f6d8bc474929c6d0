import type { EventConsumer } from '../../platform/outbox';
import { consumerOf, on } from '../contracts/event';
import { EmployeeDetailsChanged, EmployeeHired, EmployeeStatusChanged, EmployeeTerminated } from '../contracts/employees';
import type { AssetsDB } from './store/db';
import { applyEmployeeFact, applyEmployeeName } from './store/employee-projection';

/** Keeps assets.employee_projection in step with the employees module, the only module believed about employees. */
export const employeeProjectionConsumer: EventConsumer = consumerOf<AssetsDB>('ASSETS', [
  on(EmployeeHired, (trx, p, event) =>
    applyEmployeeFact(trx, { employeeId: p.employeeId, status: p.status, fullName: p.fullName, occurredAt: event.occurredAt }),
  ),
  on(EmployeeStatusChanged, (trx, p, event) =>
    applyEmployeeFact(trx, { employeeId: p.employeeId, status: p.status, fullName: null, occurredAt: event.occurredAt }),
  ),
  // The assets stay assigned: custody ends only when someone returns them.
  // The holder then shows as inactive (Asset.holderActive = false).
  on(EmployeeTerminated, (trx, p, event) =>
    applyEmployeeFact(trx, { employeeId: p.employeeId, status: 'TERMINATED', fullName: null, occurredAt: event.occurredAt }),
  ),
  on(EmployeeDetailsChanged, (trx, p) => applyEmployeeName(trx, p.employeeId, p.fullName)),
]);

export const consumers: EventConsumer[] = [employeeProjectionConsumer];
