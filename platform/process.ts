import { loadConfig } from './config';
import { PortTakenError } from './embedded-postgres';
import { createLogger, type Logger } from './logger';
import { PortInUseError } from './listen';

/**
 * How a service process lives: required settings checked up front, start-up
 * failures reported as one line, and a graceful stop on SIGTERM/SIGINT. Used by
 * every subgraph's entry point, the gateway's and the `fluxo start` CLI.
 */

/** A setting the operator must fix; its message is the whole story, so no stack trace is shown. */
export class ServiceConfigError extends Error {}

/** The named variables, or a ServiceConfigError naming every one that is missing. */
export function requireEnv<const N extends string>(names: readonly N[], env: NodeJS.ProcessEnv = process.env): Record<N, string> {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new ServiceConfigError(`missing required environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, env[n] as string])) as Record<N, string>;
}

/** Parses a PEM setting, turning the crypto library's decoder message into one that names the variable. */
export function pemFromEnv<T>(name: string, value: string, parse: (pem: string) => T): T {
  try {
    return parse(value);
  } catch {
    throw new ServiceConfigError(`${name} is not a valid PEM key (newlines may be written as \\n)`);
  }
}

/**
 * The gateway tells the operator from company keys by the `fluxo_admin_`
 * prefix (gateway/caller.ts); any other token would be refused as an unknown
 * key. The length floor keeps a hand-typed word from guarding operator access.
 */
export function checkAdminToken(token: string, variable = 'FLUXO_ADMIN_TOKEN'): string {
  if (!/^fluxo_admin_[A-Za-z0-9_-]{32,}$/.test(token)) {
    throw new ServiceConfigError(`${variable} must look like fluxo_admin_<32 or more letters, digits, _ or ->; generate one with: fluxo keys generate-admin-token`);
  }
  return token;
}

/** Address services bind to when run on their own: all interfaces, since they sit behind a container network. */
export function bindHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOST || '0.0.0.0';
}

/** Apollo Sandbox at /graphql: on in development, off in production unless FLUXO_SANDBOX=1. */
export function sandboxFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'production' || env.FLUXO_SANDBOX === '1';
}

/** One line for errors an operator can act on; null for faults that deserve their stack trace. */
export function operatorMessage(error: unknown): string | null {
  if (error instanceof PortInUseError || error instanceof PortTakenError || error instanceof ServiceConfigError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `cannot reach PostgreSQL (${String(code)}): check DATABASE_URL and that the server is running`;
  }
  // pg reports authentication and missing databases with SQLSTATE codes.
  if (code === '28P01' || code === '28000' || code === '3D000') return `PostgreSQL refused the connection: ${(error as Error).message}`;
  return null;
}

/** Prints a start-up failure: one line when the operator can fix it, the full error otherwise. */
export function reportFatal(service: string, error: unknown): void {
  const line = operatorMessage(error);
  if (line !== null) process.stderr.write(`${service}: ${line}\n`);
  else process.stderr.write(`${service}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
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
        log(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
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

/** Runs a long-lived service: start it, stop it on a signal, or report why it could not start and exit 1. */
export function runService(service: string, start: (logger: Logger) => Promise<{ stop: () => Promise<void> }>): void {
  const logger = createLogger(service, loadConfig().logLevel);
  ownSignals(() => start(logger)).then(
    (running) => stopOnSignals(running.stop, (line) => logger.info(line)),
    (error: unknown) => {
      reportFatal(service, error);
      process.exit(1);
    },
  );
}
