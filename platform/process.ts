import { loadConfig, ServiceConfigError, type FluxoConfig } from './config';
import { EmbeddedPostgresError, PortTakenError } from './embedded-postgres';
import { createLogger, type Logger } from './logger';
import { PortInUseError } from './listen';
import { startTracing, stopTracing } from './tracing';

/**
 * How a service process lives: settings read and checked up front, start-up
 * failures reported as one line, and a graceful stop on SIGTERM/SIGINT. Used by
 * every subgraph's entry point, the gateway's, the worker's and `fluxo start`.
 */

/** One line for errors an operator can act on; null for faults that deserve their stack trace. */
export function operatorMessage(error: unknown): string | null {
  if (error instanceof PortInUseError || error instanceof PortTakenError || error instanceof ServiceConfigError || error instanceof EmbeddedPostgresError) {
    return error.message;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot reach PostgreSQL (${String(code)}): check DATABASE_URL and that the server is running`;
  }
  // pg reports authentication and missing databases with SQLSTATE codes.
  if (code === '28P01' || code === '28000' || code === '3D000') return `PostgreSQL refused the connection: ${(error as Error).message}`;
  return null;
}

/**
 * Some text for any thrown value: libraries reject with bare strings, with
 * objects, or with nothing at all, and "undefined" tells an operator nothing.
 */
export function describeThrown(error: unknown, withStack = true): string {
  if (error instanceof Error) {
    const text = (withStack ? error.stack : undefined) ?? error.message;
    return text.trim() ? text : `${error.name} without a message`;
  }
  if (typeof error === 'string' && error.trim()) return error;
  if (error === undefined || error === null || error === '') return 'failed without an error (a library rejected with no reason; run with LOG_LEVEL=debug)';
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Prints a start-up failure: one line when the operator can fix it, the full error otherwise. */
export function reportFatal(service: string, error: unknown): void {
  process.stderr.write(`${service}: ${operatorMessage(error) ?? describeThrown(error)}\n`);
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * `npm start` forwards the terminal's Ctrl-C to its child, which also gets it
 * from the terminal: the same keypress arrives twice within milliseconds. Only
 * a signal after this window counts as a second, impatient Ctrl-C.
 */
const REPEAT_WINDOW_MILLIS = 1_000;

/**
 * Stops the process on the first signal by running `stop` (which drains
 * requests and closes pools), then exits 0 (1 if stopping failed). A second
 * signal exits at once.
 */
export function stopOnSignals(stop: () => Promise<void>, log: (line: string) => void): void {
  let firstAt: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== null) {
      if (Date.now() - firstAt < REPEAT_WINDOW_MILLIS) return;
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    firstAt = Date.now();
    log(`${signal} received: stopping (press Ctrl-C again to exit at once)`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`stopping failed: ${describeThrown(error, false)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
}

/**
 * Runs `work` (a service's start-up) and then removes the SIGINT/SIGTERM/SIGHUP
 * listeners that libraries added meanwhile, so the process's own ordered stop
 * is the only one. Apollo Server installs handlers that stop just itself and
 * re-raise the signal; beside ours that means two concurrent apolloServer.stop()
 * calls, and @apollo/server 5.5.1 never settles the second one (its barrier is
 * resolved only on failure), so the process would hang. embedded-postgres'
 * handlers stop PostgreSQL at once, while the gateway still drains.
 */
export async function ownSignals<T>(work: () => Promise<T>): Promise<T> {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await work();
  } finally {
    for (const signal of SHUTDOWN_SIGNALS) {
      for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
}

/** The service's settings, or its one-line complaint about them and exit 1. */
export function loadConfigOrExit(service: string): FluxoConfig {
  try {
    return loadConfig();
  } catch (error) {
    reportFatal(service, error);
    process.exit(1);
  }
}

/** What a supervised service tells `fluxo start` over IPC once it serves. */
export interface ServiceReadyMessage {
  type: 'fluxo:ready';
  /** Where it listens (the worker: its /metrics). */
  url: string | null;
}

export function isServiceReadyMessage(message: unknown): message is ServiceReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'fluxo:ready';
}

/** How long a supervised service may take to stop once its supervisor is gone. */
const ORPHAN_STOP_MILLIS = 10_000;

/**
 * Runs a long-lived service: read its configuration, start it, stop it on a
 * signal, or report why it could not start and exit 1. Started by `fluxo start`
 * (an IPC channel is open), it reports readiness and stops when the supervisor
 * is gone, even SIGKILLed, so no orphan keeps its port.
 */
export function runService(service: string, start: (logger: Logger, config: FluxoConfig) => Promise<{ stop: () => Promise<void>; url?: string }>): void {
  const config = loadConfigOrExit(service);
  // Before the logger, whose lines then carry the trace id.
  startTracing(`fluxo-${service}`, config.tracing);
  const logger = createLogger(service, config.logLevel);
  let stopping: Promise<void> | null = null;
  let running: { stop: () => Promise<void> } | null = null;
  // The last spans (those of the stop itself) are sent before the process exits.
  const stopOnce = () => (stopping ??= (running ? running.stop() : Promise.resolve()).finally(() => stopTracing()));
  if (process.send) {
    process.once('disconnect', () => {
      logger.warn('supervisor gone: stopping');
      setTimeout(() => process.exit(1), ORPHAN_STOP_MILLIS).unref();
      stopOnce().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  ownSignals(() => start(logger, config)).then(
    (started) => {
      running = started;
      stopOnSignals(stopOnce, (line) => logger.info(line));
      const ready: ServiceReadyMessage = { type: 'fluxo:ready', url: started.url ?? null };
      if (process.connected) process.send?.(ready);
    },
    (error: unknown) => {
      reportFatal(service, error);
      process.exit(1);
    },
  );
}
