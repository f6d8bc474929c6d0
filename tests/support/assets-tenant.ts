import type { Kysely } from 'kysely';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { tenantMigrationsFromDisk } from '../../platform/migrations';
import type { ModuleName } from '../../platform/modules';
import { ShardDirectory } from '../../platform/shards';
import type { EventConsumer } from '../../platform/outbox';
import type { AccessDeps } from '../../subgraphs/access/deps';
import type { ActorIdentity } from '../../subgraphs/kit/actor';
import { approveSubscriptionRequest } from '../../subgraphs/access/provisioning/approve-subscription';
import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import { requestSubscription } from '../../subgraphs/access/services/subscription-requests';
import { loadConsumers } from '../../platform/subgraphs';
import { DEFAULT_RELAY_OPTIONS, drainTenant, type DrainReport, type RelayOptions } from '../../worker/relay';
import type { TestDatabase } from './db';

const quiet = createLogger('test-assets', 'silent');
const operator: ActorIdentity = { kind: 'ADMIN', id: null, requestId: null };

function accessDeps(database: TestDatabase): AccessDeps {
  return {
    controlPlane: database.db,
    shards: new ShardDirectory(database.config.shards),
    defaultShard: database.config.defaultShard,
    tenantDatabasePrefix: database.config.tenantDatabasePrefix,
    tenantMigrations: tenantMigrationsFromDisk,
    logger: quiet,
  };
}

export interface ProvisionedCompany {
  companyId: string;
  slug: string;
  modules: ModuleName[];
  /** The company's tenant database, as the subgraphs and the worker reach it. */
  tenantDb: Kysely<any>;
  close: () => Promise<void>;
}

/** A company approved by the operator, with its tenant database migrated: what the access subgraph does, without HTTP. */
export async function provisionCompany(database: TestDatabase, companyName: string, modules: ModuleName[]): Promise<ProvisionedCompany> {
  const deps = accessDeps(database);
  const { request } = await inControlPlaneTransaction(deps.controlPlane, operator, 'requestSubscription', (trx, a) =>
    requestSubscription(trx, { companyName, contactEmail: 'ops@example.test', modules, planCode: null }, a),
  );
  const { company } = await approveSubscriptionRequest(deps, request.id, operator);
  const tenant = await database.db.selectFrom('tenant').selectAll().where('company_id', '=', company.id).executeTakeFirstOrThrow();
  const tenantDb = createDatabase<any>(deps.shards.databaseUrl(tenant.shard, tenant.database_name), { max: 3 });
  return { companyId: company.id, slug: company.slug, modules: company.modules, tenantDb, close: () => tenantDb.destroy() };
}

/**
 * One relay run over the company's tenant database with chosen options and
 * consumers (default: every module's), for fault-injection tests.
 */
export function relayOnce(
  company: ProvisionedCompany,
  options: Partial<RelayOptions> = {},
  consumers: readonly EventConsumer[] = loadConsumers(),
): Promise<DrainReport> {
  return drainTenant(company.tenantDb, company.modules, consumers, quiet, { ...DEFAULT_RELAY_OPTIONS, ...options });
}
