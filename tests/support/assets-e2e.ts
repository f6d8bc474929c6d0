import { sql, type Kysely } from 'kysely';
import { signTenantContext, CONTEXT_HEADER } from '../../platform/tenant-context';
import type { Company } from './company';
import { contractOperation } from './contract';
import { deliverEvents } from './events';
import { graphql, type GraphQLResponse, type TestStack } from './stack';

/** Runs an operation of a contract file, exactly as written there, with a company's key. */
export function runContract(t: TestStack, file: string, name: string, variables: unknown, token: string): Promise<GraphQLResponse<any>> {
  return graphql(t.gatewayUrl, contractOperation(file, name), variables as Record<string, unknown>, { token });
}

/**
 * Hires through the employees subgraph and relays its events, so the assets
 * projection knows the employee before the test goes on.
 */
export async function hireEmployee(t: TestStack, company: Company, firstName: string, lastName: string): Promise<string> {
  const input = { firstName, lastName, email: `${firstName}.${lastName}@example.test`.toLowerCase(), hireDate: '2026-01-05', departmentId: null, positionId: null, managerId: null };
  const res = await runContract(t, 'employees.graphql', 'HireEmployee', { input }, company.secret);
  const hired = res.data?.hireEmployee;
  if (!hired?.employee) throw new Error(`hireEmployee failed: ${JSON.stringify(res.errors ?? hired?.userErrors)}`);
  await deliverEvents(t.database.config, t.database.db, company.slug);
  return hired.employee.id as string;
}

/** Posts straight to a subgraph with a context the gateway would have signed for this company's key. */
export async function callSubgraphAs(t: TestStack, subgraph: string, company: Company, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<any>> {
  const context = await signTenantContext({ requestId: `test-${Date.now()}`, kind: 'STANDARD', keyId: company.keyId, tenant: company.tenant, modules: company.modules }, t.keys.privateKey);
  return graphql(t.subgraphUrl(subgraph), query, variables, { headers: { [CONTEXT_HEADER]: context } });
}

/** Row counts of everything an assets mutation may write, to prove a refused one wrote nothing. */
export async function assetsFootprint(db: Kysely<any>): Promise<Record<string, string | null>> {
  const { rows } = await sql<Record<string, string | null>>`
    SELECT (SELECT count(*) FROM assets.asset) AS assets,
           (SELECT count(*) FROM assets.category) AS categories,
           (SELECT count(*) FROM assets.location) AS locations,
           (SELECT count(*) FROM assets.assignment) AS assignments,
           (SELECT count(*) FILTER (WHERE returned_on IS NULL) FROM assets.assignment) AS open_assignments,
           (SELECT count(*) FROM assets.maintenance) AS maintenance,
           (SELECT count(*) FILTER (WHERE status = 'COMPLETED') FROM assets.maintenance) AS completed_maintenance,
           (SELECT count(*) FROM assets.outbox) AS events,
           (SELECT count(*) FROM audit.audit_log WHERE module = 'ASSETS') AS audit_rows,
           (SELECT string_agg(status, ',' ORDER BY id) FROM assets.asset) AS statuses`.execute(db);
  return rows[0]!;
}
