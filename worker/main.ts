// First: the instrumentations must see the modules they patch being loaded.
import '../platform/tracing-boot';
import client from 'prom-client';
import type { WorkerSettings } from '../platform/config';
import { runService } from '../platform/process';
import { ServiceRuntime } from '../platform/runtime';
import { consumerRoles, serviceConfig } from '../platform/db-roles';
import { loadConsumers } from '../platform/subgraphs';
import { TenantPoolManager } from '../platform/tenant-pools';
import { publicEventObserver, publicEventRetention } from './public-events';
import { responseCacheAnnouncer } from './response-cache';
import type { RelayOptions } from './relay';
import { createRelayMetrics, OutboxSampler, serveWorkerMetrics } from './relay-metrics';
import { DEFAULT_WEBHOOK_RUNNER_OPTIONS, WebhookRunner, webhookMetrics } from './webhook-runner';
import { DEFAULT_WORKER_OPTIONS, OutboxWorker } from './service';

/**
 * Fault injection for the crash-safety tests only: FLUXO_WORKER_CRASH_AT names a
 * point of a delivery at which the worker kills itself with SIGKILL.
 */
function crashPoint(at: WorkerSettings['crashAt']): RelayOptions['faultPoint'] {
  if (!at) return undefined;
  return (point) => {
    if (point === at) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * The worker's own tenant pools: a drain holds one connection of its tenant's
 * pool, so the pools are small (FLUXO_WORKER_TENANT_POOL_SIZE) and as many as
 * the process's tenant connections allow (FLUXO_TENANT_CONNECTIONS_MAX), which
 * lets the worker keep every tenant it serves open unless there are very many.
 */
export function workerTenantPools(runtime: ServiceRuntime): TenantPoolManager {
  const { pools, worker } = runtime.config;
  return new TenantPoolManager(runtime.shards, {
    perTenant: worker.tenantPoolSize,
    globalCap: Math.max(pools.tenantConnectionsMax, worker.tenantPoolSize),
    idleMillis: pools.tenantIdleMillis,
    applicationName: 'fluxo-worker',
  });
}

/**
 * The outbox worker of a runtime, with the worker settings of its configuration; it closes its own pools when it stops.
 * `onOutboxDrained` hears what each pass over an outbox did.
 */
export async function startWorker(runtime: ServiceRuntime, onOutboxDrained?: RelayOptions['onOutboxDrained']): Promise<OutboxWorker> {
  const settings = runtime.config.worker;
  const pools = workerTenantPools(runtime);
  const controlPlane = runtime.controlPlane();
  const logger = runtime.logger.child({ component: 'worker' });
  const hooks = runtime.config.webhooks;
  const webhooks = new WebhookRunner(controlPlane, pools, logger.child({ component: 'webhooks' }), {
    ...DEFAULT_WEBHOOK_RUNNER_OPTIONS,
    concurrency: hooks.concurrency,
    timeoutMillis: hooks.timeoutMillis,
    disableAfterMillis: hooks.disableAfterMillis,
    disableAfterFailures: hooks.disableAfterFailures,
    policy: { allowLoopback: hooks.allowLoopback },
    auditRole: consumerRoles(runtime.config),
  });
  const worker = new OutboxWorker(controlPlane, runtime.shards, pools, loadConsumers(), logger, {
    ...DEFAULT_WORKER_OPTIONS,
    pollMillis: settings.pollMillis,
    maxListeners: settings.maxListeners,
    partition: settings.partition,
    concurrency: settings.concurrency,
    failureRepeatMillis: settings.failureRepeatMillis,
    ownsPools: true,
    relay: { ...DEFAULT_WORKER_OPTIONS.relay, faultPoint: crashPoint(settings.crashAt), consumerRole: consumerRoles(runtime.config), onOutboxDrained },
    observerOf: (companyId, tenantLogger) => publicEventObserver(controlPlane, companyId, tenantLogger),
    changedOf: (companyId, tenantLogger) => responseCacheAnnouncer(controlPlane, companyId, tenantLogger),
    companions: [publicEventRetention(controlPlane, hooks.publicEventRetentionMillis, logger), webhooks],
  });
  try {
    await worker.start();
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

/** Tenant databases the outbox gauges read at once: a couple of connections beside the drains' pools. */
const SAMPLE_CONCURRENCY = 2;

export interface RunningWorker {
  worker: OutboxWorker;
  /** The worker's Prometheus figures (FLUXO_WORKER_METRICS_PORT); /health beside it. */
  metricsUrl: string;
  stop: () => Promise<void>;
}

/** The worker as its process runs it: the relay, the outbox gauges read on a timer, and /metrics and /health. */
export async function startWorkerService(runtime: ServiceRuntime): Promise<RunningWorker> {
  const settings = runtime.config.worker;
  const logger = runtime.logger.child({ component: 'worker-metrics' });
  const metrics = createRelayMetrics();
  const worker = await startWorker(runtime, metrics.observeDrain);
  const sampler = new OutboxSampler(runtime.shards, () => worker.servedTenants(), metrics, logger, {
    intervalMillis: settings.metricsIntervalMillis,
    concurrency: SAMPLE_CONCURRENCY,
    failureRepeatMillis: settings.failureRepeatMillis,
  });
  try {
    sampler.start();
    const server = await serveWorkerMetrics(client.Registry.merge([metrics.registry, webhookMetrics.registry]), settings.host, settings.metricsPort, logger);
    return {
      worker,
      metricsUrl: server.url,
      stop: async () => {
        await server.stop();
        await sampler.stop();
        await worker.stop();
      },
    };
  } catch (error) {
    await sampler.stop();
    await worker.stop();
    throw error;
  }
}

/** `node dist/worker/main.js`: the outbox worker alone, for real deployments. */
if (require.main === module) {
  runService('worker', async (logger, config) => {
    const runtime = new ServiceRuntime(serviceConfig(config, 'worker'), logger);
    try {
      const worker = await startWorkerService(runtime);
      logger.info({ metrics: worker.metricsUrl }, 'outbox worker running');
      return {
        url: worker.metricsUrl,
        stop: async () => {
          logger.info('stopping worker');
          await worker.stop();
          await runtime.close();
        },
      };
    } catch (error) {
      await runtime.close();
      throw error;
    }
  });
}
