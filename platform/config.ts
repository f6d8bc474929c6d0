import fs from 'node:fs';
import path from 'node:path';
import type { PlacementPolicy } from './placement';
import {
  InvalidSetting,
  SETTING_PATTERNS,
  SETTINGS,
  type CrashPoint,
  type Partition,
  type SettingDefinition,
  type SettingName,
  type SettingPattern,
  type SettingValues,
} from './settings';

export type { CrashPoint, FluxoProcess, Partition } from './settings';

/**
 * Process configuration, read once from the environment and handed to each
 * process in typed sections. This is the only file that reads `process.env`
 * for settings; the settings themselves are catalogued in ./settings.ts.
 */

/** A setting the operator must fix; its message is the whole story, so no stack trace is shown. */
export class ServiceConfigError extends Error {}

/** Bounds on a request checked before it is validated (gateway/front-door.ts), cheapest first. */
export interface FrontDoorLimits {
  maxBodyBytes: number;
  /** Deepest bracket nesting, in the body's JSON and in the query text. */
  maxNesting: number;
  maxQueryLength: number;
  maxTokens: number;
  maxFields: number;
  maxAliases: number;
  /** Times one response name may appear in one selection set. */
  maxRepeatedFields: number;
  maxDirectives: number;
}

/** A token bucket of query cost: it holds `capacity` points and gains `refillPerSecond` a second. */
export interface CostBucketOptions {
  capacity: number;
  refillPerSecond: number;
}

/** Query-shape limits and request budgets of the gateway. */
export interface LimitOptions {
  /** Request bounds for callers presenting a credential, and for those that do not. */
  frontDoor: { keyed: FrontDoorLimits; anonymous: FrontDoorLimits };
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  /** Requests per minute for one access key (the operator is not limited). */
  perKeyPerMinute: number;
  /** Requests per minute from one client address without a key. */
  anonymousPerMinute: number;
  /** Refused credentials per minute for one key prefix from one client address before that pair is refused outright. */
  failedCredentialsPerMinute: number;
  /** Refused credentials per minute from one client address, every prefix together. */
  failedCredentialsPerAddressPerMinute: number;
  /** Query-cost budgets (docs/limits.md): per key or person, and per client address without either. */
  costBudget: { keyed: CostBucketOptions; anonymous: CostBucketOptions };
  /** The clock cost budgets refill by, in milliseconds (Date.now unless a test drives it). */
  now?: () => number;
  exposeSuggestions: boolean;
  /**
   * Redis shared by every gateway replica for the rate limits (FLUXO_REDIS_URL);
   * null keeps them in each process's memory (one gateway, as `npm start` runs).
   */
  redisUrl: string | null;
}

/** How the gateway contains a slow or dead subgraph (gateway/subgraph-breaker.ts). */
export interface SubgraphFaultOptions {
  /** Deadline of one subgraph call, connection to last byte. */
  timeoutMillis: number;
  /** Consecutive failed calls that open a subgraph's circuit. */
  breakerFailures: number;
  /** How long an open circuit refuses calls before one probe is let through. */
  halfOpenAfterMillis: number;
}

export interface GatewaySettings {
  port: number;
  /** Where the gateway run alone listens. */
  host: string;
  supergraphPath: string;
  /** operations/manifest.json: the persisted (safelisted) operations. */
  manifestPath: string;
  /** Subgraph URLs given as FLUXO_<NAME>_URL, by NAME (see subgraphUrl). */
  subgraphUrls: Readonly<Record<string, string>>;
  sandbox: boolean;
  exposeQueryPlan: boolean;
  /** Browser origins allowed to call the gateway (CORS), exact. */
  corsOrigins: string[];
  keyCacheTtlMillis: number;
  /** Processes sharing the gateway's port (platform/service-processes.ts). */
  processes: number;
  /** On stop, how long the gateway answers while /ready says it is draining. */
  drainGraceMillis: number;
  /** Whole answers kept per caller (docs/response-cache.md). */
  responseCache: { enabled: boolean; maxBytes: number };
  /** Identical queries of one caller in flight at once executed once (gateway/shared-queries.ts). */
  sharedQueries: boolean;
  limits: LimitOptions;
  subgraphFaults: SubgraphFaultOptions;
}

/** Mail Fluxo sends (invitations). */
export interface MailSettings {
  smtpUrl: string | null;
  from: string;
  /** Where people reach the gateway, for links. */
  publicUrl: string;
}

export interface SubgraphSettings {
  /** Where a subgraph run alone listens. */
  host: string;
  /** Ports given as FLUXO_<NAME>_PORT, by NAME (see subgraphPort in ./subgraphs). */
  ports: Readonly<Record<string, number>>;
}

/** Given secrets; null where `fluxo start` generates its own in the data dir. PEM keys are parsed where used. */
export interface SecretSettings {
  adminToken: string | null;
  contextPrivateKey: string | null;
  contextPublicKey: string | null;
  sessionPrivateKey: string | null;
  sessionPublicKey: string | null;
  /** Base64 AES-256 key wrapping the tenants' data keys (platform/data-encryption.ts). */
  dataMasterKey: string | null;
}

/** Companies' own OpenID Connect providers (gateway/oidc-verifier.ts, platform/oidc.ts). */
export interface OidcSettings {
  /** Issuers at http:// on loopback are accepted (development and tests; never in production). */
  allowHttp: boolean;
}

export interface PoolSettings {
  controlPlane: number;
  perTenant: number;
  tenantConnectionsMax: number;
  tenantIdleMillis: number;
}

export interface WorkerSettings {
  pollMillis: number;
  maxListeners: number;
  partition: Partition;
  /** Connections per tenant database in the worker's pools (they share pools.tenantConnectionsMax). */
  tenantPoolSize: number;
  /** Tenant databases drained at once (at most the pools the worker keeps open). */
  concurrency: number;
  /** How often a drain failure that persists is logged again, with its count. */
  failureRepeatMillis: number;
  /** Fault injection of the crash-safety tests. */
  crashAt: CrashPoint | null;
  /** Where the worker serves /metrics and /health. */
  host: string;
  metricsPort: number;
  /** How often the outbox gauges are read from the tenant databases. */
  metricsIntervalMillis: number;
}

/** Public events and their webhook deliveries (docs/public-events.md). */
export interface WebhookSettings {
  publicEventRetentionMillis: number;
  timeoutMillis: number;
  concurrency: number;
  disableAfterMillis: number;
  disableAfterFailures: number;
  /** Endpoints on loopback are accepted (development and tests; never in production). */
  allowLoopback: boolean;
}

export interface StartSettings {
  demo: boolean;
  embeddedPostgresPort: number;
}

export interface CliSettings {
  logLevel: string;
  /** Print the stack trace of every failure. */
  debug: boolean;
  /** Directory of pg_dump and pg_restore; null looks them up on PATH. */
  pgBin: string | null;
}

/** Database roles per service (platform/db-roles.ts, docs/database-roles.md). */
export interface DatabaseRoleSettings {
  /** Each service connects as `<prefix><service>` and migrations run as `<prefix>owner`. */
  enabled: boolean;
  prefix: string;
  /** Passwords given as FLUXO_<NAME>_DB_PASSWORD, by NAME (`ASSETS`, `GATEWAY`, …). */
  passwords: Readonly<Record<string, string>>;
}

export interface FluxoConfig {
  /** Control-plane database. */
  databaseUrl: string;
  /** Shard name → server connection string (database part ignored). `default` is the control plane's server unless named. */
  shards: Record<string, string>;
  /** Shard that new tenants are placed on. */
  defaultShard: string;
  /** How new tenants are spread over the shards (platform/placement.ts). */
  placement: PlacementPolicy;
  /** Prefix of tenant database names; tests give each file its own. */
  tenantDatabasePrefix: string;
  /** Prefix of migrated template databases new tenant databases are cloned from; null migrates each from scratch. */
  tenantTemplatePrefix: string | null;
  dataDir: string;
  logLevel: string;
  nodeEnv: string;
  /** Where traces go (OTLP over HTTP); null: no tracing at all. */
  tracing: { endpoint: string | null };
  gateway: GatewaySettings;
  subgraph: SubgraphSettings;
  mail: MailSettings;
  secrets: SecretSettings;
  oidc: OidcSettings;
  pools: PoolSettings;
  worker: WorkerSettings;
  webhooks: WebhookSettings;
  start: StartSettings;
  cli: CliSettings;
  databaseRoles: DatabaseRoleSettings;
  /** Variables that were set (non-empty): what requireSettings checks. */
  given: ReadonlySet<string>;
  /** Every setting's value, from which the sections are built. */
  settings: Readonly<SettingValues>;
}

type Environment = Readonly<Record<string, string | undefined>>;

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/fluxo';

/** Subgraph names as they appear in variable names: `assets` → `ASSETS`. */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export const subgraphPortVariable = (subgraph: string): string => `FLUXO_${envName(subgraph)}_PORT`;
export const subgraphUrlVariable = (subgraph: string): string => `FLUXO_${envName(subgraph)}_URL`;

/** A subgraph's URL given as FLUXO_<NAME>_URL, or null. */
export function subgraphUrl(config: Pick<FluxoConfig, 'gateway'>, subgraph: string): string | null {
  return config.gateway.subgraphUrls[envName(subgraph)] ?? null;
}

/**
 * Reads and checks every setting. Every bad value is reported at once, in one
 * ServiceConfigError naming each variable, so a start stops with one line.
 * Pure: tests build configurations from plain objects.
 */
export function loadConfig(env: Environment = process.env): FluxoConfig {
  const problems: string[] = [];
  const given = new Set<string>();
  const read = <T>(name: string, definition: SettingDefinition<T>): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return definition.unset;
    given.add(name);
    try {
      return definition.parse(raw);
    } catch (error) {
      if (!(error instanceof InvalidSetting)) throw error;
      problems.push(`${name} ${error.message}${definition.secret ? '' : `, got "${raw}"`}`);
      return definition.unset;
    }
  };
  const values = Object.fromEntries(
    Object.entries(SETTINGS).map(([name, definition]) => [name, read(name, definition as SettingDefinition<unknown>)]),
  ) as SettingValues;
  // Variables named after a subgraph, by the subgraph's part of the name.
  const family = <T>(pattern: SettingPattern<T | null>): Record<string, T> => {
    const found: Record<string, T> = {};
    for (const name of Object.keys(env).sort()) {
      const subgraph = name in SETTINGS ? undefined : pattern.pattern.exec(name)?.[1];
      const value = subgraph === undefined ? null : read(name, pattern);
      if (subgraph !== undefined && value !== null) found[subgraph] = value;
    }
    return found;
  };
  const families: Families = {
    ports: family(SETTING_PATTERNS['FLUXO_<NAME>_PORT']),
    urls: family(SETTING_PATTERNS['FLUXO_<NAME>_URL']),
    passwords: family(SETTING_PATTERNS['FLUXO_<NAME>_DB_PASSWORD']),
  };
  if (problems.length > 0) throw new ServiceConfigError(problems.join('; '));
  return assemble(values, families, given);
}

/**
 * Apollo's libraries report anonymous usage to Apollo unless this variable is
 * set, and they read it themselves; Fluxo never phones home.
 */
export function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
}

/**
 * The environment of a service that `fluxo start` runs as a child process:
 * this process's settings with `overrides` on top; a null override removes a
 * variable (a secret the child must not hold).
 */
export function childEnvironment(overrides: Record<string, string | null>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** One setting's value, checked as loadConfig checks it. */
export function parseSetting<N extends SettingName>(name: N, value: string | undefined): SettingValues[N] {
  return loadConfig({ [name]: value }).settings[name];
}

/** The same configuration with another control plane (`fluxo start` learns the embedded server's URL after reading it). */
export function withControlPlane(config: FluxoConfig, databaseUrl: string): FluxoConfig {
  return assemble(
    { ...config.settings, DATABASE_URL: databaseUrl },
    { ports: { ...config.subgraph.ports }, urls: { ...config.gateway.subgraphUrls }, passwords: { ...config.databaseRoles.passwords } },
    new Set([...config.given, 'DATABASE_URL']),
  );
}

/** Stops a start naming every one of `names` that was not set. */
export function requireSettings(config: FluxoConfig, names: readonly string[]): void {
  const missing = names.filter((n) => !config.given.has(n));
  if (missing.length > 0) throw new ServiceConfigError(`missing required environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
}

/** A setting without a default that this process cannot do without. */
export function requiredSetting<T>(value: T | null, name: string): T {
  if (value === null) throw new ServiceConfigError(`missing required environment variable: ${name}`);
  return value;
}

/** Parses a PEM key setting where it is used, turning the crypto library's decoder message into one that names the variable. */
export function parsePemSetting<T>(name: string, value: string | null, parse: (pem: string) => T): T {
  const pem = requiredSetting(value, name);
  try {
    return parse(pem);
  } catch {
    throw new ServiceConfigError(`${name} is not a valid PEM key (newlines may be written as \\n)`);
  }
}

/** The gateway's limits as the environment sets them (tests start from these and change one). */
export function limitsFromEnv(env: Environment = process.env): LimitOptions {
  return loadConfig(env).gateway.limits;
}

interface Families {
  ports: Record<string, number>;
  urls: Record<string, string>;
  passwords: Record<string, string>;
}

function assemble(values: SettingValues, families: Families, given: ReadonlySet<string>): FluxoConfig {
  const nodeEnv = values.NODE_ENV;
  const production = nodeEnv === 'production';
  const databaseUrl = values.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const shards = { ...values.FLUXO_SHARDS, default: values.FLUXO_SHARDS.default || databaseUrl };
  if (!(values.FLUXO_DEFAULT_SHARD in shards)) {
    throw new ServiceConfigError(
      `FLUXO_DEFAULT_SHARD names shard "${values.FLUXO_DEFAULT_SHARD}", which FLUXO_SHARDS does not define (shards: ${Object.keys(shards).join(', ')})`,
    );
  }
  const unknownRule = Object.entries(values.FLUXO_PLACEMENT_RULES).find(([, shard]) => !(shard in shards));
  if (unknownRule) {
    throw new ServiceConfigError(
      `FLUXO_PLACEMENT_RULES places plan "${unknownRule[0]}" on shard "${unknownRule[1]}", which FLUXO_SHARDS does not define (shards: ${Object.keys(shards).join(', ')})`,
    );
  }
  return {
    databaseUrl,
    shards,
    defaultShard: values.FLUXO_DEFAULT_SHARD,
    placement: { strategy: values.FLUXO_PLACEMENT, planShards: values.FLUXO_PLACEMENT_RULES, defaultShard: values.FLUXO_DEFAULT_SHARD },
    tenantDatabasePrefix: values.FLUXO_TENANT_DB_PREFIX,
    tenantTemplatePrefix: values.FLUXO_TENANT_TEMPLATE_PREFIX || null,
    dataDir: path.resolve(values.FLUXO_DATA_DIR),
    logLevel: values.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    tracing: { endpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT },
    nodeEnv,
    gateway: {
      port: values.PORT,
      host: values.HOST,
      supergraphPath: values.FLUXO_SUPERGRAPH_PATH ? path.resolve(values.FLUXO_SUPERGRAPH_PATH) : besideTheCode('schema', 'supergraph.graphql'),
      manifestPath: values.FLUXO_MANIFEST_PATH ? path.resolve(values.FLUXO_MANIFEST_PATH) : besideTheCode('operations', 'manifest.json'),
      subgraphUrls: families.urls,
      sandbox: !production || values.FLUXO_SANDBOX,
      exposeQueryPlan: values.FLUXO_EXPOSE_QUERY_PLAN && !production,
      corsOrigins: values.FLUXO_CORS_ORIGINS,
      keyCacheTtlMillis: values.FLUXO_KEY_CACHE_TTL_MS,
      drainGraceMillis: values.FLUXO_DRAIN_GRACE_MS,
      responseCache: { enabled: values.FLUXO_RESPONSE_CACHE, maxBytes: values.FLUXO_RESPONSE_CACHE_MAX_MB * 1024 * 1024 },
      sharedQueries: values.FLUXO_SHARED_QUERIES,
      processes: values.FLUXO_GATEWAY_PROCESSES,
      limits: {
        frontDoor: {
          keyed: {
            maxBodyBytes: values.FLUXO_MAX_BODY_BYTES,
            maxNesting: values.FLUXO_MAX_NESTING,
            maxQueryLength: values.FLUXO_MAX_QUERY_LENGTH,
            maxTokens: values.FLUXO_MAX_TOKENS,
            maxFields: values.FLUXO_MAX_FIELDS,
            maxAliases: values.FLUXO_MAX_ALIASES,
            maxRepeatedFields: values.FLUXO_MAX_REPEATED_FIELDS,
            maxDirectives: values.FLUXO_MAX_DIRECTIVES,
          },
          anonymous: {
            maxBodyBytes: values.FLUXO_ANONYMOUS_MAX_BODY_BYTES,
            maxNesting: values.FLUXO_ANONYMOUS_MAX_NESTING,
            maxQueryLength: values.FLUXO_ANONYMOUS_MAX_QUERY_LENGTH,
            maxTokens: values.FLUXO_ANONYMOUS_MAX_TOKENS,
            maxFields: values.FLUXO_ANONYMOUS_MAX_FIELDS,
            maxAliases: values.FLUXO_ANONYMOUS_MAX_ALIASES,
            maxRepeatedFields: values.FLUXO_ANONYMOUS_MAX_REPEATED_FIELDS,
            maxDirectives: values.FLUXO_ANONYMOUS_MAX_DIRECTIVES,
          },
        },
        maxDepth: values.FLUXO_MAX_DEPTH,
        maxAliases: values.FLUXO_MAX_ALIASES,
        maxCost: values.FLUXO_MAX_COST,
        maxTokens: values.FLUXO_MAX_TOKENS,
        perKeyPerMinute: values.FLUXO_RATE_LIMIT_PER_MINUTE,
        anonymousPerMinute: values.FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE,
        failedCredentialsPerMinute: values.FLUXO_FAILED_CREDENTIALS_PER_MINUTE,
        failedCredentialsPerAddressPerMinute: values.FLUXO_FAILED_CREDENTIALS_PER_ADDRESS_PER_MINUTE,
        costBudget: {
          keyed: { capacity: values.FLUXO_COST_CAPACITY, refillPerSecond: values.FLUXO_COST_REFILL_PER_SECOND },
          anonymous: { capacity: values.FLUXO_ANONYMOUS_COST_CAPACITY, refillPerSecond: values.FLUXO_ANONYMOUS_COST_REFILL_PER_SECOND },
        },
        exposeSuggestions: !production,
        redisUrl: values.FLUXO_REDIS_URL,
      },
      subgraphFaults: {
        timeoutMillis: values.FLUXO_SUBGRAPH_TIMEOUT_MS,
        breakerFailures: values.FLUXO_SUBGRAPH_BREAKER_FAILURES,
        halfOpenAfterMillis: values.FLUXO_SUBGRAPH_BREAKER_HALF_OPEN_MS,
      },
    },
    subgraph: { host: values.HOST, ports: families.ports },
    mail: { smtpUrl: values.FLUXO_SMTP_URL, from: values.FLUXO_MAIL_FROM, publicUrl: values.FLUXO_PUBLIC_URL },
    secrets: {
      adminToken: values.FLUXO_ADMIN_TOKEN,
      contextPrivateKey: values.FLUXO_CONTEXT_PRIVATE_KEY,
      contextPublicKey: values.FLUXO_CONTEXT_PUBLIC_KEY,
      sessionPrivateKey: values.FLUXO_SESSION_PRIVATE_KEY,
      sessionPublicKey: values.FLUXO_SESSION_PUBLIC_KEY,
      dataMasterKey: values.FLUXO_DATA_MASTER_KEY,
    },
    oidc: { allowHttp: values.FLUXO_OIDC_ALLOW_HTTP && !production },
    pools: {
      controlPlane: values.FLUXO_CONTROL_PLANE_POOL,
      perTenant: values.FLUXO_TENANT_POOL_SIZE,
      tenantConnectionsMax: values.FLUXO_TENANT_CONNECTIONS_MAX,
      tenantIdleMillis: values.FLUXO_TENANT_POOL_IDLE_MS,
    },
    worker: {
      pollMillis: values.FLUXO_WORKER_POLL_MS,
      maxListeners: values.FLUXO_WORKER_MAX_LISTENERS,
      partition: values.FLUXO_WORKER_PARTITION,
      tenantPoolSize: values.FLUXO_WORKER_TENANT_POOL_SIZE,
      concurrency: values.FLUXO_WORKER_CONCURRENCY,
      failureRepeatMillis: values.FLUXO_WORKER_FAILURE_REPEAT_MS,
      crashAt: values.FLUXO_WORKER_CRASH_AT,
      host: values.HOST,
      metricsPort: values.FLUXO_WORKER_METRICS_PORT,
      metricsIntervalMillis: values.FLUXO_WORKER_METRICS_INTERVAL_MS,
    },
    webhooks: {
      publicEventRetentionMillis: values.FLUXO_PUBLIC_EVENTS_RETENTION_HOURS * 3_600_000,
      timeoutMillis: values.FLUXO_WEBHOOKS_TIMEOUT_MS,
      concurrency: values.FLUXO_WEBHOOKS_CONCURRENCY,
      disableAfterMillis: values.FLUXO_WEBHOOKS_DISABLE_AFTER_HOURS * 3_600_000,
      disableAfterFailures: values.FLUXO_WEBHOOKS_DISABLE_AFTER_FAILURES,
      allowLoopback: values.FLUXO_WEBHOOKS_ALLOW_LOOPBACK && !production,
    },
    start: { demo: values.FLUXO_DEMO, embeddedPostgresPort: values.FLUXO_EMBEDDED_PG_PORT },
    cli: { logLevel: values.LOG_LEVEL ?? 'silent', debug: values.FLUXO_DEBUG, pgBin: values.FLUXO_PG_BIN },
    databaseRoles: { enabled: values.FLUXO_DB_ROLES, prefix: values.FLUXO_DB_ROLE_PREFIX, passwords: families.passwords },
    given,
    settings: values,
  };
}

/** A file shipped with the code, found from sources (tsx, jest) and from dist/. */
function besideTheCode(folder: string, file: string): string {
  const fromSources = path.resolve(__dirname, '..', folder, file);
  return fs.existsSync(fromSources) ? fromSources : path.resolve(__dirname, '..', '..', folder, file);
}
