import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { BackupError } from './backup-error';
import { createDatabase, quoteIdent, withDatabase } from './db';

/**
 * Backups with PostgreSQL's own tools (`fluxo db backup --format pg_dump`; the
 * default is the built-in archive of logical-backup.ts): pg_dump in its custom
 * format (compressed, restorable object by object) and pg_restore. The tools
 * come from FLUXO_PG_BIN when set, else from PATH. pg_dump refuses a server of a
 * newer major version than its own, and pg_restore an archive written by a
 * newer pg_dump, so both are checked against the server before they run, and a
 * mismatch says which version to install instead of failing half-way.
 */

const run = promisify(execFile);

export type PgToolName = 'pg_dump' | 'pg_restore';

export interface PgTool {
  name: PgToolName;
  path: string;
  /** Major version, e.g. 15. */
  major: number;
}

export { BackupError } from './backup-error';

/** The major version in `pg_dump --version` output, e.g. "pg_dump (PostgreSQL) 15.20 (Debian …)" → 15. */
export function parseToolMajor(versionOutput: string): number {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) throw new BackupError(`cannot read a PostgreSQL version from "${versionOutput.trim()}"`);
  return Number(match[1]);
}

/** Locates a tool (in `pgBin`, FLUXO_PG_BIN, else on PATH) and reads its version. */
export async function findPgTool(name: PgToolName, pgBin: string | null = null): Promise<PgTool> {
  const file = pgBin ? path.join(pgBin, name) : name;
  try {
    const { stdout } = await run(file, ['--version']);
    return { name, path: file, major: parseToolMajor(stdout) };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${name} was not found (${file}): install the PostgreSQL client tools, or point FLUXO_PG_BIN at their directory`);
  }
}

/** The server's major version, e.g. 150020 → 15. */
export async function serverMajor(databaseUrl: string): Promise<number> {
  const db = createDatabase<unknown>(databaseUrl, { max: 1, applicationName: 'fluxo-backup' });
  try {
    const { rows } = await sql<{ v: string }>`SELECT current_setting('server_version_num') AS v`.execute(db);
    return Math.floor(Number(rows[0]!.v) / 10_000);
  } finally {
    await db.destroy();
  }
}

/** A tool can work with servers of its own major version or older ones. */
export function assertToolFits(tool: PgTool, server: number): void {
  if (tool.major < server) {
    throw new BackupError(
      `${tool.name} ${tool.major} cannot work with PostgreSQL ${server}: install the client tools of PostgreSQL ${server} or newer, or point FLUXO_PG_BIN at them (found ${tool.path})`,
    );
  }
}

function spawnTool(tool: PgTool, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BackupError(`${tool.name} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

/** Writes the whole database to `file` (custom format); ownership is left out, so any role can restore it. */
export async function backupDatabase(databaseUrl: string, file: string, pgBin: string | null = null): Promise<void> {
  const tool = await findPgTool('pg_dump', pgBin);
  assertToolFits(tool, await serverMajor(databaseUrl));
  await spawnTool(tool, ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${databaseUrl}`]);
}

/**
 * Restores an archive into a new database on the server, in one transaction;
 * when it fails the new database is dropped again.
 */
export async function restoreToNewDatabase(serverUrl: string, database: string, file: string, pgBin: string | null = null): Promise<void> {
  const tool = await findPgTool('pg_restore', pgBin);
  assertToolFits(tool, await serverMajor(withDatabase(serverUrl, 'postgres')));
  await intoNewDatabase(serverUrl, database, (url) =>
    spawnTool(tool, ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${url}`, file]),
  );
}

/** Creates `database` on the server and has `fill` load it; when `fill` fails the database is dropped again. */
export async function intoNewDatabase(serverUrl: string, database: string, fill: (databaseUrl: string) => Promise<void>): Promise<void> {
  const admin = createDatabase<unknown>(withDatabase(serverUrl, 'postgres'), { max: 1, applicationName: 'fluxo-restore' });
  try {
    await sql.raw(`CREATE DATABASE ${quoteIdent(database)}`).execute(admin);
    try {
      await fill(withDatabase(serverUrl, database));
    } catch (error) {
      await sql.raw(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).execute(admin);
      throw error;
    }
  } finally {
    await admin.destroy();
  }
}

/**
 * Puts `replacement` in the place of `live`: the sessions of `live` are ended
 * (pools reconnect, to the replacement), `live` is renamed to `retired` and
 * `replacement` to `live`. Requests of that database fail for the instant in
 * between.
 */
export async function swapDatabase(serverUrl: string, live: string, replacement: string, retired: string): Promise<void> {
  const admin = createDatabase<unknown>(withDatabase(serverUrl, 'postgres'), { max: 1, applicationName: 'fluxo-restore' });
  try {
    // No new session may slip in between ending the sessions and the rename.
    await sql.raw(`ALTER DATABASE ${quoteIdent(live)} WITH ALLOW_CONNECTIONS false`).execute(admin);
    try {
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${live} AND pid <> pg_backend_pid()`.execute(admin);
      // Ended sessions take a moment to go; the rename needs them gone.
      for (let waited = 0; waited < 5_000; waited += 50) {
        const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = ${live}`.execute(admin);
        if (Number(rows[0]!.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sql.raw(`ALTER DATABASE ${quoteIdent(live)} RENAME TO ${quoteIdent(retired)}`).execute(admin);
    } catch (error) {
      await sql.raw(`ALTER DATABASE ${quoteIdent(live)} WITH ALLOW_CONNECTIONS true`).execute(admin);
      throw error;
    }
    await sql.raw(`ALTER DATABASE ${quoteIdent(retired)} WITH ALLOW_CONNECTIONS true`).execute(admin);
    await sql.raw(`ALTER DATABASE ${quoteIdent(replacement)} RENAME TO ${quoteIdent(live)}`).execute(admin);
  } finally {
    await admin.destroy();
  }
}
