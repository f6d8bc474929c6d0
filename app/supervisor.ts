import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../platform/logger';
import { describeThrown, isServiceReadyMessage } from '../platform/process';

/** One service `fluxo start` runs as a child process: its entry point and environment. */
export interface ServiceSpec {
  name: string;
  /** Entry point relative to the build root without extension, e.g. `gateway/main`. */
  entry: string;
  env: NodeJS.ProcessEnv;
}

export interface Backoff {
  /** Delay before the first restart; doubled for each restart in a row. */
  initialMillis: number;
  maxMillis: number;
  /** A child that served this long before dying starts again from initialMillis. */
  stableMillis: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMillis: 250, maxMillis: 30_000, stableMillis: 60_000 };

/** How long a child gets to drain and stop on SIGTERM before SIGKILL. */
const STOP_MILLIS = 15_000;

/** The delay before restart number `inARow` (0-based) of a child that keeps dying. */
export function restartDelay(inARow: number, backoff: Backoff): number {
  return Math.min(backoff.initialMillis * 2 ** Math.min(inARow, 30), backoff.maxMillis);
}

/**
 * The build's own entry point of a service: `dist/<entry>.js` when running
 * built code, `<entry>.ts` under tsx (tests, `npm run fluxo`).
 */
function entryPoint(entry: string): { file: string; execArgv: string[] } {
  const extension = path.extname(__filename);
  const file = path.resolve(__dirname, '..', `${entry}${extension}`);
  return { file, execArgv: extension === '.ts' ? ['--import', 'tsx'] : [] };
}

/** A service kept running: restarted with backoff whenever its process dies, until the supervisor stops. */
export class SupervisedService {
  private child: ChildProcess | null = null;
  private readyAt = 0;
  private inARow = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** Where the service listens, as it reported when it became ready (the worker: its /metrics). */
  url: string | null = null;
  /** Restarts since the supervisor started it. */
  restarts = 0;

  constructor(
    readonly spec: ServiceSpec,
    private readonly logger: Logger,
    private readonly backoff: Backoff,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the first process; settles when it reports ready, or fails if it exits first. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.launch({ resolve, reject }));
  }

  private launch(first?: { resolve: () => void; reject: (error: Error) => void }): void {
    const { file, execArgv } = entryPoint(this.spec.entry);
    // Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which stops children in order.
    const child = fork(file, [], { env: this.spec.env, execArgv, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    let ready = false;
    child.on('message', (message: unknown) => {
      if (ready || !isServiceReadyMessage(message)) return;
      ready = true;
      this.readyAt = Date.now();
      this.url = message.url;
      if (first) first.resolve();
      else this.logger.info({ child: this.spec.name, pid: child.pid, restarts: this.restarts }, `${this.spec.name} restarted`);
    });
    child.on('error', (error) => this.logger.error({ child: this.spec.name, err: describeThrown(error) }, `${this.spec.name}: process error`));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      if (first && !ready) {
        first.reject(new Error(`${this.spec.name} exited while starting (${exitText(code, signal)}); its own message is above`));
        return;
      }
      this.scheduleRestart(code, signal, ready);
    });
  }

  private scheduleRestart(code: number | null, signal: NodeJS.Signals | null, wasReady: boolean): void {
    if (wasReady && Date.now() - this.readyAt >= this.backoff.stableMillis) this.inARow = 0;
    const delay = restartDelay(this.inARow, this.backoff);
    this.inARow += 1;
    this.restarts += 1;
    this.logger.warn(
      { child: this.spec.name, exitCode: code, signal, restartInMillis: delay, restarts: this.restarts },
      `${this.spec.name} exited (${exitText(code, signal)}); restarting in ${delay} ms`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.launch();
    }, delay);
  }

  /** SIGTERM (the service drains and exits), SIGKILL if it has not exited in time; no restart after. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_MILLIS);
    });
    if ((await Promise.race([exited, late])) === 'late') {
      this.logger.warn({ child: this.spec.name, pid: child.pid }, `${this.spec.name} did not stop in time: killing it`);
      child.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
}

/**
 * Runs services as child processes, each restarted with capped exponential
 * backoff when it dies, and stops them in the reverse order of starting.
 */
export class Supervisor {
  private readonly services: SupervisedService[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  /** Starts a service and waits until it is ready; it is stopped with the others even if it failed to start. */
  async start(spec: ServiceSpec): Promise<SupervisedService> {
    const service = new SupervisedService(spec, this.logger, this.backoff);
    this.services.push(service);
    await service.start();
    return service;
  }

  /** Starts several services at once (they do not depend on each other). */
  async startAll(specs: readonly ServiceSpec[]): Promise<SupervisedService[]> {
    const settled = await Promise.allSettled(specs.map((spec) => this.start(spec)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<SupervisedService>).value);
  }

  /** The gateway first (it drains requests that still need the subgraphs), then the rest together. */
  async stop(): Promise<void> {
    const [last, ...earlier] = [...this.services].reverse();
    await last?.stop();
    await Promise.all(earlier.map((s) => s.stop()));
  }
}
