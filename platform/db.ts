import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';

// numeric and bigint come back as strings: money stays exact and ids never lose precision.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
// DATE stays a calendar date string (YYYY-MM-DD), never shifted through a time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DatabaseOptions {
  max?: number;
  idleTimeoutMillis?: number;
  applicationName?: string;
  /** Called for every statement; used by the SQL-count tests and benches. */
  onQuery?: (sql: string) => void;
}

export function createPool(connectionString: string, options: DatabaseOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    application_name: options.applicationName ?? 'fluxo',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  // Nor one checked out between two statements (its session ended by the server, e.g. a tenant move): the next statement fails instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export function createDatabase<DB>(connectionString: string, options: DatabaseOptions = {}): Kysely<DB> {
  const onQuery = options.onQuery;
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: createPool(connectionString, options) }),
    log: onQuery
      ? (event: LogEvent) => {
          if (event.level === 'query') onQuery(event.query.sql);
        }
      : undefined,
  });
}

/** The same server with another database name. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function databaseName(connectionString: string): string {
  return decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, '')) || 'postgres';
}

/** Double-quotes an identifier for DDL that cannot take bind parameters (CREATE DATABASE, CREATE SCHEMA). */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`refusing unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}

export function isPgError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
