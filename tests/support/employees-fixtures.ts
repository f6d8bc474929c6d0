import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Payloads, Succeeded } from './api';
import type { GatewayCompany } from './company';
import { contractOperation } from './contract';
import { footprint, type TenantDB } from './tenant-db';

/** An operation of operations/contract/employees.graphql, exactly as the contract writes it. */
export const employeesOperation = (name: string): string => contractOperation('employees.graphql', name);

/** Every table a failed mutation must leave alone: the module's own tables, its outbox and the audit trail. */
const EMPLOYEES_TABLES = [
  'employees.department',
  'employees.position',
  'employees.role',
  'employees.employee',
  'employees.employee_role',
  'employees.position_assignment',
  'employees.contract',
  'employees.employee_number_counter',
  'employees.employee_personal_data',
  'employees.data_key',
  'employees.outbox',
  'audit.audit_log',
];

export const employeesFootprint = (db: Kysely<TenantDB>) => footprint(db, EMPLOYEES_TABLES);

/** Runs a mutation as the company, asserts it succeeded and left audit rows of this key, request and operation; returns the payload. */
export async function mutateOk<F extends keyof Payloads>(
  company: GatewayCompany,
  query: string,
  field: F,
  variables: Record<string, unknown>,
): Promise<Succeeded<Payloads[F]>> {
  const requestId = `emp-${field}-${randomUUID()}`;
  // Typed as it must come back: with empty userErrors, a payload carries its results.
  const res = await company.gql<Record<F, Succeeded<Payloads[F]>>>(query, variables, { requestId });
  expect(res.errors).toBeUndefined();
  const payload = res.data![field];
  expect(payload.userErrors).toEqual([]);
  const audit = await company.tenantDb.selectFrom('audit.audit_log').select(['module', 'key_id', 'operation']).where('request_id', '=', requestId).execute();
  expect(audit.length).toBeGreaterThan(0);
  expect(audit).toEqual(audit.map(() => ({ module: 'EMPLOYEES', key_id: company.keyId, operation: field })));
  return payload;
}

/** Runs a mutation that must fail with exactly these [field, code] userErrors, and proves it wrote nothing at all. */
export async function expectRefused<F extends keyof Payloads>(
  company: GatewayCompany,
  query: string,
  field: F,
  variables: Record<string, unknown>,
  errors: Array<[string[] | null, string]>,
): Promise<void> {
  const before = await employeesFootprint(company.tenantDb);
  const res = await company.gql<Pick<Payloads, F>>(query, variables);
  expect(res.errors).toBeUndefined();
  const payload = res.data![field];
  expect(payload.userErrors.map((e) => [e.field, e.code])).toEqual(errors);
  expect(payload).toEqual(
    expect.objectContaining(
      Object.fromEntries(
        Object.keys(payload)
          .filter((k) => k !== 'userErrors')
          .map((k) => [k, null]),
      ),
    ),
  );
  expect(await employeesFootprint(company.tenantDb)).toEqual(before);
}

let hires = 0;
/** Hires someone through the contract's HireEmployee operation; names and e-mails are unique per test run. */
export async function hireSomeone(company: GatewayCompany, input: Record<string, unknown> = {}) {
  hires += 1;
  const variables = { input: { firstName: 'Test', lastName: `Person${hires}`, email: `person${hires}@staff.example`, hireDate: '2026-01-05', ...input } };
  return (await mutateOk(company, employeesOperation('HireEmployee'), 'hireEmployee', variables)).employee;
}

/** An employee's outbox rows in order, with the id of the transaction that wrote each. */
export function outboxOf(company: GatewayCompany, aggregateId: string) {
  return company.tenantDb
    .selectFrom('employees.outbox')
    .select(['event_type', 'aggregate_type', 'payload', 'request_id', sql<string>`xmin::text`.as('txid')])
    .where('aggregate_id', '=', aggregateId)
    .orderBy('seq')
    .execute();
}
