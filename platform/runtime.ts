import { subgraphUrl, type FluxoConfig } from './config';
import type { ControlPlane, ControlPlaneDB } from './control-plane';
import { createDatabase } from './db';
import type { Logger } from './logger';
import { tenantMigrationsFromDisk, type TenantMigrationSource } from './migrations';
import { ShardDirectory } from './shards';
import { subgraphPort, type SubgraphManifest } from './subgraphs';
import { TenantPoolManager } from './tenant-pools';

/**
 * What a subgraph is built from: configuration, logger, and lazily opened
 * database handles, so a module subgraph never opens the control plane and the
 * access subgraph opens tenant pools only when the operator reads tenants' data.
 */
export class ServiceRuntime {
  readonly shards: ShardDirectory;
  private controlPlaneDb?: ControlPlane;
  private pools?: TenantPoolManager;

  constructor(
    readonly config: FluxoConfig,
    readonly logger: Logger,
    readonly tenantMigrations: TenantMigrationSource = tenantMigrationsFromDisk,
    private readonly onQuery?: (sql: string, database: string) => void,
    /** Where subgraphs of this process listen, by name, once started: ports picked at start (0) are known only then. */
    private readonly startedSubgraphs: ReadonlyMap<string, string> = new Map(),
  ) {
    this.shards = new ShardDirectory(config.shards);
  }

  controlPlane(): ControlPlane {
    this.controlPlaneDb ??= createDatabase<ControlPlaneDB>(this.config.databaseUrl, {
      max: this.config.pools.controlPlane,
      applicationName: 'fluxo-control-plane',
      onQuery: this.onQuery ? (sql) => this.onQuery!(sql, 'control-plane') : undefined,
    });
    return this.controlPlaneDb;
  }

  tenantPools(): TenantPoolManager {
    this.pools ??= new TenantPoolManager(this.shards, {
      perTenant: this.config.pools.perTenant,
      globalCap: this.config.pools.tenantConnectionsMax,
      idleMillis: this.config.pools.tenantIdleMillis,
      applicationName: 'fluxo-subgraph',
      onQuery: this.onQuery,
    });
    return this.pools;
  }

  /** A subgraph's /graphql URL: as started in this process, else FLUXO_<NAME>_URL, else its port on this machine. */
  subgraphUrl(manifest: SubgraphManifest): string {
    return (
      this.startedSubgraphs.get(manifest.name) ?? subgraphUrl(this.config, manifest.name) ?? `http://127.0.0.1:${subgraphPort(manifest, this.config)}/graphql`
    );
  }

  async close(): Promise<void> {
    await this.pools?.shutdown();
    await this.controlPlaneDb?.destroy();
  }
}
