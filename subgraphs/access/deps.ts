import type { ControlPlane } from '../../platform/control-plane';
import type { Logger } from '../../platform/logger';
import type { TenantMigrationSource } from '../../platform/migrations';
import type { ShardDirectory } from '../../platform/shards';

/** What the access subgraph's services need from the outside world. */
export interface AccessDeps {
  controlPlane: ControlPlane;
  shards: ShardDirectory;
  defaultShard: string;
  tenantDatabasePrefix: string;
  tenantMigrations: TenantMigrationSource;
  logger: Logger;
}

/** Who is acting, as the audit log records it. */
export interface Actor {
  kind: string;
  id: string | null;
  requestId: string | null;
}

export function actorLabel(actor: Actor): string {
  return actor.id ? `${actor.kind.toLowerCase()}:${actor.id}` : actor.kind.toLowerCase();
}
