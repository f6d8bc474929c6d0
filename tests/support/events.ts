import type { Logger } from '../../platform/logger';
import { createLogger } from '../../platform/logger';
import type { ModuleName } from '../../platform/modules';
import { createDatabase } from '../../platform/db';
import { ShardDirectory } from '../../platform/shards';
import { consumerRoles, serviceConfig } from '../../platform/db-roles';
import type { ControlPlane } from '../../platform/control-plane';
import type { EventConsumer } from '../../platform/outbox';
import { loadConsumers } from '../../platform/subgraphs';
import { DEFAULT_RELAY_OPTIONS, drainTenant, type DrainReport, type RelayOptions } from '../../worker/relay';
import type { FluxoConfig } from '../../platform/config';
import type { Company } from './company';

const quiet: Logger = createLogger('test-relay', 'silent');

/**
 * Runs the outbox relay once over a company's tenant database, as the worker
 * would, so tests see cross-module effects deterministically (no waiting).
 */
export async function deliverEvents(config: FluxoConfig, controlPlane: ControlPlane, companySlug: string): Promise<DrainReport> {
  const tenant = await controlPlane
    .selectFrom('tenant')
    .innerJoin('company', 'company.id', 'tenant.company_id')
    .select(['tenant.database_name', 'tenant.shard', 'company.modules'])
    .where('company.slug', '=', companySlug)
    .executeTakeFirstOrThrow();
  // As the worker does: its own login, each consumer acting as its module's role.
  const worker = serviceConfig(config, 'worker');
  const db = createDatabase<unknown>(new ShardDirectory(worker.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
  try {
    return await drainTenant(db, tenant.modules as ModuleName[], loadConsumers(), quiet, { ...DEFAULT_RELAY_OPTIONS, consumerRole: consumerRoles(config) });
  } finally {
    await db.destroy();
  }
}

/**
 * One relay run over the company's tenant database with chosen options and
 * consumers (default: every module's), for fault-injection tests.
 */
export function relayOnce(company: Company, options: Partial<RelayOptions> = {}, consumers: readonly EventConsumer[] = loadConsumers()): Promise<DrainReport> {
  return drainTenant(company.tenantDb, company.modules, consumers, quiet, { ...DEFAULT_RELAY_OPTIONS, ...options });
}
