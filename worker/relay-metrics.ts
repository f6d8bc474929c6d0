import http from 'node:http';
import { sql, type Kysely } from 'kysely';
import client from 'prom-client';
import { listen, type RunningService } from '../platform/listen';
import { acrossOutboxes } from '../platform/outbox';
import type { Logger } from '../platform/logger';
import { MODULES, moduleSchema, type ModuleName } from '../platform/modules';
import type { ShardDirectory } from '../platform/shards';
import { TenantPoolManager } from '../platform/tenant-pools';
import { RepeatedFailureLog } from './failure-log';
import type { DrainReport } from './relay';
import type { TenantTarget } from './service';

/** One module's outbox in one tenant database, as the gauges need it. */
interface OutboxFigures {
  pending: number;
  dead: number;
  /** Age of the oldest pending event; 0 when none is pending. */
  lagSeconds: number;
}

type TenantFigures = Partial<Record<ModuleName, OutboxFigures>>;

/**
 * Prometheus metrics of one worker process. Every series is labelled by module
 * only: a tenant label would grow with the customer base and tell whoever reads
 * the figures which companies are busy.
 */
export function createRelayMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const labelNames = ['module'] as const;
  const gauge = (name: string, help: string) => new client.Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string) => new client.Counter({ name, help, labelNames, registers: [registry] });
  const lag = gauge('fluxo_outbox_lag_seconds', "Age of the oldest pending event of the module's outboxes, the worst tenant of this worker's share");
  const pending = gauge(
    'fluxo_outbox_pending_events',
    "Events waiting in the module's outboxes (including those backing off), all tenants of this worker's share",
  );
  const dead = gauge('fluxo_outbox_dead_events', "Dead-lettered events in the module's outboxes, all tenants of this worker's share");
  const sampledAt = new client.Gauge({
    name: 'fluxo_outbox_sampled_at_seconds',
    help: 'When the outbox gauges were last read from the tenant databases (Unix time)',
    registers: [registry],
  });
  const sampleFailures = new client.Counter({
    name: 'fluxo_outbox_sample_failures_total',
    help: 'Tenant databases whose outboxes could not be read for the gauges (their last figures are kept)',
    registers: [registry],
  });
  const delivered = counter('fluxo_outbox_events_delivered_total', "Events of the module's outboxes delivered to every consumer");
  const failed = counter('fluxo_outbox_delivery_failures_total', "Deliveries of the module's events that failed and will be retried");
  const deadLettered = counter('fluxo_outbox_events_dead_lettered_total', "Events of the module's outboxes given up on (dead-lettered)");
  for (const module of MODULES) {
    const labels = { module: moduleSchema(module) };
    for (const series of [delivered, failed, deadLettered]) series.inc(labels, 0);
  }

  /** Counts what one pass over a module's outbox did. */
  const observeDrain = (module: ModuleName, report: DrainReport) => {
    const labels = { module: moduleSchema(module) };
    if (report.delivered > 0) delivered.inc(labels, report.delivered);
    if (report.failed > 0) failed.inc(labels, report.failed);
    if (report.dead > 0) deadLettered.inc(labels, report.dead);
  };
  /** Sets the gauges from every tenant's figures: lag is the worst tenant's, counts are summed. */
  const observeOutboxes = (tenants: Iterable<TenantFigures>, at: Date) => {
    const totals = new Map<ModuleName, OutboxFigures>(MODULES.map((m) => [m, { pending: 0, dead: 0, lagSeconds: 0 }]));
    for (const figures of tenants) {
      for (const [module, f] of Object.entries(figures) as Array<[ModuleName, OutboxFigures]>) {
        const total = totals.get(module)!;
        total.pending += f.pending;
        total.dead += f.dead;
        total.lagSeconds = Math.max(total.lagSeconds, f.lagSeconds);
      }
    }
    for (const [module, total] of totals) {
      const labels = { module: moduleSchema(module) };
      lag.set(labels, total.lagSeconds);
      pending.set(labels, total.pending);
      dead.set(labels, total.dead);
    }
    sampledAt.set(at.getTime() / 1000);
  };
  return { registry, observeDrain, observeOutboxes, countSampleFailure: () => sampleFailures.inc() };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;

/**
 * Pending and dead events of every module outbox of one tenant database, in
 * one statement (acrossOutboxes). Pending rows are found by the relay's partial index.
 */
export async function readOutboxFigures<DB>(db: Kysely<DB>, modules: readonly ModuleName[]): Promise<TenantFigures> {
  if (modules.length === 0) return {};
  const outboxes = acrossOutboxes(
    modules,
    (module, outbox) => sql`SELECT ${module}::text AS module, status, occurred_at FROM ${outbox} WHERE status IN ('PENDING', 'DEAD')`,
  );
  const { rows } = await sql<{ module: ModuleName; pending: string; dead: string; lag: string | null }>`
    SELECT module,
           count(*) FILTER (WHERE status = 'PENDING') AS pending,
           count(*) FILTER (WHERE status = 'DEAD') AS dead,
           extract(epoch FROM now() - min(occurred_at) FILTER (WHERE status = 'PENDING')) AS lag
    FROM (${outboxes}) outbox GROUP BY module`.execute(db);
  return Object.fromEntries(
    rows.map((r) => [r.module, { pending: Number(r.pending), dead: Number(r.dead), lagSeconds: Math.max(0, Number(r.lag ?? 0)) }]),
  ) as TenantFigures;
}

export interface OutboxSamplerOptions {
  intervalMillis: number;
  /** Tenant databases read at once. */
  concurrency: number;
  failureRepeatMillis: number;
}

/**
 * Reads the outbox gauges on a timer. It has its own few connections, so a
 * sample never waits for a drain's connection nor holds one a drain needs; a
 * sample still running when the next is due makes that one skip.
 */
export class OutboxSampler {
  private readonly pools: TenantPoolManager;
  private readonly failures: RepeatedFailureLog;
  /** Each tenant's last figures: a tenant that cannot be read keeps its last ones rather than vanish from the sums. */
  private readonly figures = new Map<string, TenantFigures>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    shards: ShardDirectory,
    private readonly tenants: () => readonly TenantTarget[],
    private readonly metrics: RelayMetrics,
    private readonly logger: Logger,
    private readonly options: OutboxSamplerOptions,
  ) {
    this.pools = new TenantPoolManager(shards, {
      perTenant: 1,
      globalCap: options.concurrency,
      idleMillis: options.intervalMillis * 2,
      applicationName: 'fluxo-worker-metrics',
    });
    this.failures = new RepeatedFailureLog(
      logger,
      { failed: 'could not read outbox figures', still: 'still cannot read outbox figures', recovered: 'outbox figures readable again' },
      options.failureRepeatMillis,
    );
  }

  /**
   * Samples now and then every interval. Start-up does not wait for the first
   * sample, which takes longer the more tenants there are: until it is done the
   * gauges have no series at all, rather than zeros that would read as "all clear".
   */
  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.options.intervalMillis);
    this.timer.unref();
  }

  /** Reads every served tenant's outboxes, a few at a time, and sets the gauges; resolves when done. */
  sample(): Promise<void> {
    this.running ??= this.readAll().finally(() => (this.running = null));
    return this.running;
  }

  private async readAll(): Promise<void> {
    const tenants = this.tenants();
    const served = new Set(tenants.map((t) => t.id));
    for (const id of this.figures.keys()) {
      if (served.has(id)) continue;
      this.figures.delete(id);
      this.failures.forget(id);
    }
    const queue = [...tenants];
    const next = async (): Promise<void> => {
      for (let tenant = queue.shift(); tenant; tenant = queue.shift()) await this.read(tenant);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, next));
    this.metrics.observeOutboxes(this.figures.values(), new Date());
  }

  private async read(tenant: TenantTarget): Promise<void> {
    try {
      this.figures.set(tenant.id, await this.pools.using(tenant.shard, tenant.database, (db) => readOutboxFigures(db, tenant.modules)));
      this.failures.succeeded(tenant.id, { tenant: tenant.slug });
    } catch (error) {
      this.metrics.countSampleFailure();
      this.failures.failed(tenant.id, error, { tenant: tenant.slug });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.pools.shutdown();
  }
}

/**
 * The worker's own small HTTP server: /metrics for Prometheus and /health.
 * Its figures carry no tenant, so unlike the gateway's /metrics it asks for no
 * token; keep its port on the private network (HOST, FLUXO_WORKER_METRICS_PORT).
 */
export async function serveWorkerMetrics(registry: client.Registry, host: string, port: number, logger: Logger): Promise<RunningService> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }));
    if (path === '/health') return reply(res, 200, 'application/json', JSON.stringify({ status: 'ok', service: 'worker' }));
    if (path !== '/metrics') return reply(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    registry.metrics().then(
      (text) => reply(res, 200, registry.contentType, text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics failed');
        reply(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      },
    );
  });
  const bound = await listen(server, port, host, 'FLUXO_WORKER_METRICS_PORT');
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    name: 'worker',
    port: bound,
    url: `http://${shown}:${bound}/metrics`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function reply(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}
