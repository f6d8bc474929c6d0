import { originProblem } from './origins';
import { parsePlacementRules, type PlacementStrategy } from './placement';

/**
 * Every setting of Fluxo: its environment variable, default, the processes
 * that read it and what it means. platform/config.ts parses the environment
 * from this catalogue, and the README's configuration table lists exactly
 * these rows (tests/unit/config.test.ts holds the two together), so a setting
 * cannot be added without its documentation.
 */

/** The programs that read settings. */
export type FluxoProcess =
  /** `node dist/gateway/main.js`, the gateway alone. */
  | 'gateway'
  /** `node dist/subgraphs/<name>/main.js`, one subgraph alone. */
  | 'subgraph'
  /** `node dist/worker/main.js`, the outbox relay alone. */
  | 'worker'
  /** `fluxo start` (`npm start`): everything in one process. */
  | 'start'
  /** The other `fluxo` commands (migrate, tenant, db). */
  | 'cli';

/** A value the operator must fix; the message says what was expected, the reader adds the variable's name. */
export class InvalidSetting extends Error {}

export interface SettingDefinition<T> {
  /** The default as the README prints it. */
  readonly default: string;
  readonly readBy: readonly FluxoProcess[];
  /** What the setting does, for the README. */
  readonly meaning: string;
  /** Turns a non-empty value into its typed form, or throws InvalidSetting. */
  readonly parse: (value: string) => T;
  /** The value when the variable is unset or empty. */
  readonly unset: T;
  /** A secret (or a URL that may hold a password) is never echoed in an error. */
  readonly secret?: boolean;
}

/** A family of settings, one per subgraph: `<NAME>` is the subgraph's name in capitals. */
export interface SettingPattern<T> extends SettingDefinition<T> {
  /** Matches the variable and captures `<NAME>`. */
  readonly pattern: RegExp;
}

const setting = <T>(definition: SettingDefinition<T>): SettingDefinition<T> => definition;

// ---- value parsers -------------------------------------------------------

const text = (value: string): string => value.trim();

function placementStrategy(value: string): PlacementStrategy {
  if (value === 'default-shard' || value === 'least-tenants') return value;
  throw new InvalidSetting('must be default-shard or least-tenants');
}

function placementRules(value: string): Record<string, string> {
  try {
    return parsePlacementRules(value);
  } catch (error) {
    throw new InvalidSetting(error instanceof Error ? error.message : String(error));
  }
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidSetting('must be a non-negative integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidSetting('must be a positive integer');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidSetting('must be a port number (0-65535)');
  return n;
}

function flag(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new InvalidSetting('must be 1 or 0');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
function logLevel(value: string): string {
  const v = value.trim();
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new InvalidSetting(`must be one of ${LOG_LEVELS.join(', ')}`);
  return v;
}

/** "eu1=postgres://host1:5432,eu2=postgres://host2:5432" */
export function shardList(value: string): Record<string, string> {
  const shards: Record<string, string> = {};
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [i, part] of parts.entries()) {
    const eq = part.indexOf('=');
    // The entry is not echoed: it may hold a password.
    if (eq <= 0) throw new InvalidSetting(`entry ${i + 1} must look like name=postgres://host:port`);
    shards[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return shards;
}

/** This worker's share of the tenants: those whose partition is `index` of `count`. */
export interface Partition {
  index: number;
  count: number;
}

export function partition(value: string): Partition {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new InvalidSetting('must be "index/count" with 0 <= index < count, e.g. "0/4"');
  return { index, count };
}

/** Points of a delivery at which the crash-safety tests make the worker kill itself. */
export const CRASH_POINTS = ['before-consumer-commit', 'after-consumer-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
function crashPoint(value: string): CrashPoint {
  const found = CRASH_POINTS.find((p) => p === value.trim());
  if (!found) throw new InvalidSetting(`must be one of ${CRASH_POINTS.join(', ')}`);
  return found;
}

/**
 * The gateway tells the operator from company keys by the `fluxo_admin_`
 * prefix (gateway/caller.ts); any other token would be refused as an unknown
 * key. The length floor keeps a hand-typed word from guarding operator access.
 */
/** A base64 AES-256 key (FLUXO_DATA_MASTER_KEY): 32 bytes. */
export function masterKey(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== value)
    throw new InvalidSetting('must be 32 random bytes in base64; generate one with: fluxo keys generate-data-master-key');
  return value;
}

export function adminToken(value: string): string {
  if (!/^fluxo_admin_[A-Za-z0-9_-]{32,}$/.test(value)) {
    throw new InvalidSetting('must look like fluxo_admin_<32 or more letters, digits, _ or ->; generate one with: fluxo keys generate-admin-token');
  }
  return value;
}

/** Role names are built from it and quoted as identifiers: lower-case letters, digits and underscores. */
function rolePrefix(value: string): string {
  const v = value.trim();
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(v))
    throw new InvalidSetting('must be lower-case letters, digits or _, starting with a letter or _, at most 41 characters');
  return v;
}

const count = (fallback: number) => ({ parse: wholeNumber, unset: fallback, default: String(fallback) });
/**
 * Browser origins, comma-separated: each exactly `scheme://host[:port]` (no
 * path, no wildcard: a page's origin is trusted one by one).
 */
function origins(value: string): string[] {
  const list = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of list) {
    const problem = originProblem(origin);
    if (problem) throw new InvalidSetting(problem);
  }
  return list;
}

/** An OTLP collector's base URL; the trace exporter adds `/v1/traces`. */
function otlpEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidSetting('must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidSetting('must be an http:// or https:// URL');
  return url.href.replace(/\/+$/, '');
}

const optionalText = { parse: text, unset: null as string | null, default: '—' };
const off = { parse: flag, unset: false, default: 'off' };

// ---- the catalogue -------------------------------------------------------

const EVERY: readonly FluxoProcess[] = ['gateway', 'subgraph', 'worker', 'start', 'cli'];
const GATEWAY: readonly FluxoProcess[] = ['gateway', 'start'];
const DATABASES: readonly FluxoProcess[] = ['subgraph', 'worker', 'start', 'cli'];
const WORKER: readonly FluxoProcess[] = ['worker', 'start'];

export const SETTINGS = {
  DATABASE_URL: setting({
    ...optionalText,
    secret: true,
    default: '`postgres://postgres@127.0.0.1:5432/fluxo`; `fluxo start` runs an embedded PostgreSQL instead',
    readBy: EVERY,
    meaning:
      'control-plane database; its server is shard `default`; required by the gateway and each subgraph run alone, and by the `fluxo` commands that work on a database',
  }),
  FLUXO_SHARDS: setting({
    parse: shardList,
    unset: {} as Record<string, string>,
    secret: true,
    default: '—',
    readBy: DATABASES,
    meaning: 'more shards: `eu2=postgres://host:5432,eu3=...` (the database part is ignored)',
  }),
  FLUXO_DEFAULT_SHARD: setting({
    parse: text,
    unset: 'default',
    default: '`default`',
    readBy: ['subgraph', 'start', 'cli'],
    meaning: 'shard on which new tenants are placed',
  }),
  FLUXO_PLACEMENT: setting({
    parse: placementStrategy,
    unset: 'default-shard' as PlacementStrategy,
    default: '`default-shard`',
    readBy: ['subgraph', 'start', 'cli'],
    meaning:
      "where a new tenant's database goes when no rule of `FLUXO_PLACEMENT_RULES` names its plan: `default-shard` (`FLUXO_DEFAULT_SHARD`) or `least-tenants` (the shard of `FLUXO_SHARDS` with the fewest tenants; docs/tenant-moves.md)",
  }),
  FLUXO_PLACEMENT_RULES: setting({
    parse: placementRules,
    unset: {} as Record<string, string>,
    default: '—',
    readBy: ['subgraph', 'start', 'cli'],
    meaning: 'a shard per plan, before `FLUXO_PLACEMENT`: `plan:enterprise=eu2,plan:starter=eu3`',
  }),
  FLUXO_TENANT_DB_PREFIX: setting({
    parse: text,
    unset: 'fluxo_tenant_',
    default: '`fluxo_tenant_`',
    readBy: ['subgraph', 'start', 'cli'],
    meaning: 'prefix of the names of new tenant databases',
  }),
  FLUXO_TENANT_TEMPLATE_PREFIX: setting({
    parse: text,
    unset: '',
    default: 'unset',
    readBy: ['subgraph', 'start', 'cli'],
    meaning:
      'when set, a new tenant database is cloned from a migrated template database, `<prefix><hash of its modules and migrations>`, created on first use and kept; its migrations still run after the clone. The test suite sets it',
  }),
  FLUXO_DB_ROLES: setting({
    ...off,
    default: 'off (on for the embedded PostgreSQL of `fluxo start`)',
    readBy: EVERY,
    meaning:
      '`1`: each service connects as its own PostgreSQL login `<prefix><service>` (password `FLUXO_<NAME>_DB_PASSWORD`) instead of the user of `DATABASE_URL` and `FLUXO_SHARDS`, and migrations run as the role `<prefix>owner` (docs/database-roles.md)',
  }),
  FLUXO_DB_ROLE_PREFIX: setting({
    parse: rolePrefix,
    unset: 'fluxo_',
    default: '`fluxo_`',
    readBy: EVERY,
    meaning: 'prefix of the PostgreSQL roles of `FLUXO_DB_ROLES` (roles are cluster-wide: two installations on one server need two prefixes)',
  }),
  FLUXO_DATA_DIR: setting({ parse: text, unset: '.data', default: '`.data`', readBy: ['start'], meaning: 'embedded PostgreSQL data and local secrets' }),
  FLUXO_EMBEDDED_PG_PORT: setting({ parse: port, unset: 5488, default: '5488', readBy: ['start'], meaning: 'port of the embedded PostgreSQL' }),
  PORT: setting({ parse: port, unset: 4000, default: '4000', readBy: GATEWAY, meaning: 'gateway port' }),
  HOST: setting({
    parse: text,
    unset: '0.0.0.0',
    default: '`0.0.0.0`',
    readBy: ['gateway', 'subgraph', 'worker'],
    meaning: 'address a service run on its own listens on (`fluxo start` listens on 127.0.0.1)',
  }),
  FLUXO_ADMIN_TOKEN: setting({
    parse: adminToken,
    unset: null as string | null,
    secret: true,
    default: 'generated in the data dir',
    readBy: GATEWAY,
    meaning: "the operator's token (`fluxo keys generate-admin-token`); required by the gateway alone",
  }),
  FLUXO_CONTEXT_PRIVATE_KEY: setting({
    ...optionalText,
    secret: true,
    default: 'generated in the data dir',
    readBy: GATEWAY,
    meaning: 'Ed25519 PEM key with which the gateway signs tenant contexts (newlines may be written `\\n`); required by the gateway alone',
  }),
  FLUXO_CONTEXT_PUBLIC_KEY: setting({
    ...optionalText,
    default: 'generated in the data dir',
    readBy: ['subgraph', 'start'],
    meaning: 'its public half, with which subgraphs verify them; required by each subgraph alone (`fluxo start` uses both only when both are set)',
  }),
  FLUXO_SESSION_PRIVATE_KEY: setting({
    ...optionalText,
    secret: true,
    default: 'generated in the data dir',
    readBy: ['subgraph', 'start'],
    meaning: "Ed25519 PEM key with which the access subgraph signs people's access tokens; without it nobody can sign in",
  }),
  FLUXO_DATA_MASTER_KEY: setting({
    parse: masterKey,
    unset: null as string | null,
    secret: true,
    default: 'generated in the data dir',
    readBy: ['subgraph', 'start', 'cli'],
    meaning:
      "base64 AES-256 key that wraps each tenant's data keys (employees' personal data, docs/personal-data.md); read by the employees subgraph and `fluxo keys rotate-data-key`",
  }),
  FLUXO_SESSION_PUBLIC_KEY: setting({
    ...optionalText,
    default: 'generated in the data dir',
    readBy: GATEWAY,
    meaning: 'its public half, with which the gateway verifies access tokens; without it the gateway accepts keys only',
  }),
  FLUXO_SMTP_URL: setting({
    ...optionalText,
    secret: true,
    readBy: ['subgraph', 'start'],
    meaning: 'mail server for invitations, `smtp://user:pass@host:587` or `smtps://…`; unset, mail is logged and shown to the operator instead',
  }),
  FLUXO_MAIL_FROM: setting({
    parse: text,
    unset: 'Fluxo <no-reply@fluxo.localhost>',
    default: '`Fluxo <no-reply@fluxo.localhost>`',
    readBy: ['subgraph', 'start'],
    meaning: 'sender of the mail Fluxo sends',
  }),
  FLUXO_PUBLIC_URL: setting({
    parse: text,
    unset: 'http://localhost:4000',
    default: '`http://localhost:4000`',
    readBy: ['subgraph', 'start'],
    meaning: 'where people reach the gateway, for links in mail',
  }),
  FLUXO_CORS_ORIGINS: setting({
    parse: origins,
    unset: [] as string[],
    default: 'none',
    readBy: GATEWAY,
    meaning: 'browser origins allowed to call the gateway, comma-separated (`https://app.example.com,http://localhost:5173`); exact origins, never a wildcard',
  }),
  FLUXO_OIDC_ALLOW_HTTP: setting({
    ...off,
    readBy: ['gateway', 'subgraph', 'start'],
    meaning:
      "`1` accepts a company's OpenID Connect issuer at `http://` on a loopback address (127.0.0.0/8, ::1, localhost), for development and tests; never in production, where issuers are `https://` only",
  }),
  NODE_ENV: setting({
    parse: text,
    unset: 'development',
    default: '`development`',
    readBy: EVERY,
    meaning: '`production` turns off Apollo Sandbox, introspection, field suggestions and the query-plan switch; `test` silences logs',
  }),
  LOG_LEVEL: setting({
    parse: logLevel,
    unset: null as string | null,
    default: 'info (silent for `fluxo` commands and with `NODE_ENV=test`)',
    readBy: EVERY,
    meaning: 'pino level: fatal, error, warn, info, debug, trace or silent',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting({
    parse: otlpEndpoint,
    unset: null as string | null,
    default: '— (no traces)',
    readBy: ['gateway', 'subgraph', 'worker', 'start'],
    meaning:
      'OpenTelemetry collector (OTLP over HTTP, e.g. `http://localhost:4318`): each service sends its traces there (docs/tracing.md); unset, nothing is traced or sent',
  }),
  FLUXO_SANDBOX: setting({
    ...off,
    default: 'on unless `NODE_ENV=production`',
    readBy: GATEWAY,
    meaning: '`1` turns Apollo Sandbox and introspection on in production too',
  }),
  FLUXO_EXPOSE_QUERY_PLAN: setting({
    ...off,
    readBy: GATEWAY,
    meaning: '`1` makes the gateway answer `apollo-query-plan-experimental: 1` with its plan (never in production)',
  }),
  FLUXO_SUPERGRAPH_PATH: setting({
    ...optionalText,
    default: '`schema/supergraph.graphql`',
    readBy: GATEWAY,
    meaning: 'the composed supergraph the gateway serves',
  }),
  FLUXO_MANIFEST_PATH: setting({ ...optionalText, default: '`operations/manifest.json`', readBy: GATEWAY, meaning: 'the persisted (safelisted) operations' }),
  FLUXO_MAX_DEPTH: setting({ ...count(12), readBy: GATEWAY, meaning: 'deepest selection a query may have' }),
  FLUXO_MAX_ALIASES: setting({ ...count(20), readBy: GATEWAY, meaning: 'aliases a query may use' }),
  FLUXO_MAX_COST: setting({ ...count(20_000), readBy: GATEWAY, meaning: 'estimated cost a query may have' }),
  FLUXO_MAX_TOKENS: setting({ ...count(5_000), readBy: GATEWAY, meaning: 'tokens a query document may have (counted before it is parsed)' }),
  FLUXO_MAX_BODY_BYTES: setting({ ...count(1_048_576), readBy: GATEWAY, meaning: 'bytes a request body to `/graphql` may have, with a key' }),
  FLUXO_MAX_NESTING: setting({ ...count(32), readBy: GATEWAY, meaning: "deepest nesting of brackets in the body's JSON and in the query text, with a key" }),
  FLUXO_MAX_QUERY_LENGTH: setting({ ...count(100_000), readBy: GATEWAY, meaning: 'characters a query text may have, with a key' }),
  FLUXO_MAX_FIELDS: setting({ ...count(2_000), readBy: GATEWAY, meaning: 'fields a query document may select, with a key' }),
  FLUXO_MAX_REPEATED_FIELDS: setting({
    ...count(20),
    readBy: GATEWAY,
    meaning: 'times one response name may appear in one selection set (inline fragments included), with a key',
  }),
  FLUXO_MAX_DIRECTIVES: setting({ ...count(50), readBy: GATEWAY, meaning: 'directives a query document may use, with a key' }),
  FLUXO_ANONYMOUS_MAX_BODY_BYTES: setting({ ...count(32_768), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_BODY_BYTES`, without a key' }),
  FLUXO_ANONYMOUS_MAX_NESTING: setting({ ...count(16), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_NESTING`, without a key' }),
  FLUXO_ANONYMOUS_MAX_QUERY_LENGTH: setting({ ...count(8_000), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_QUERY_LENGTH`, without a key' }),
  FLUXO_ANONYMOUS_MAX_TOKENS: setting({ ...count(1_000), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_TOKENS`, without a key' }),
  FLUXO_ANONYMOUS_MAX_FIELDS: setting({ ...count(200), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_FIELDS`, without a key' }),
  FLUXO_ANONYMOUS_MAX_ALIASES: setting({ ...count(10), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_ALIASES`, without a key' }),
  FLUXO_ANONYMOUS_MAX_REPEATED_FIELDS: setting({ ...count(5), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_REPEATED_FIELDS`, without a key' }),
  FLUXO_ANONYMOUS_MAX_DIRECTIVES: setting({ ...count(10), readBy: GATEWAY, meaning: 'as `FLUXO_MAX_DIRECTIVES`, without a key' }),
  FLUXO_RATE_LIMIT_PER_MINUTE: setting({ ...count(6_000), readBy: GATEWAY, meaning: 'requests per access key per minute (the operator is not limited)' }),
  FLUXO_ANONYMOUS_RATE_LIMIT_PER_MINUTE: setting({ ...count(120), readBy: GATEWAY, meaning: 'requests without a key per client address per minute' }),
  FLUXO_COST_CAPACITY: setting({
    ...count(20_000),
    readBy: GATEWAY,
    meaning: 'query-cost points one access key or person may hold (docs/limits.md); a query costing more is refused outright',
  }),
  FLUXO_COST_REFILL_PER_SECOND: setting({ ...count(500), readBy: GATEWAY, meaning: 'query-cost points an access key or person gains back per second' }),
  FLUXO_ANONYMOUS_COST_CAPACITY: setting({ ...count(1_000), readBy: GATEWAY, meaning: 'as `FLUXO_COST_CAPACITY`, per client address without a key' }),
  FLUXO_ANONYMOUS_COST_REFILL_PER_SECOND: setting({
    ...count(20),
    readBy: GATEWAY,
    meaning: 'as `FLUXO_COST_REFILL_PER_SECOND`, per client address without a key',
  }),
  FLUXO_FAILED_CREDENTIALS_PER_MINUTE: setting({
    ...count(30),
    readBy: GATEWAY,
    meaning:
      'refused credentials for one key prefix from one client address per minute before that pair is refused outright (other keys from the address still work)',
  }),
  FLUXO_FAILED_CREDENTIALS_PER_ADDRESS_PER_MINUTE: setting({
    ...count(300),
    readBy: GATEWAY,
    meaning: 'refused credentials from one client address per minute, all prefixes together, before every credential from it is refused',
  }),
  FLUXO_REDIS_URL: setting({
    ...optionalText,
    secret: true,
    default: '— (each gateway counts alone)',
    readBy: GATEWAY,
    meaning: 'Redis shared by the gateway replicas for the rate limits; while it is unreachable each process falls back to its own count',
  }),
  FLUXO_KEY_CACHE_TTL_MS: setting({
    ...count(30_000),
    readBy: GATEWAY,
    meaning: 'how long the gateway trusts a verified access key before asking the control plane again (revocation drops it at once)',
  }),
  FLUXO_GATEWAY_PROCESSES: setting({
    parse: positiveNumber,
    unset: 1,
    default: '1',
    readBy: GATEWAY,
    meaning:
      'processes the gateway runs as, sharing its port, one per core you give it; the first supervises the rest. With more than one, set FLUXO_REDIS_URL so limits are counted once',
  }),
  FLUXO_DRAIN_GRACE_MS: setting({
    ...count(0),
    readBy: GATEWAY,
    meaning:
      'on SIGTERM, how long the gateway goes on answering (with /ready at 503 and `Connection: close`) before it stops listening; set it to the time your load balancer takes to notice /ready',
  }),
  FLUXO_RESPONSE_CACHE: setting({
    parse: flag,
    unset: true,
    default: 'on',
    readBy: GATEWAY,
    meaning:
      '`0` turns off the response cache, which keeps whole answers of queries whose cache hints allow it, per caller, until a write of their tenant (a mutation, a relayed event, or any write to its tables) changes what they read (docs/response-cache.md)',
  }),
  FLUXO_RESPONSE_CACHE_MAX_MB: setting({
    ...count(64),
    readBy: GATEWAY,
    meaning: 'memory the response cache may fill with answers, in MiB; the least recently used go first',
  }),
  FLUXO_SHARED_QUERIES: setting({
    parse: flag,
    unset: true,
    default: 'on',
    readBy: GATEWAY,
    meaning:
      '`0` turns off sharing: a query identical to one of the same caller in flight (same credential and grants, document and variables) waits for that execution and gets its answer instead of executing again (docs/shared-queries.md)',
  }),
  FLUXO_SUBGRAPH_TIMEOUT_MS: setting({
    parse: positiveNumber,
    unset: 10_000,
    default: '10000',
    readBy: GATEWAY,
    meaning: "longest the gateway waits for one subgraph call, connection to last byte; then that subgraph's fields are null with `SUBGRAPH_UNAVAILABLE`",
  }),
  FLUXO_SUBGRAPH_BREAKER_FAILURES: setting({
    parse: positiveNumber,
    unset: 5,
    default: '5',
    readBy: GATEWAY,
    meaning: 'consecutive failed calls to one subgraph (timeouts, refused connections, HTTP 502/503/504) that open its circuit: calls then fail at once',
  }),
  FLUXO_SUBGRAPH_BREAKER_HALF_OPEN_MS: setting({
    parse: positiveNumber,
    unset: 5_000,
    default: '5000',
    readBy: GATEWAY,
    meaning: 'how long an open circuit refuses calls before one call probes the subgraph again (success closes it, failure keeps it open)',
  }),
  FLUXO_CONTROL_PLANE_POOL: setting({
    ...count(10),
    readBy: EVERY,
    meaning: 'connections to the control plane per process (the gateway of `fluxo start` keeps 5)',
  }),
  FLUXO_TENANT_POOL_SIZE: setting({
    ...count(5),
    readBy: ['subgraph', 'start', 'cli'],
    meaning: "connections per tenant database in one process (the worker's: `FLUXO_WORKER_TENANT_POOL_SIZE`)",
  }),
  FLUXO_TENANT_CONNECTIONS_MAX: setting({ ...count(50), readBy: DATABASES, meaning: 'connections to tenant databases in one process, all tenants together' }),
  FLUXO_TENANT_POOL_IDLE_MS: setting({ ...count(60_000), readBy: DATABASES, meaning: 'an unused tenant pool is closed after this long' }),
  FLUXO_WORKER_POLL_MS: setting({
    parse: positiveNumber,
    unset: 1_000,
    default: '1000',
    readBy: WORKER,
    meaning: 'outbox polling fallback; NOTIFY wakes the worker at once',
  }),
  FLUXO_WORKER_PARTITION: setting({
    parse: partition,
    unset: { index: 0, count: 1 } as Partition,
    default: '`0/1` (every tenant)',
    readBy: WORKER,
    meaning:
      '`index/count`: this worker relays the tenants of its share, so n workers split the tenants (and their LISTEN connections); any number of workers is safe, one relay per tenant database at a time holds its advisory lock',
  }),
  FLUXO_WORKER_MAX_LISTENERS: setting({ ...count(100), readBy: WORKER, meaning: 'tenant databases a worker LISTENs to; the rest of its share is polled' }),
  FLUXO_WORKER_TENANT_POOL_SIZE: setting({
    parse: positiveNumber,
    unset: 1,
    default: '1',
    readBy: WORKER,
    meaning:
      "connections per tenant database in the worker (a drain holds one); its pools share `FLUXO_TENANT_CONNECTIONS_MAX`, so the worker keeps that many divided by this tenants' pools open",
  }),
  FLUXO_WORKER_CONCURRENCY: setting({
    parse: positiveNumber,
    unset: 4,
    default: '4',
    readBy: WORKER,
    meaning: "tenant databases the worker drains at once; never more than the pools it keeps open, so no drain closes another's pool",
  }),
  FLUXO_WORKER_FAILURE_REPEAT_MS: setting({
    parse: positiveNumber,
    unset: 300_000,
    default: '300000',
    readBy: WORKER,
    meaning: 'a tenant whose drains keep failing for one cause is logged once, then again with a count this often, and once more when it recovers',
  }),
  FLUXO_WORKER_METRICS_PORT: setting({
    parse: port,
    unset: 9464,
    default: '9464',
    readBy: WORKER,
    meaning: "the worker's `/metrics` (Prometheus: outbox lag, pending and dead events per module, deliveries) and `/health`; `0` picks a free port",
  }),
  FLUXO_WORKER_METRICS_INTERVAL_MS: setting({
    parse: positiveNumber,
    unset: 15_000,
    default: '15000',
    readBy: WORKER,
    meaning: "how often the worker reads its tenants' outboxes for the lag and dead-letter gauges (one statement per tenant database, two at a time)",
  }),
  FLUXO_WORKER_CRASH_AT: setting({
    parse: crashPoint,
    unset: null as CrashPoint | null,
    default: '—',
    readBy: WORKER,
    meaning: 'tests only: `before-consumer-commit` or `after-consumer-commit` makes the worker kill itself (SIGKILL) at that point of a delivery',
  }),
  FLUXO_PUBLIC_EVENTS_RETENTION_HOURS: setting({
    parse: positiveNumber,
    unset: 168,
    default: '168 (7 days)',
    readBy: WORKER,
    meaning: 'public events (and their webhook deliveries) older than this are deleted by the worker, in batches',
  }),
  FLUXO_WEBHOOKS_TIMEOUT_MS: setting({
    parse: positiveNumber,
    unset: 10_000,
    default: '10000',
    readBy: WORKER,
    meaning: 'longest one webhook request may take, connection to last byte',
  }),
  FLUXO_WEBHOOKS_CONCURRENCY: setting({
    parse: positiveNumber,
    unset: 16,
    default: '16',
    readBy: WORKER,
    meaning: 'webhook requests a worker has in flight at once, all endpoints together (each endpoint gets at most 2)',
  }),
  FLUXO_WEBHOOKS_DISABLE_AFTER_HOURS: setting({
    parse: positiveNumber,
    unset: 120,
    default: '120 (5 days)',
    readBy: WORKER,
    meaning:
      'an endpoint whose deliveries have all failed for this long (and at least `FLUXO_WEBHOOKS_DISABLE_AFTER_FAILURES` times) is disabled, and the company audit log says so',
  }),
  FLUXO_WEBHOOKS_DISABLE_AFTER_FAILURES: setting({
    ...count(20),
    readBy: WORKER,
    meaning: 'consecutive failed webhook attempts an endpoint must also have before it is disabled',
  }),
  FLUXO_WEBHOOKS_ALLOW_LOOPBACK: setting({
    ...off,
    readBy: ['subgraph', 'worker', 'start'],
    meaning: '`1` lets webhook endpoints resolve to loopback addresses (development and tests); private, link-local and other internal addresses stay refused',
  }),
  FLUXO_DEMO: setting({ ...off, readBy: ['start'], meaning: '`1` also provisions a demo company with every module and sample data (as `--demo`)' }),
  FLUXO_PG_BIN: setting({
    ...optionalText,
    default: '`PATH`',
    readBy: ['cli'],
    meaning: 'directory of pg_dump and pg_restore, for `fluxo db backup --format pg_dump` and the restore of its archives',
  }),
  FLUXO_DEBUG: setting({ ...off, readBy: ['cli'], meaning: '`1` prints the stack trace of every failure of a `fluxo` command' }),
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The typed value of every setting, as read from one environment. */
export type SettingValues = { -readonly [N in SettingName]: (typeof SETTINGS)[N] extends SettingDefinition<infer T> ? T : never };

const subgraphPattern = <T>(definition: SettingPattern<T>): SettingPattern<T> => definition;

/** Settings named after a subgraph, e.g. FLUXO_ASSETS_PORT. */
export const SETTING_PATTERNS = {
  'FLUXO_<NAME>_PORT': subgraphPattern({
    pattern: /^FLUXO_([A-Z0-9_]+)_PORT$/,
    parse: port,
    unset: null as number | null,
    default: '`defaultPort` of its manifest (4001–4005)',
    readBy: ['subgraph', 'start'],
    meaning: "a subgraph's port",
  }),
  'FLUXO_<NAME>_URL': subgraphPattern({
    pattern: /^FLUXO_([A-Z0-9_]+)_URL$/,
    parse: text,
    unset: null as string | null,
    default: '—',
    readBy: ['gateway'],
    meaning: "a subgraph's URL; the gateway alone requires one for each subgraph of the supergraph",
  }),
  'FLUXO_<NAME>_DB_PASSWORD': subgraphPattern({
    pattern: /^FLUXO_([A-Z0-9_]+)_DB_PASSWORD$/,
    parse: text,
    unset: null as string | null,
    secret: true,
    default: 'generated in the data dir by `fluxo start`',
    readBy: EVERY,
    meaning:
      'with `FLUXO_DB_ROLES=1`, the password of the login `<prefix><name>` of service `<NAME>` (ACCESS, ASSETS, EMPLOYEES, FINANCE, PAYROLL, GATEWAY, WORKER); each service needs its own, `fluxo db roles` all of them',
  }),
} as const;

export type PatternName = keyof typeof SETTING_PATTERNS;

/** Every setting and setting family: the rows of the README's configuration table. */
export function catalogue(): Array<{ name: string } & SettingDefinition<unknown>> {
  return [...Object.entries(SETTINGS), ...Object.entries(SETTING_PATTERNS)].map(([name, definition]) => ({
    name,
    ...(definition as SettingDefinition<unknown>),
  }));
}
