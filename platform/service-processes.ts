import cluster, { type Worker } from 'node:cluster';
import type { FluxoConfig } from './config';
import { createLogger, type Logger } from './logger';
import { isServiceReadyMessage, loadConfigOrExit, runService, stopOnSignals, type ServiceReadyMessage } from './process';

/** Deaths of serving processes within CRASH_WINDOW_MILLIS after which the service gives up instead of starting more. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MILLIS = 60_000;

type StartService = Parameters<typeof runService>[1];

/**
 * Runs a service as `processesOf(config)` processes sharing one port
 * (node:cluster), so it uses more than one core; with one it is runService.
 * The first process only supervises: it starts the others, reports ready once
 * every one serves, starts another when one dies, and on SIGTERM stops them all
 * (each drains as runService does) and exits when they have.
 */
export function runServiceProcesses(service: string, processesOf: (config: FluxoConfig) => number, start: StartService): void {
  if (!cluster.isPrimary) {
    runService(service, start);
    return;
  }
  const config = loadConfigOrExit(service);
  const count = processesOf(config);
  if (count <= 1) {
    runService(service, start);
    return;
  }
  superviseProcesses(service, count, createLogger(service, config.logLevel));
}

function superviseProcesses(service: string, count: number, logger: Logger): void {
  const ready = new Set<number>();
  const deaths: number[] = [];
  let reported = false;
  let stopping: Promise<void> | null = null;
  let failed = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isServiceReadyMessage(message)) return;
      ready.add(worker.id);
      if (reported) {
        logger.info({ pid: worker.process.pid }, `a new ${service} process serves`);
        return;
      }
      if (ready.size < count) return;
      reported = true;
      logger.info({ processes: count, url: message.url }, `${service} serving in ${count} processes`);
      const readyMessage: ServiceReadyMessage = { type: 'fluxo:ready', url: message.url };
      if (process.connected) process.send?.(readyMessage);
    });
    return worker;
  };

  const living = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  const allExited = new Promise<void>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const wasServing = ready.delete(worker.id);
      if (stopping) {
        // One still starting has no handler yet: SIGTERM ends it at once, which loses nothing.
        if (code !== 0 && (wasServing || signal !== 'SIGTERM')) {
          failed = true;
          logger.warn({ code, signal, pid: worker.process.pid }, `a ${service} process did not stop cleanly`);
        }
        if (living().length === 0) resolve();
        return;
      }
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && deaths[0]! < now - CRASH_WINDOW_MILLIS) deaths.shift();
      if (!reported || deaths.length >= CRASH_LIMIT) {
        logger.error({ code, signal, deaths: deaths.length }, `a ${service} process died ${reported ? 'too often' : 'before it served'}: stopping`);
        void stop().finally(() => process.exit(1));
        return;
      }
      logger.warn({ code, signal }, `a ${service} process died: starting another`);
      fork();
    });
  });

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const worker of living()) worker.process.kill('SIGTERM');
      if (living().length > 0) await allExited;
      if (failed) throw new Error(`a ${service} process did not stop cleanly`);
    })());

  for (let i = 0; i < count; i += 1) fork();
  stopOnSignals(stop, (line) => logger.info(line));
  // Started by `fluxo start`: stop with the supervisor.
  if (process.send)
    process.once(
      'disconnect',
      () =>
        void stop().then(
          () => process.exit(0),
          () => process.exit(1),
        ),
    );
}
