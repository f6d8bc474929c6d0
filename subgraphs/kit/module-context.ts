import type { Kysely } from 'kysely';
import type { ModuleName } from '../../platform/modules';
import type { TenantRef } from '../../platform/tenant-context';
import { requireModule, type BaseContext } from './context';
import { seesOverview } from './permissions';
import type { ServiceRuntime } from '../../platform/runtime';

/**
 * Context of a module subgraph. The tenant database is reached only through
 * `db()`, which first checks that the caller's key grants the module, so no
 * resolver can query a tenant without that check.
 */
export interface ModuleContext<DB, Loaders> extends BaseContext {
  module: ModuleName;
  /** The caller's tenant; throws MODULE_NOT_SUBSCRIBED / UNAUTHENTICATED when not allowed. */
  tenant: () => TenantRef;
  /** The tenant database, after the module check. */
  db: () => Kysely<DB>;
  /** Whether the caller sees this module's overview block: the module, and its overview permission company-wide (else the block is null). */
  granted: boolean;
  loaders: Loaders;
}

export function moduleContextFactory<DB, Loaders>(
  runtime: ServiceRuntime,
  module: ModuleName,
  createLoaders: (db: () => Kysely<DB>) => Loaders,
): (base: BaseContext) => ModuleContext<DB, Loaders> {
  return (base) => {
    let database: Kysely<DB> | undefined;
    const tenant = () => requireModule(base, module);
    // The check runs on every call, not only the first: a field that admits the operator acting for a
    // company must not open the database for the other fields of the same request.
    const db = () => {
      const t = tenant();
      return (database ??= runtime.tenantPools().get<DB>(t.shard, t.database));
    };
    return { ...base, module, tenant, db, granted: seesOverview(base, module), loaders: createLoaders(db) };
  };
}
