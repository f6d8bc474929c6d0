import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, quoteIdent, withDatabase } from '../../platform/db';
import type { ModuleName } from '../../platform/modules';
import { ShardDirectory } from '../../platform/shards';
import type { Company } from './company';
import type { TestDatabase } from './db';

/** A tenant registered in the control plane whose database is a copy of another's. */
export interface ClonedTenant {
  companyId: string;
  tenantId: string;
  slug: string;
  database: string;
  shard: string;
  modules: ModuleName[];
  url: string;
}

/**
 * `count` more active tenants made by copying a provisioned company's tenant
 * database (CREATE DATABASE … TEMPLATE) and registering each copy as its own
 * company and tenant. Copying costs about a tenth of provisioning (which
 * migrates every module's schema), so tests that need dozens of tenants can
 * afford them. Whatever the source's database holds (rows, pending outbox
 * events) each copy holds too. The source must have no open sessions: destroy
 * its pools first. Per-database settings (ALTER DATABASE … SET) are not copied;
 * none of them changes what a test sees.
 */
export async function cloneTenants(database: TestDatabase, source: Company, count: number): Promise<ClonedTenant[]> {
  const shards = new ShardDirectory(database.config.shards);
  const admin = createDatabase<unknown>(withDatabase(shards.serverUrl(source.tenant.shard), 'postgres'), { max: 1 });
  const sourceTenant = await database.db.selectFrom('tenant').selectAll().where('id', '=', source.tenant.id).executeTakeFirstOrThrow();
  const clones: ClonedTenant[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
      const slug = `${source.slug}-copy-${suffix}`.slice(0, 63);
      const name = `${database.name}_t_copy_${suffix}`;
      await sql.raw(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source.tenant.database)} STRATEGY FILE_COPY`).execute(admin);
      const { companyId, tenantId } = await database.db.transaction().execute(async (trx) => {
        const company = await trx
          .insertInto('company')
          .values({ name: `${source.slug} copy ${suffix}`, slug, contact_email: `ops@${slug}.example`, modules: source.modules })
          .returning('id')
          .executeTakeFirstOrThrow();
        const tenant = await trx
          .insertInto('tenant')
          .values({
            company_id: company.id,
            database_name: name,
            shard: sourceTenant.shard,
            status: 'ACTIVE',
            schema_versions: JSON.stringify(sourceTenant.schema_versions),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { companyId: company.id, tenantId: tenant.id };
      });
      clones.push({
        companyId,
        tenantId,
        slug,
        database: name,
        shard: sourceTenant.shard,
        modules: source.modules,
        url: shards.databaseUrl(sourceTenant.shard, name),
      });
    }
  } finally {
    await admin.destroy();
  }
  return clones;
}
