import type { Kysely } from 'kysely';
import type { ModuleName } from '../../platform/modules';
import { createLogger } from '../../platform/logger';
import { createDatabase } from '../../platform/db';
import { ShardDirectory } from '../../platform/shards';
import { ServiceRuntime } from '../../platform/runtime';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import { requestSubscription } from '../../subgraphs/access/services/subscription-requests';
import { approveSubscriptionRequest, type ApprovedSubscription } from '../../subgraphs/access/provisioning/approve-subscription';
import type { TestDatabase } from './db';

export interface ProvisionedCompany extends ApprovedSubscription {
  tenantId: string;
  database: string;
  shard: string;
  /** A connection to the tenant database; destroy it when done. */
  openTenantDb: () => Kysely<any>;
}

const operator = { kind: 'ADMIN', id: null, requestId: 'test' };

/** Requests and approves a subscription through the access services (no HTTP), returning the company and its first key. */
export async function provisionCompany(database: TestDatabase, companyName: string, modules: ModuleName[]): Promise<ProvisionedCompany> {
  const runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  try {
    const deps = accessDeps(runtime);
    const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, a) =>
      requestSubscription(trx, { companyName, contactEmail: 'ops@example.com', modules, planCode: null }, a),
    );
    const approved = await approveSubscriptionRequest(deps, request.id, operator);
    const tenant = await database.db.selectFrom('tenant').selectAll().where('company_id', '=', approved.company.id).executeTakeFirstOrThrow();
    const shards = new ShardDirectory(database.config.shards);
    return {
      ...approved,
      tenantId: tenant.id,
      database: tenant.database_name,
      shard: tenant.shard,
      openTenantDb: () => createDatabase<any>(shards.databaseUrl(tenant.shard, tenant.database_name), { max: 3 }),
    };
  } finally {
    await runtime.close();
  }
}
