import type { Logger } from '../../platform/logger';
import { createLogger } from '../../platform/logger';
import type { ModuleName } from '../../platform/modules';
import { createDatabase } from '../../platform/db';
import { ShardDirectory } from '../../platform/shards';
import type { ControlPlane } from '../../platform/control-plane';
import { loadConsumers } from '../../platform/subgraphs';
import { drainTenant, type DrainReport } from '../../worker/relay';
import type { FluxoConfig } from '../../platform/config';

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
  const db = createDatabase<any>(new ShardDirectory(config.shards).databaseUrl(tenant.shard, tenant.database_name), { max: 2 });
  try {
    return await drainTenant(db, tenant.modules as ModuleName[], loadConsumers(), quiet);
  } finally {
    await db.destroy();
  }
}
