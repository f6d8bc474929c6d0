import { createHash } from 'node:crypto';
import pg from 'pg';
import { listenOn } from '../platform/notifications';
import { parseSetting, type Partition } from '../platform/config';
import type { ControlPlane } from '../platform/control-plane';
import type { Logger } from '../platform/logger';
import type { ModuleName } from '../platform/modules';
import type { ShardDirectory } from '../platform/shards';
import { OUTBOX_CHANNEL, type EventConsumer } from '../platform/outbox';
import type { TenantPoolManager } from '../platform/tenant-pools';
import { RepeatedFailureLog } from './failure-log';
import type { WorkerCompanion } from './public-events';
import { DEFAULT_RELAY_OPTIONS, drainTenantExclusively, type RelayOptions } from './relay';

/** A tenant database the worker relays. */
export interface TenantTarget {
  id: string;
  companyId: string;
  slug: string;
  database: string;
  shard: string;
  modules: ModuleName[];
}

export interface OutboxWorkerOptions {
  /** Fallback polling period when no notification arrives (and for tenants without a listener). */
  pollMillis: number;
  /** How often the list of active tenants is read again from the control plane. */
  tenantRefreshMillis: number;
  /** Tenant databases with a LISTEN connection; the rest are served by polling only. */
  maxListeners: number;
  /** This worker's share of the tenants: those whose partition (partitionOf) is `index` of `count`. */
  partition: Partition;
  /** Tenant databases drained at once; never more than the pools the pool manager keeps open. */
  concurrency: number;
  /** A drain failure that persists is logged again, with its count, this often. */
  failureRepeatMillis: number;
  /** The worker shuts the pool manager down when it stops (it was made for the worker alone). */
  ownsPools: boolean;
  relay: RelayOptions;
  /** The relay's observer of one company's events (public events); none when absent. */
  observerOf?: (companyId: string, logger: Logger) => RelayOptions['observe'];
  /** Told which modules of one company the relayed events changed (the gateways' response caches); none when absent. */
  changedOf?: (companyId: string, logger: Logger) => RelayOptions['changed'];
  /** Loops that run beside the relay (public event retention, webhook deliveries), started and stopped with it. */
  companions?: readonly WorkerCompanion[];
}

export const DEFAULT_WORKER_OPTIONS: OutboxWorkerOptions = {
  pollMillis: 1000,
  tenantRefreshMillis: 10_000,
  maxListeners: 100,
  partition: { index: 0, count: 1 },
  concurrency: 4,
  failureRepeatMillis: 300_000,
  ownsPools: false,
  relay: DEFAULT_RELAY_OPTIONS,
};

/**
 * The partition of a tenant among `count` workers: a hash of its id, stable
 * across restarts and the same in every process. Workers 0..count-1 together
 * serve every tenant once, each with its own listeners.
 */
export function partitionOf(tenantId: string, count: number): number {
  return createHash('sha256').update(tenantId).digest().readUInt32BE(0) % count;
}

/** FLUXO_WORKER_PARTITION, "index/count" (e.g. "0/4"); a whole share when unset. */
export function parsePartition(value: string | undefined): Partition {
  return parseSetting('FLUXO_WORKER_PARTITION', value);
}

/**
 * The outbox relay of every tenant database. A NOTIFY from a producer's commit
 * wakes the tenant's drain at once; polling is the fallback. Drains of one
 * tenant never overlap, which keeps per-aggregate order. At most `concurrency`
 * tenants drain at once, each under a lease on its pool, so the pool manager
 * never has to close a pool a drain is using: the rest wait in a queue.
 */
export class OutboxWorker {
  private tenants = new Map<string, TenantTarget>();
  private readonly listeners = new Map<string, pg.Client>();
  private readonly running = new Map<string, Promise<void>>();
  /** Tenants waiting for a drain slot, first in first out (a Set keeps insertion order). */
  private readonly queued = new Set<string>();
  private readonly again = new Set<string>();
  private readonly drainFailures: RepeatedFailureLog;
  private readonly listenFailures: RepeatedFailureLog;
  private readonly refreshFailures: RepeatedFailureLog;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private rotating = false;

  constructor(
    private readonly controlPlane: ControlPlane,
    private readonly shards: ShardDirectory,
    private readonly pools: TenantPoolManager,
    private readonly consumers: readonly EventConsumer[],
    private readonly logger: Logger,
    private readonly options: OutboxWorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {
    const repeat = options.failureRepeatMillis;
    this.drainFailures = new RepeatedFailureLog(
      logger,
      { failed: 'outbox drain failed', still: 'outbox drain still failing', recovered: 'outbox drain recovered' },
      repeat,
    );
    this.listenFailures = new RepeatedFailureLog(
      logger,
      {
        failed: 'could not listen for outbox events; polling covers it',
        still: 'still cannot listen for outbox events; polling covers it',
        recovered: 'listening for outbox events again',
      },
      repeat,
    );
    this.refreshFailures = new RepeatedFailureLog(
      logger,
      { failed: 'tenant refresh failed', still: 'tenant refresh still failing', recovered: 'tenant refresh recovered' },
      repeat,
    );
  }

  /** The tenant databases this worker relays, as of its last refresh. */
  servedTenants(): TenantTarget[] {
    return [...this.tenants.values()];
  }

  /** Drains at once: the setting, but never more than the pools kept open, or drains would evict each other's pools. */
  get concurrency(): number {
    return Math.max(1, Math.min(this.options.concurrency, this.pools.maxPools));
  }

  async start(): Promise<void> {
    await this.refreshTenants();
    this.timers.push(setInterval(() => void this.refreshTenants().catch(() => undefined), this.options.tenantRefreshMillis));
    this.timers.push(setInterval(() => this.pollAll(), this.options.pollMillis));
    for (const t of this.timers) t.unref();
    for (const c of this.options.companions ?? []) c.start();
    this.pollAll();
  }

  private async refreshTenants(): Promise<void> {
    let rows;
    try {
      rows = await this.controlPlane
        .selectFrom('tenant')
        .innerJoin('company', 'company.id', 'tenant.company_id')
        .select(['tenant.id', 'tenant.company_id', 'company.slug', 'tenant.database_name', 'tenant.shard', 'company.modules'])
        .where('tenant.status', '=', 'ACTIVE')
        .execute();
      this.refreshFailures.succeeded('control-plane');
    } catch (error) {
      this.refreshFailures.failed('control-plane', error);
      throw error;
    }
    const { index, count } = this.options.partition;
    const mine = rows.filter((r) => partitionOf(r.id, count) === index);
    this.tenants = new Map(
      mine.map((r) => [r.id, { id: r.id, companyId: r.company_id, slug: r.slug, database: r.database_name, shard: r.shard, modules: r.modules }]),
    );
    this.noteRotation();
    for (const tenant of this.tenants.values()) {
      if (!this.listeners.has(tenant.id) && this.listeners.size < this.options.maxListeners) await this.listen(tenant);
    }
    for (const [id, client] of this.listeners) {
      if (!this.tenants.has(id)) {
        this.listeners.delete(id);
        void client.end().catch(() => undefined);
      }
    }
    for (const log of [this.drainFailures, this.listenFailures]) {
      for (const id of log.subjects()) if (!this.tenants.has(id)) log.forget(id);
    }
  }

  /** Says once, not per tick, when the tenants served outnumber the pools kept open (and when that ends). */
  private noteRotation(): void {
    const rotating = this.tenants.size > this.pools.maxPools;
    if (rotating === this.rotating) return;
    this.rotating = rotating;
    const fields = { tenants: this.tenants.size, pools: this.pools.maxPools, concurrency: this.concurrency };
    if (rotating) this.logger.info(fields, 'more tenants than tenant pools: pools are reopened in turn (raise FLUXO_TENANT_CONNECTIONS_MAX to keep all open)');
    else this.logger.info(fields, 'every tenant has its pool again');
  }

  private async listen(tenant: TenantTarget): Promise<void> {
    const client = new pg.Client({ connectionString: this.shards.databaseUrl(tenant.shard, tenant.database), application_name: 'fluxo-worker-listener' });
    client.on('notification', () => this.schedule(tenant.id));
    client.on('error', (error) => {
      this.logger.warn({ err: error, tenant: tenant.slug }, 'outbox listener lost its connection; polling covers it');
      this.listeners.delete(tenant.id);
      void client.end().catch(() => undefined);
    });
    try {
      await listenOn(client, OUTBOX_CHANNEL);
      this.listeners.set(tenant.id, client);
      this.listenFailures.succeeded(tenant.id, { tenant: tenant.slug });
    } catch (error) {
      this.listenFailures.failed(tenant.id, error, { tenant: tenant.slug });
    }
  }

  private pollAll(): void {
    for (const id of this.tenants.keys()) this.schedule(id);
  }

  /** Queues a drain of the tenant, or asks the running one to go round once more. */
  schedule(tenantId: string): void {
    if (this.stopped) return;
    if (this.running.has(tenantId)) {
      this.again.add(tenantId);
      return;
    }
    if (!this.tenants.has(tenantId)) return;
    this.queued.add(tenantId);
    this.startQueued();
  }

  /** Starts queued drains while there are free slots. */
  private startQueued(): void {
    for (const tenantId of this.queued) {
      if (this.running.size >= this.concurrency) return;
      this.queued.delete(tenantId);
      const tenant = this.tenants.get(tenantId);
      if (!tenant || this.running.has(tenantId)) continue;
      const run = this.drain(tenant).finally(() => {
        this.running.delete(tenantId);
        if (this.again.delete(tenantId)) this.schedule(tenantId);
        else this.startQueued();
      });
      this.running.set(tenantId, run);
    }
  }

  private async drain(tenant: TenantTarget): Promise<void> {
    const logger = this.logger.child({ tenant: tenant.slug });
    const relay = {
      ...this.options.relay,
      observe: this.options.observerOf?.(tenant.companyId, logger),
      changed: this.options.changedOf?.(tenant.companyId, logger),
      stopping: () => this.stopped,
      tenant: tenant.companyId,
    };
    try {
      const report = await this.pools.using(tenant.shard, tenant.database, (db) => drainTenantExclusively(db, tenant.modules, this.consumers, logger, relay));
      this.drainFailures.succeeded(tenant.id, { tenant: tenant.slug });
      if (report === null) this.logger.debug({ tenant: tenant.slug }, 'another relay is draining this tenant');
      else if (report.delivered + report.failed + report.dead > 0) this.logger.info({ tenant: tenant.slug, ...report }, 'outbox drained');
    } catch (error) {
      this.drainFailures.failed(tenant.id, error, { tenant: tenant.slug });
    }
  }

  /** Resolves when no drain is running or queued (used by graceful shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.queued.clear();
    await Promise.all((this.options.companions ?? []).map((c) => c.stop()));
    await this.idle();
    await Promise.all([...this.listeners.values()].map((c) => c.end().catch(() => undefined)));
    this.listeners.clear();
    if (this.options.ownsPools) await this.pools.shutdown();
  }
}
