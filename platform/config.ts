import fs from 'node:fs';
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

/** Query-shape limits and request budgets of the gateway. */
export interface LimitOptions {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  /** Requests per minute for one access key (the operator is not limited). */
  perKeyPerMinute: number;
  /** Requests per minute from one client address without a key. */
  anonymousPerMinute: number;
  /** Refused credentials per minute from one client address before it is refused outright. */
  failedCredentialsPerMinute: number;
  exposeSuggestions: boolean;
  /**
   * Redis shared by every gateway replica for the rate limits (FLUXO_REDIS_URL);
   * null keeps them in each process's memory (one gateway, as `npm start` runs).
   */
  redisUrl: string | null;
}

/** schema/supergraph.graphql, found from sources (tsx, jest) and from dist/. */
export function supergraphPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLUXO_SUPERGRAPH_PATH) return path.resolve(env.FLUXO_SUPERGRAPH_PATH);
  const fromSources = path.resolve(__dirname, '..', 'schema', 'supergraph.graphql');
  return fs.existsSync(fromSources) ? fromSources : path.resolve(__dirname, '..', '..', 'schema', 'supergraph.graphql');
}

/** operations/manifest.json (persisted operations), found from sources and from dist/. */
export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLUXO_MANIFEST_PATH) return path.resolve(env.FLUXO_MANIFEST_PATH);
  const fromSources = path.resolve(__dirname, '..', 'operations', 'manifest.json');
  return fs.existsSync(fromSources) ? fromSources : path.resolve(__dirname, '..', '..', 'operations', 'manifest.json');
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): LimitOptions {
  return {
    maxDepth: intFromEnv(env.FLUXO_MAX_DEPTH, 12, 'FLUXO_MAX_DEPTH'),
    maxAliases: intFromEnv(env.FLUXO_MAX_ALIASES, 20, 'FLUXO_MAX_ALIASES'),
    maxCost: intFromEnv(env.FLUXO_MAX_COST, 20_000, 'FLUXO_MAX_COST'),
    maxTokens: intFromEnv(env.FLUXO_MAX_TOKENS, 5_000, 'FLUXO_MAX_TOKENS'),
    perKeyPerMinute: intFromEnv(env.FLUXO_RATE_LIMIT_PER_MINUTE, 6_000, 'FLUXO_RATE_LIMIT_PER_MINUTE'),
    anonymousPerMinute: intFromEnv(env.FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE, 120, 'FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE'),
    failedCredentialsPerMinute: intFromEnv(env.FLUXO_FAILED_CREDENTIALS_PER_MINUTE, 30, 'FLUXO_FAILED_CREDENTIALS_PER_MINUTE'),
    exposeSuggestions: env.NODE_ENV !== 'production',
    redisUrl: env.FLUXO_REDIS_URL?.trim() || null,
  };
}
