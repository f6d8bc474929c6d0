import { intFromEnv, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { ServiceRuntime } from '../platform/runtime';
import { loadConsumers } from '../platform/subgraphs';
import type { RelayOptions } from './relay';
import { DEFAULT_WORKER_OPTIONS, OutboxWorker, parsePartition } from './service';

/**
 * Fault injection for the crash-safety tests only: FLUXO_WORKER_CRASH_AT names a
 * point of a delivery at which the worker kills itself with SIGKILL.
 */
function crashPoint(env: NodeJS.ProcessEnv): RelayOptions['faultPoint'] {
  const at = env.FLUXO_WORKER_CRASH_AT;
  if (!at) return undefined;
  return (point) => {
    if (point === at) process.kill(process.pid, 'SIGKILL');
  };
}

export async function startWorker(runtime: ServiceRuntime, env: NodeJS.ProcessEnv = process.env): Promise<OutboxWorker> {
  const worker = new OutboxWorker(runtime.controlPlane(), runtime.shards, runtime.tenantPools(), loadConsumers(), runtime.logger.child({ component: 'worker' }), {
    ...DEFAULT_WORKER_OPTIONS,
    pollMillis: Number(env.FLUXO_WORKER_POLL_MS ?? DEFAULT_WORKER_OPTIONS.pollMillis),
    maxListeners: intFromEnv(env.FLUXO_WORKER_MAX_LISTENERS, DEFAULT_WORKER_OPTIONS.maxListeners, 'FLUXO_WORKER_MAX_LISTENERS'),
    partition: parsePartition(env.FLUXO_WORKER_PARTITION),
    relay: { ...DEFAULT_WORKER_OPTIONS.relay, faultPoint: crashPoint(env) },
  });
  await worker.start();
  return worker;
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  const runtime = new ServiceRuntime(config, logger);
  startWorker(runtime)
    .then((worker) => {
      logger.info('outbox worker running');
      const shutdown = () => {
        logger.info('stopping worker');
        void worker
          .stop()
          .then(() => runtime.close())
          .then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'worker failed to start');
      process.exit(1);
    });
}
