import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DeliveredEvent, EventConsumer } from '../../platform/outbox';
import { applyEmployeeFact, applyEmployeeName } from './store/employee-projection';
import type { AssetsDB } from './store/db';

/*
 * The employees module's events, as assets reads them. Only the fields assets
 * needs are checked strictly; a payload missing one of them, or carrying the
 * wrong type, is a bad event and fails its delivery (retried, then DEAD),
 * rather than silently corrupting the projection.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const employeeStatus = z.enum(['ACTIVE', 'ON_LEAVE', 'TERMINATED']);

const EmployeeHired = z.object({
  employeeId: z.string().min(1),
  employeeNumber: z.string(),
  fullName: z.string(),
  email: z.string(),
  hireDate: isoDate,
  departmentId: z.string().nullable(),
  status: z.literal('ACTIVE'),
});
const EmployeeStatusChanged = z.object({ employeeId: z.string().min(1), status: employeeStatus, effectiveDate: isoDate });
const EmployeeTerminated = z.object({ employeeId: z.string().min(1), terminationDate: isoDate });
const EmployeeDetailsChanged = z.object({ employeeId: z.string().min(1), fullName: z.string().min(1), email: z.string() });

type Handler = (trx: Transaction<AssetsDB>, event: DeliveredEvent) => Promise<void>;

const handlers: Record<string, Handler> = {
  EmployeeHired: async (trx, event) => {
    const p = EmployeeHired.parse(event.payload);
    await applyEmployeeFact(trx, { employeeId: p.employeeId, status: p.status, fullName: p.fullName, occurredAt: event.occurredAt });
  },
  EmployeeStatusChanged: async (trx, event) => {
    const p = EmployeeStatusChanged.parse(event.payload);
    await applyEmployeeFact(trx, { employeeId: p.employeeId, status: p.status, fullName: null, occurredAt: event.occurredAt });
  },
  // The assets stay assigned: custody ends only when someone returns them.
  // The holder then shows as inactive (Asset.holderActive = false).
  EmployeeTerminated: async (trx, event) => {
    const p = EmployeeTerminated.parse(event.payload);
    await applyEmployeeFact(trx, { employeeId: p.employeeId, status: 'TERMINATED', fullName: null, occurredAt: event.occurredAt });
  },
  EmployeeDetailsChanged: async (trx, event) => {
    const p = EmployeeDetailsChanged.parse(event.payload);
    await applyEmployeeName(trx, p.employeeId, p.fullName);
  },
};

/** Keeps assets.employee_projection in step with the employees module. */
export const employeeProjectionConsumer: EventConsumer = {
  module: 'ASSETS',
  eventTypes: Object.keys(handlers),
  handle: async (trx, event) => {
    // Facts about employees are believed only from the module that owns them.
    if (event.source !== 'EMPLOYEES') throw new Error(`assets accepts ${event.type} only from EMPLOYEES, not ${event.source}`);
    const handler = handlers[event.type];
    if (!handler) throw new Error(`assets has no handler for ${event.type}`);
    await handler(trx as Transaction<AssetsDB>, event);
  },
};

export const consumers: EventConsumer[] = [employeeProjectionConsumer];
