import { sql } from 'kysely';
import { createDatabase, isPgError, quoteIdent, withDatabase } from './db';

export class UnknownShardError extends Error {
  constructor(readonly shard: string) {
    super(`shard "${shard}" is not configured (FLUXO_SHARDS)`);
  }
}

/**
 * Where tenant databases live. The registry stores a shard *name* per tenant;
 * the connection string comes from configuration, so a tenant can move servers
 * by changing config, not rows.
 */
export class ShardDirectory {
  constructor(private readonly shards: Record<string, string>) {}

  names(): string[] {
    return Object.keys(this.shards);
  }

  serverUrl(shard: string): string {
    const url = this.shards[shard];
    if (!url) throw new UnknownShardError(shard);
    return url;
  }

  databaseUrl(shard: string, database: string): string {
    return withDatabase(this.serverUrl(shard), database);
  }
}

/**
 * Creates a database on a shard unless it exists, as a copy of `template` when
 * given (which must have no open sessions); safe to call again after a failure.
 */
export async function ensureDatabase(shardUrl: string, database: string, template?: string): Promise<'created' | 'existed'> {
  const admin = createDatabase<unknown>(withDatabase(shardUrl, 'postgres'), { max: 1, applicationName: 'fluxo-provisioning' });
  try {
    const found = await sql<{ one: number }>`SELECT 1 AS one FROM pg_database WHERE datname = ${database}`.execute(admin);
    if (found.rows.length > 0) return 'existed';
    try {
      await sql.raw(`CREATE DATABASE ${quoteIdent(database)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`).execute(admin);
      return 'created';
    } catch (error) {
      // Another provisioning attempt won the race: same end state.
      if (isPgError(error, '42P04') || isPgError(error, '23505')) return 'existed';
      throw error;
    }
  } finally {
    await admin.destroy();
  }
}

export async function dropDatabase(shardUrl: string, database: string): Promise<void> {
  const admin = createDatabase<unknown>(withDatabase(shardUrl, 'postgres'), { max: 1 });
  try {
    await sql.raw(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).execute(admin);
  } finally {
    await admin.destroy();
  }
}
