import type { WorkerSettings } from '../platform/config';
import { runService } from '../platform/process';
import { ServiceRuntime } from '../platform/runtime';
import { loadConsumers } from '../platform/subgraphs';
import type { RelayOptions } from './relay';
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

/** The outbox worker of a runtime, with the worker settings of its configuration. */
export async function startWorker(runtime: ServiceRuntime): Promise<OutboxWorker> {
  const settings = runtime.config.worker;
  const worker = new OutboxWorker(
    runtime.controlPlane(),
    runtime.shards,
    runtime.tenantPools(),
    loadConsumers(),
    runtime.logger.child({ component: 'worker' }),
    {
      ...DEFAULT_WORKER_OPTIONS,
      pollMillis: settings.pollMillis,
      maxListeners: settings.maxListeners,
      partition: settings.partition,
      relay: { ...DEFAULT_WORKER_OPTIONS.relay, faultPoint: crashPoint(settings.crashAt) },
    },
  );
  await worker.start();
  return worker;
}

/** `node dist/worker/main.js`: the outbox worker alone, for real deployments. */
if (require.main === module) {
  runService('worker', async (logger, config) => {
    const runtime = new ServiceRuntime(config, logger);
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
