import fs from 'node:fs';
import path from 'node:path';
import { limitsFromEnv, loadConfig, requireSettings, ServiceConfigError, subgraphUrl, withControlPlane } from '../../platform/config';
import { catalogue } from '../../platform/settings';
import { subgraphPort } from '../../platform/subgraphs';
import { parsePartition } from '../../worker/service';

const root = path.resolve(__dirname, '..', '..');
const ADMIN_TOKEN = `fluxo_admin_${'a'.repeat(40)}`;

/** The thrown message, so a test can check that it is one line. */
function failureOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('one place reads the settings', () => {
  /**
   * Reads of the environment in one source file. Setting a variable for a
   * library (APOLLO_TELEMETRY_DISABLED) is a write, not a read.
   */
  function environmentReads(source: string): string[] {
    const withoutWrites = source.replace(/process\.env\.APOLLO_TELEMETRY_DISABLED\s*=(?!=)/g, '');
    const reads = withoutWrites.match(/\bprocess\s*(?:\.\s*env\b|\[\s*['"]env['"]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/g);
    return reads ?? [];
  }

  function sourceFiles(folder: string): string[] {
    return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) return sourceFiles(file);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
    });
  }

  it('finds a read of the environment, and ignores the telemetry switch', () => {
    expect(environmentReads("const port = process.env.PORT ?? '4000';")).toHaveLength(1);
    expect(environmentReads("const level = process['env'].LOG_LEVEL;")).toHaveLength(1);
    expect(environmentReads('const { env } = process;')).toHaveLength(1);
    expect(environmentReads("process.env.APOLLO_TELEMETRY_DISABLED = '1';")).toEqual([]);
    expect(environmentReads("if (process.env.APOLLO_TELEMETRY_DISABLED === '1') {}")).toHaveLength(1);
  });

  it('is platform/config.ts: no other product file reads process.env', () => {
    const files = ['app', 'cli', 'gateway', 'worker', 'platform', 'subgraphs'].flatMap((folder) => sourceFiles(path.join(root, folder)));
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(path.join(root, 'platform', 'config.ts'));
    const readers = files
      .filter((file) => file !== path.join(root, 'platform', 'config.ts'))
      .filter((file) => environmentReads(fs.readFileSync(file, 'utf8')).length > 0)
      .map((file) => path.relative(root, file));
    expect(readers).toEqual([]);
  });
});

describe("the README's configuration table", () => {
  /** Rows of the table under `## Configuration`, as cells. */
  function readmeRows(): string[][] {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
    if (!section) throw new Error('README.md has no "## Configuration" section');
    return section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .slice(1, -1)
          .split(' | ')
          .map((cell) => cell.trim()),
      );
  }

  it('lists exactly the settings of the catalogue', () => {
    const documented = readmeRows().map(([variable]) => variable!.replace(/`/g, ''));
    expect([...documented].sort()).toEqual(
      catalogue()
        .map((s) => s.name)
        .sort(),
    );
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("prints each setting's default, readers and meaning as the catalogue has them", () => {
    const rows = new Map(readmeRows().map((cells) => [cells[0]!.replace(/`/g, ''), cells.slice(1)]));
    for (const s of catalogue())
      expect({ name: s.name, cells: rows.get(s.name) }).toEqual({ name: s.name, cells: [s.default, s.readBy.join(', '), s.meaning] });
  });
});

describe('loadConfig', () => {
  it('keeps the defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/fluxo');
    expect(config.shards).toEqual({ default: config.databaseUrl });
    expect(config.defaultShard).toBe('default');
    expect(config.tenantDatabasePrefix).toBe('fluxo_tenant_');
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(config.logLevel).toBe('info');
    expect(config.cli).toEqual({ logLevel: 'silent', debug: false, pgBin: null });
    expect(config.gateway).toMatchObject({ port: 4000, host: '0.0.0.0', sandbox: true, exposeQueryPlan: false, keyCacheTtlMillis: 30_000 });
    expect(config.gateway.limits).toEqual({
      maxDepth: 12,
      maxAliases: 20,
      maxCost: 20_000,
      maxTokens: 5_000,
      perKeyPerMinute: 6_000,
      anonymousPerMinute: 120,
      failedCredentialsPerMinute: 30,
      failedCredentialsPerAddressPerMinute: 300,
      costBudget: { keyed: { capacity: 20_000, refillPerSecond: 500 }, anonymous: { capacity: 1_000, refillPerSecond: 20 } },
      frontDoor: {
        keyed: {
          maxBodyBytes: 1_048_576,
          maxNesting: 32,
          maxQueryLength: 100_000,
          maxTokens: 5_000,
          maxFields: 2_000,
          maxAliases: 20,
          maxRepeatedFields: 20,
          maxDirectives: 50,
        },
        anonymous: {
          maxBodyBytes: 32_768,
          maxNesting: 16,
          maxQueryLength: 8_000,
          maxTokens: 1_000,
          maxFields: 200,
          maxAliases: 10,
          maxRepeatedFields: 5,
          maxDirectives: 10,
        },
      },
      exposeSuggestions: true,
      redisUrl: null,
    });
    expect(config.gateway.subgraphFaults).toEqual({ timeoutMillis: 10_000, breakerFailures: 5, halfOpenAfterMillis: 5_000 });
    expect(fs.existsSync(config.gateway.supergraphPath)).toBe(true);
    expect(fs.existsSync(config.gateway.manifestPath)).toBe(true);
    expect(config.pools).toEqual({ controlPlane: 10, perTenant: 5, tenantConnectionsMax: 50, tenantIdleMillis: 60_000 });
    expect(config.worker).toEqual({
      pollMillis: 1_000,
      maxListeners: 100,
      partition: { index: 0, count: 1 },
      tenantPoolSize: 1,
      concurrency: 4,
      failureRepeatMillis: 300_000,
      crashAt: null,
      host: '0.0.0.0',
      metricsPort: 9464,
      metricsIntervalMillis: 15_000,
    });
    expect(config.start).toEqual({ demo: false, embeddedPostgresPort: 5488 });
    expect(config.secrets).toEqual({
      adminToken: null,
      contextPrivateKey: null,
      contextPublicKey: null,
      sessionPrivateKey: null,
      sessionPublicKey: null,
      dataMasterKey: null,
    });
    expect(config.given.size).toBe(0);
  });

  it('keeps answers in the response cache unless told not to', () => {
    expect(loadConfig({}).gateway.responseCache).toEqual({ enabled: true, maxBytes: 64 * 1024 * 1024 });
    expect(loadConfig({ FLUXO_RESPONSE_CACHE: '0' }).gateway.responseCache.enabled).toBe(false);
  });

  it('reads the values it is given, an empty one counting as unset', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://cp:5432/fluxo',
      FLUXO_SHARDS: 'eu2=postgres://eu2:5432, eu3=postgres://eu3:5432',
      FLUXO_DEFAULT_SHARD: 'eu2',
      FLUXO_MAX_DEPTH: '7',
      FLUXO_REDIS_URL: ' redis://cache:6379 ',
      FLUXO_WORKER_PARTITION: '1/3',
      FLUXO_ADMIN_TOKEN: ADMIN_TOKEN,
      FLUXO_SANDBOX: '',
      NODE_ENV: 'test',
    });
    expect(config.shards).toEqual({ eu2: 'postgres://eu2:5432', eu3: 'postgres://eu3:5432', default: 'postgres://cp:5432/fluxo' });
    expect(config.defaultShard).toBe('eu2');
    expect(config.gateway.limits.maxDepth).toBe(7);
    expect(config.gateway.limits.redisUrl).toBe('redis://cache:6379');
    expect(config.worker.partition).toEqual({ index: 1, count: 3 });
    expect(config.secrets.adminToken).toBe(ADMIN_TOKEN);
    expect(config.logLevel).toBe('silent');
    expect(config.given.has('FLUXO_SANDBOX')).toBe(false);
    expect(config.given.has('DATABASE_URL')).toBe(true);
  });

  it('turns Sandbox, suggestions and the query-plan switch off in production', () => {
    const production = loadConfig({ NODE_ENV: 'production', FLUXO_EXPOSE_QUERY_PLAN: '1' });
    expect(production.gateway.sandbox).toBe(false);
    expect(production.gateway.exposeQueryPlan).toBe(false);
    expect(production.gateway.limits.exposeSuggestions).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', FLUXO_SANDBOX: '1' }).gateway.sandbox).toBe(true);
    expect(loadConfig({ FLUXO_EXPOSE_QUERY_PLAN: '1' }).gateway.exposeQueryPlan).toBe(true);
  });

  it('reads the per-subgraph ports and URLs by name', () => {
    const config = loadConfig({
      FLUXO_ASSETS_PORT: '5002',
      FLUXO_ASSETS_URL: 'http://assets:4002/graphql',
      FLUXO_REDIS_URL: 'redis://r:6379',
      FLUXO_EMBEDDED_PG_PORT: '6000',
    });
    expect(config.subgraph.ports).toEqual({ ASSETS: 5002 });
    expect(config.gateway.subgraphUrls).toEqual({ ASSETS: 'http://assets:4002/graphql' });
    expect(subgraphPort({ name: 'assets', module: 'ASSETS', defaultPort: 4002 }, config)).toBe(5002);
    expect(subgraphPort({ name: 'finance', module: 'FINANCE', defaultPort: 4004 }, config)).toBe(4004);
    expect(subgraphUrl(config, 'assets')).toBe('http://assets:4002/graphql');
    expect(subgraphUrl(config, 'finance')).toBeNull();
    expect(config.start.embeddedPostgresPort).toBe(6000);
  });

  it('moves the default shard along with the control plane unless it was named', () => {
    const derived = withControlPlane(loadConfig({ FLUXO_SHARDS: 'eu2=postgres://eu2:5432' }), 'postgres://embedded:5488/fluxo');
    expect(derived.databaseUrl).toBe('postgres://embedded:5488/fluxo');
    expect(derived.shards).toEqual({ eu2: 'postgres://eu2:5432', default: 'postgres://embedded:5488/fluxo' });
    expect(derived.given.has('DATABASE_URL')).toBe(true);
    const named = withControlPlane(loadConfig({ FLUXO_SHARDS: 'default=postgres://main:5432' }), 'postgres://embedded:5488/fluxo');
    expect(named.shards.default).toBe('postgres://main:5432');
  });
});

describe('a bad value stops the start with one line naming the variable', () => {
  it.each([
    [{ FLUXO_MAX_DEPTH: 'deep' }, 'FLUXO_MAX_DEPTH must be a non-negative integer, got "deep"'],
    [{ FLUXO_KEY_CACHE_TTL_MS: '-1' }, 'FLUXO_KEY_CACHE_TTL_MS must be a non-negative integer, got "-1"'],
    [{ PORT: '70000' }, 'PORT must be a port number (0-65535), got "70000"'],
    [{ FLUXO_PAYROLL_PORT: 'x' }, 'FLUXO_PAYROLL_PORT must be a port number (0-65535), got "x"'],
    [{ FLUXO_WORKER_POLL_MS: '0' }, 'FLUXO_WORKER_POLL_MS must be a positive integer, got "0"'],
    [{ FLUXO_SUBGRAPH_TIMEOUT_MS: '0' }, 'FLUXO_SUBGRAPH_TIMEOUT_MS must be a positive integer, got "0"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ FLUXO_SANDBOX: 'yes' }, 'FLUXO_SANDBOX must be 1 or 0, got "yes"'],
    [{ FLUXO_WORKER_PARTITION: '4/4' }, 'FLUXO_WORKER_PARTITION must be "index/count" with 0 <= index < count, e.g. "0/4", got "4/4"'],
    [{ FLUXO_WORKER_CRASH_AT: 'somewhere' }, 'FLUXO_WORKER_CRASH_AT must be one of before-consumer-commit, after-consumer-commit, got "somewhere"'],
    [{ FLUXO_DEFAULT_SHARD: 'eu9' }, 'FLUXO_DEFAULT_SHARD names shard "eu9", which FLUXO_SHARDS does not define (shards: default)'],
  ])('%j', (env, message) => {
    expect(failureOf(env)).toBe(message);
  });

  it('names every bad variable at once, on one line', () => {
    const message = failureOf({ FLUXO_MAX_COST: 'lots', FLUXO_MAX_TOKENS: '1.5', PORT: 'http' });
    expect(message).toBe(
      'PORT must be a port number (0-65535), got "http"; FLUXO_MAX_COST must be a non-negative integer, got "lots"; FLUXO_MAX_TOKENS must be a non-negative integer, got "1.5"',
    );
    expect(message).not.toContain('\n');
  });

  it('never repeats a secret in the message', () => {
    const message = failureOf({ FLUXO_ADMIN_TOKEN: 'hunter2-the-password', FLUXO_SHARDS: 'postgres://u:hunter2@db:5432' });
    expect(message).toMatch(/^FLUXO_SHARDS entry 1 must look like name=postgres:\/\/host:port; FLUXO_ADMIN_TOKEN must look like fluxo_admin_/);
    expect(message).not.toContain('hunter2');
  });

  it('names every required setting that is missing', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://cp/fluxo' });
    expect(() => requireSettings(config, ['DATABASE_URL'])).not.toThrow();
    expect(() => requireSettings(config, ['DATABASE_URL', 'FLUXO_ADMIN_TOKEN', 'FLUXO_ASSETS_URL'])).toThrow(
      new ServiceConfigError('missing required environment variables: FLUXO_ADMIN_TOKEN, FLUXO_ASSETS_URL'),
    );
  });

  it('is what the older entry points of a single setting report too', () => {
    expect(parsePartition(undefined)).toEqual({ index: 0, count: 1 });
    expect(() => parsePartition('x')).toThrow(/^FLUXO_WORKER_PARTITION must be "index\/count"/);
    expect(() => limitsFromEnv({ FLUXO_RATE_LIMIT_PER_MINUTE: 'many' })).toThrow('FLUXO_RATE_LIMIT_PER_MINUTE must be a non-negative integer, got "many"');
  });
});

describe('FLUXO_CORS_ORIGINS', () => {
  it('takes exact origins, comma-separated', () => {
    expect(loadConfig({ FLUXO_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).gateway.corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(loadConfig({}).gateway.corsOrigins).toEqual([]);
  });

  it('refuses a wildcard, a path and anything that is not an origin', () => {
    for (const value of [
      '*',
      'https://*.example.com',
      'https://app.example.com/',
      'https://app.example.com/console',
      'app.example.com',
      'ftp://files.example.com',
    ]) {
      expect(() => loadConfig({ FLUXO_CORS_ORIGINS: value })).toThrow(/FLUXO_CORS_ORIGINS/);
    }
  });
});
