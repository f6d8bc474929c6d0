import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ModuleName } from '../../platform/modules';
import { CONTEXT_HEADER, signTenantContext } from '../../platform/tenant-context';
import type { Company } from './company';
import { contractOperation } from './contract';
import { graphql, type GraphQLResponse, type TestStack } from './stack';

/** An operation of operations/contract/employees.graphql, exactly as the contract writes it. */
export const employeesOperation = (name: string): string => contractOperation('employees.graphql', name);

/** POSTs to the gateway with the company's key; the request id lets a test find the audit rows it caused. */
export function asCompany<T = any>(t: TestStack, company: { secret: string }, query: string, variables?: Record<string, unknown>, requestId = `test-${randomUUID()}`): Promise<GraphQLResponse<T>> {
  return graphql<T>(t.gatewayUrl, query, variables, { token: company.secret, headers: { 'x-request-id': requestId } });
}

/** POSTs straight to the employees subgraph with a genuinely signed tenant context, bypassing the gateway. */
export async function asSubgraphCaller<T = any>(t: TestStack, company: Company, modules: ModuleName[], query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const context = await signTenantContext({ requestId: `direct-${randomUUID()}`, kind: 'STANDARD', keyId: company.keyId, tenant: company.tenant, modules }, t.keys.privateKey);
  return graphql<T>(t.subgraphUrl('employees'), query, variables, { headers: { [CONTEXT_HEADER]: context } });
}

/**
 * A fingerprint (row count and a digest of every row) of each table a failed
 * mutation must leave alone: the module's own tables, its outbox and the audit
 * trail. Equal fingerprints mean nothing was inserted, updated or deleted.
 */
export async function employeesFootprint(db: Kysely<any>): Promise<Record<string, string>> {
  const tables = [
    'employees.department', 'employees.position', 'employees.role', 'employees.employee', 'employees.employee_role',
    'employees.position_assignment', 'employees.contract', 'employees.employee_number_counter', 'employees.outbox', 'audit.audit_log',
  ];
  const footprint: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: string; digest: string }>`
      SELECT count(*) AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${sql.table(table)} t`.execute(db);
    footprint[table] = `${rows[0]!.n}:${rows[0]!.digest}`;
  }
  return footprint;
}

/** Runs a mutation as the company, asserts it succeeded and left audit rows of this key, request and operation; returns the payload. */
export async function mutateOk(t: TestStack, company: Company, query: string, field: string, variables: Record<string, unknown>): Promise<any> {
  const requestId = `emp-${field}-${randomUUID()}`;
  const res = await asCompany(t, company, query, variables, requestId);
  expect(res.errors).toBeUndefined();
  expect(res.data[field].userErrors).toEqual([]);
  const audit = await company.tenantDb.selectFrom('audit.audit_log').select(['module', 'key_id', 'operation']).where('request_id', '=', requestId).execute();
  expect(audit.length).toBeGreaterThan(0);
  expect(audit).toEqual(audit.map(() => ({ module: 'EMPLOYEES', key_id: company.keyId, operation: field })));
  return res.data[field];
}

/** Runs a mutation that must fail with exactly these [field, code] userErrors, and proves it wrote nothing at all. */
export async function expectRefused(
  t: TestStack,
  company: Company,
  query: string,
  field: string,
  variables: Record<string, unknown>,
  errors: Array<[string[] | null, string]>,
): Promise<void> {
  const before = await employeesFootprint(company.tenantDb);
  const res = await asCompany(t, company, query, variables);
  expect(res.errors).toBeUndefined();
  expect(res.data[field].userErrors.map((e: { field: string[] | null; code: string }) => [e.field, e.code])).toEqual(errors);
  expect(res.data[field]).toEqual(expect.objectContaining(Object.fromEntries(Object.keys(res.data[field]).filter((k) => k !== 'userErrors').map((k) => [k, null]))));
  expect(await employeesFootprint(company.tenantDb)).toEqual(before);
}

let hires = 0;
/** Hires someone through the contract's HireEmployee operation; names and e-mails are unique per test run. */
export async function hireSomeone(t: TestStack, company: Company, input: Record<string, unknown> = {}): Promise<any> {
  hires += 1;
  const variables = { input: { firstName: 'Test', lastName: `Person${hires}`, email: `person${hires}@staff.example`, hireDate: '2026-01-05', ...input } };
  return (await mutateOk(t, company, employeesOperation('HireEmployee'), 'hireEmployee', variables)).employee;
}

/** An employee's outbox rows in order, with the id of the transaction that wrote each. */
export function outboxOf(company: Company, aggregateId: string) {
  return company.tenantDb
    .selectFrom('employees.outbox')
    .select(['event_type', 'aggregate_type', 'payload', 'request_id', sql<string>`xmin::text`.as('txid')])
    .where('aggregate_id', '=', aggregateId)
    .orderBy('seq')
    .execute();
}
