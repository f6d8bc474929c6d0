import type { WorkerSettings } from '../platform/config';
import { runService } from '../platform/process';
import { ServiceRuntime } from '../platform/runtime';
import { consumerRoles, serviceConfig } from '../platform/db-roles';
import { loadConsumers } from '../platform/subgraphs';
import { TenantPoolManager } from '../platform/tenant-pools';
import { publicEventObserver, publicEventRetention } from './public-events';
import type { RelayOptions } from './relay';
import { DEFAULT_WEBHOOK_RUNNER_OPTIONS, WebhookRunner } from './webhook-runner';
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

/** The outbox worker of a runtime, with the worker settings of its configuration; it closes its own pools when it stops. */
export async function startWorker(runtime: ServiceRuntime): Promise<OutboxWorker> {
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
    relay: { ...DEFAULT_WORKER_OPTIONS.relay, faultPoint: crashPoint(settings.crashAt), consumerRole: consumerRoles(runtime.config) },
    observerOf: (companyId, tenantLogger) => publicEventObserver(controlPlane, companyId, tenantLogger),
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

/** `node dist/worker/main.js`: the outbox worker alone, for real deployments. */
if (require.main === module) {
  runService('worker', async (logger, config) => {
    const runtime = new ServiceRuntime(serviceConfig(config, 'worker'), logger);
    try {
      const worker = await startWorker(runtime);
      logger.info('outbox worker running');
      return {
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
