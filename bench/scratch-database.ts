import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { loadConfig, type FluxoConfig } from '../platform/config';
import { createDatabase, quoteIdent, withDatabase } from '../platform/db';

/** The server the benches use: DATABASE_URL's, or the local PostgreSQL. */
export const BENCH_SERVER = withDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'postgres');

export interface BenchDatabase {
  /** The control-plane database's name; tenant databases are named `<name>_t_…`. */
  name: string;
  /** The product's settings on that database, in production mode and with the response cache off unless asked for, with `env` on top. */
  config: FluxoConfig;
  /** Drops the control plane and its tenant databases, or keeps them (and says so) with BENCH_KEEP set. */
  drop: () => Promise<void>;
}

/** A fresh, empty control-plane database for one bench run, on BENCH_SERVER. */
export async function createBenchDatabase(label: string, env: Record<string, string> = {}): Promise<BenchDatabase> {
  const name = `fluxo_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = createDatabase<unknown>(BENCH_SERVER, { max: 1 });
  await sql.raw(`CREATE DATABASE ${quoteIdent(name)}`).execute(admin);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: withDatabase(BENCH_SERVER, name),
    FLUXO_SHARDS: `default=${BENCH_SERVER}`,
    FLUXO_DEFAULT_SHARD: 'default',
    FLUXO_TENANT_DB_PREFIX: `${name}_t_`,
    FLUXO_DATA_DIR: '/nonexistent',
    // The benches measure queries executed: the response cache, on as shipped,
    // would answer their repeated queries from memory. FLUXO_RESPONSE_CACHE=1 keeps it on.
    FLUXO_RESPONSE_CACHE: process.env.FLUXO_RESPONSE_CACHE ?? '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    ...env,
  });
  const drop = async () => {
    try {
      const { rows } = await sql<{ datname: string }>`SELECT datname FROM pg_database WHERE datname = ${name} OR datname LIKE ${`${name}_t_%`}`.execute(admin);
      if (process.env.BENCH_KEEP) console.log(`kept databases: ${rows.map((r) => r.datname).join(', ')}`);
      else for (const { datname } of rows) await sql.raw(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).execute(admin);
    } finally {
      await admin.destroy();
    }
  };
  return { name, config, drop };
}
