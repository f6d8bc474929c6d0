import path from 'node:path';

/**
 * Process configuration, read once from the environment. Nothing else reads
 * `process.env` for settings, so every knob is listed here with its default.
 */
export interface FluxoConfig {
  /** Control-plane database. */
  databaseUrl: string;
  /** Shard name → server connection string (database part ignored). `default` is the control plane's server. */
  shards: Record<string, string>;
  /** Shard that new tenants are placed on. */
  defaultShard: string;
  /** Prefix of tenant database names; tests give each file its own. */
  tenantDatabasePrefix: string;
  dataDir: string;
  logLevel: string;
  nodeEnv: string;
}

export function parseShards(raw: string | undefined, databaseUrl: string): Record<string, string> {
  const shards: Record<string, string> = {};
  if (raw) {
    // FLUXO_SHARDS="eu1=postgres://host1:5432,eu2=postgres://host2:5432"
    for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new Error(`FLUXO_SHARDS entry "${part}" must look like name=postgres://host:port`);
      shards[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  }
  if (!shards.default) shards.default = databaseUrl;
  return shards;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): FluxoConfig {
  const dataDir = path.resolve(env.FLUXO_DATA_DIR ?? '.data');
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fluxo';
  return {
    databaseUrl,
    shards: parseShards(env.FLUXO_SHARDS, databaseUrl),
    defaultShard: env.FLUXO_DEFAULT_SHARD ?? 'default',
    tenantDatabasePrefix: env.FLUXO_TENANT_DB_PREFIX ?? 'fluxo_tenant_',
    dataDir,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    nodeEnv: env.NODE_ENV ?? 'development',
  };
}

export function intFromEnv(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}
