import { sql, type Kysely } from 'kysely';
import type { Mutation } from './api';
import type { Company } from './company';
import { contractOperation } from './contract';
import { deliverEvents } from './events';
import { graphql, type GraphQLResponse, type TestStack } from './stack';
import type { TenantDB } from './tenant-db';

/** Runs an operation of a contract file, exactly as written there, with a company's key. */
export function runContract<T = unknown>(
  t: TestStack,
  file: string,
  name: string,
  variables: Record<string, unknown>,
  token: string,
): Promise<GraphQLResponse<T>> {
  return graphql<T>(t.gatewayUrl, contractOperation(file, name), variables, { token });
}

/**
 * Hires through the employees subgraph and relays its events, so the assets
 * projection knows the employee before the test goes on.
 */
export async function hireEmployee(t: TestStack, company: Company, firstName: string, lastName: string): Promise<string> {
  const input = {
    firstName,
    lastName,
    email: `${firstName}.${lastName}@example.test`.toLowerCase(),
    hireDate: '2026-01-05',
    departmentId: null,
    positionId: null,
    managerId: null,
  };
  const res = await runContract<Pick<Mutation, 'hireEmployee'>>(t, 'employees.graphql', 'HireEmployee', { input }, company.secret);
  const hired = res.data?.hireEmployee;
  if (!hired?.employee) throw new Error(`hireEmployee failed: ${JSON.stringify(res.errors ?? hired?.userErrors)}`);
  await deliverEvents(t.database.config, t.database.db, company.slug);
  return hired.employee.id;
}

/** Row counts of everything an assets mutation may write, to prove a refused one wrote nothing. */
export async function assetsFootprint(db: Kysely<TenantDB>): Promise<Record<string, string | null>> {
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
