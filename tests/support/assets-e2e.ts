import { sql, type Kysely } from 'kysely';
import { createDatabase } from '../../platform/db';
import type { ModuleName } from '../../platform/modules';
import { ShardDirectory } from '../../platform/shards';
import { signTenantContext, type TenantRef, CONTEXT_HEADER } from '../../platform/tenant-context';
import { ApproveSubscriptionRequestDocument, IssueAccessKeyDocument, RequestSubscriptionDocument } from '../generated/operations';
import { contractOperation } from './contract';
import { deliverEvents } from './events';
import { graphql, type GraphQLResponse, type TestStack } from './stack';

/** A company onboarded through the gateway: requested, approved by the operator, with its first key. */
export interface OnboardedCompany {
  companyId: string;
  slug: string;
  secret: string;
  keyId: string;
  modules: ModuleName[];
  tenant: TenantRef;
  tenantDb: Kysely<any>;
}

export async function onboardCompany(t: TestStack, companyName: string, modules: ModuleName[]): Promise<OnboardedCompany> {
  const requested = await graphql(t.gatewayUrl, RequestSubscriptionDocument, {
    input: { companyName, contactEmail: 'ops@example.test', modules, planCode: null },
  });
  const requestId = requested.data!.requestSubscription.request!.id;
  const approved = await graphql(t.gatewayUrl, ApproveSubscriptionRequestDocument, { input: { requestId } }, { token: t.adminToken });
  const payload = approved.data!.approveSubscriptionRequest;
  if (payload.userErrors.length > 0) throw new Error(`approval failed: ${JSON.stringify(payload.userErrors)}`);
  const row = await t.database.db.selectFrom('tenant').selectAll().where('company_id', '=', payload.company!.id).executeTakeFirstOrThrow();
  const tenant: TenantRef = {
    id: row.id,
    slug: payload.company!.slug,
    companyId: payload.company!.id,
    database: row.database_name,
    shard: row.shard,
    companyModules: modules,
  };
  const tenantDb = createDatabase<any>(new ShardDirectory(t.database.config.shards).databaseUrl(row.shard, row.database_name), { max: 2 });
  return { companyId: tenant.companyId, slug: tenant.slug, secret: payload.secret!, keyId: payload.accessKey!.id, modules, tenant, tenantDb };
}

/** Another STANDARD key of the company granting only some of its modules. */
export async function issueKey(t: TestStack, company: OnboardedCompany, modules: ModuleName[]): Promise<string> {
  const res = await graphql(
    t.gatewayUrl,
    IssueAccessKeyDocument,
    { input: { companyId: company.companyId, name: `only ${modules.join('+')}`, kind: 'STANDARD', modules } },
    { token: t.adminToken },
  );
  return res.data!.issueAccessKey.secret!;
}

/** Runs an operation of a contract file, exactly as written there, with a company's key. */
export function runContract(t: TestStack, file: string, name: string, variables: unknown, token: string): Promise<GraphQLResponse<any>> {
  return graphql(t.gatewayUrl, contractOperation(file, name), variables as Record<string, unknown>, { token });
}

/**
 * Hires through the employees subgraph and relays its events, so the assets
 * projection knows the employee before the test goes on.
 */
export async function hireEmployee(t: TestStack, company: OnboardedCompany, firstName: string, lastName: string): Promise<string> {
  const input = {
    firstName,
    lastName,
    email: `${firstName}.${lastName}@example.test`.toLowerCase(),
    hireDate: '2026-01-05',
    departmentId: null,
    positionId: null,
    managerId: null,
  };
  const res = await runContract(t, 'employees.graphql', 'HireEmployee', { input }, company.secret);
  const hired = res.data?.hireEmployee;
  if (!hired?.employee) throw new Error(`hireEmployee failed: ${JSON.stringify(res.errors ?? hired?.userErrors)}`);
  await deliverEvents(t.database.config, t.database.db, company.slug);
  return hired.employee.id as string;
}

/** Posts straight to a subgraph with a context the gateway would have signed for this company's key. */
export async function callSubgraphAs(
  t: TestStack,
  subgraph: string,
  company: OnboardedCompany,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse<any>> {
  const context = await signTenantContext(
    { requestId: `test-${Date.now()}`, kind: 'STANDARD', keyId: company.keyId, tenant: company.tenant, modules: company.modules },
    t.keys.privateKey,
  );
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
