import { sql, type Kysely } from 'kysely';
import { envName, ServiceConfigError, type FluxoConfig } from './config';
import { quoteIdent } from './db';
import { MODULES, moduleSchema, type ModuleName } from './modules';

/**
 * One PostgreSQL role per service (docs/database-roles.md). Roles are
 * cluster-wide, so every name starts with FLUXO_DB_ROLE_PREFIX. Each module
 * subgraph's login reaches only its own schema of a tenant database; the
 * gateway reads what key and session checks need from the control plane; the
 * worker relays outboxes and runs each consumer as the consuming module's role;
 * the access subgraph keeps the control plane and provisions tenants by
 * switching to the owner role, which owns every table and logs in nowhere.
 */

/** Services of the platform that log in, besides one per business module (named after its schema). */
export const PLATFORM_LOGINS = ['access', 'gateway', 'worker'] as const;

/** Every service that logs in with a role of its own: `access`, `gateway`, `worker`, `assets`, … */
export function loginServices(): string[] {
  return [...PLATFORM_LOGINS, ...MODULES.map(moduleSchema)];
}

export const roleName = (prefix: string, service: string): string => `${prefix}${service}`;
export const ownerRole = (prefix: string): string => `${prefix}owner`;
export const moduleRole = (prefix: string, module: ModuleName): string => roleName(prefix, moduleSchema(module));

/** The variable holding a service's password: FLUXO_<NAME>_DB_PASSWORD. */
export const passwordVariable = (service: string): string => `FLUXO_${envName(service)}_DB_PASSWORD`;

/** The role a service's process connects as: a module subgraph uses its module's role. */
export function serviceOfSubgraph(manifest: { name: string; module: ModuleName | null }): string {
  return manifest.module ? moduleSchema(manifest.module) : manifest.name;
}

/** The same connection string with another user and password. */
export function withLogin(connectionString: string, user: string, password: string): string {
  const url = new URL(connectionString);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * The same connection string whose sessions act as `role` from their first
 * statement (`SET ROLE` as a startup option): the login must be a member.
 */
export function actingAs(connectionString: string, role: string): string {
  const url = new URL(connectionString);
  const given = url.searchParams.get('options');
  url.searchParams.set('options', `${given ? `${given} ` : ''}-c role=${quoteIdent(role).slice(1, -1)}`);
  return url.toString();
}

/**
 * The configuration a service runs with: with FLUXO_DB_ROLES on, the control
 * plane and every shard are reached as the service's own login; otherwise as
 * the URLs say.
 */
export function serviceConfig(config: FluxoConfig, service: string): FluxoConfig {
  const roles = config.databaseRoles;
  if (!roles.enabled) return config;
  const password = roles.passwords[envName(service)];
  if (!password) throw new ServiceConfigError(`FLUXO_DB_ROLES is on but ${passwordVariable(service)} is not set`);
  const user = roleName(roles.prefix, service);
  const login = (url: string) => withLogin(url, user, password);
  return {
    ...config,
    databaseUrl: login(config.databaseUrl),
    shards: Object.fromEntries(Object.entries(config.shards).map(([name, url]) => [name, login(url)])),
  };
}

/** Where migrations connect: as the owner role when FLUXO_DB_ROLES is on, so what they create belongs to it. */
export function migrationUrl(config: Pick<FluxoConfig, 'databaseRoles'>, connectionString: string): string {
  return config.databaseRoles.enabled ? actingAs(connectionString, ownerRole(config.databaseRoles.prefix)) : connectionString;
}

/** The prefix when FLUXO_DB_ROLES is on, else null: what provisioning needs to know. */
export function rolePrefixOf(config: Pick<FluxoConfig, 'databaseRoles'>): string | null {
  return config.databaseRoles.enabled ? config.databaseRoles.prefix : null;
}

/** With database roles on, the role each consumer's transaction acts as: its module's (the worker is a member of each). */
export function consumerRoles(config: Pick<FluxoConfig, 'databaseRoles'>): ((module: ModuleName) => string) | undefined {
  const prefix = rolePrefixOf(config);
  return prefix ? (module) => moduleRole(prefix, module) : undefined;
}

const ident = (name: string) => sql.raw(quoteIdent(name));

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Creates the owner role and every service's login, or sets their passwords
 * again (rotation), with their memberships: the access subgraph may act as the
 * owner (provisioning), the worker as each module (its consumers). Both are
 * NOINHERIT, so they hold those rights only while acting as that role. Needs a
 * superuser (or CREATEROLE); safe to run again.
 */
export async function ensureRoles(db: Kysely<unknown>, prefix: string, passwords: Readonly<Record<string, string>>): Promise<void> {
  const missing = loginServices().filter((s) => !passwords[envName(s)]);
  if (missing.length > 0) throw new ServiceConfigError(`database roles need ${missing.map(passwordVariable).join(', ')}`);
  await ensureRole(db, ownerRole(prefix), 'NOLOGIN CREATEDB');
  for (const service of loginServices()) {
    const noInherit = service === 'access' || service === 'worker';
    await ensureRole(db, roleName(prefix, service), `LOGIN ${noInherit ? 'NOINHERIT' : 'INHERIT'}`);
    // A password is never a bind parameter in ALTER ROLE: format() quotes it as a literal.
    const { rows } = await sql<{
      statement: string;
    }>`SELECT format('ALTER ROLE %I PASSWORD %L', ${roleName(prefix, service)}::text, ${passwords[envName(service)]}::text) AS statement`.execute(db);
    await sql.raw(rows[0]!.statement).execute(db);
  }
  await sql`GRANT ${ident(ownerRole(prefix))} TO ${ident(roleName(prefix, 'access'))}`.execute(db);
  for (const module of MODULES) await sql`GRANT ${ident(moduleRole(prefix, module))} TO ${ident(roleName(prefix, 'worker'))}`.execute(db);
}

async function ensureRole(db: Kysely<unknown>, role: string, attributes: string): Promise<void> {
  const { rows } = await sql<{ one: number }>`SELECT 1 AS one FROM pg_roles WHERE rolname = ${role}`.execute(db);
  try {
    await sql.raw(`${rows.length > 0 ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(role)} ${attributes}`).execute(db);
  } catch (error) {
    // Another process created it between the look-up and here: same end state once altered.
    if ((error as { code?: string }).code !== '42710') throw error;
    await sql.raw(`ALTER ROLE ${quoteIdent(role)} ${attributes}`).execute(db);
  }
}

/**
 * Hands the database, the given schemas and everything in them to the owner
 * role, so that migrations run as the owner can change them. For databases
 * made before roles existed; the session must be a superuser.
 */
export async function adoptDatabase(db: Kysely<unknown>, prefix: string, database: string, schemas: readonly string[]): Promise<void> {
  const owner = quoteIdent(ownerRole(prefix));
  const list = schemas.map((s) => `'${quoteIdent(s).slice(1, -1)}'`).join(',');
  await sql.raw(`ALTER DATABASE ${quoteIdent(database)} OWNER TO ${owner}`).execute(db);
  await sql
    .raw(
      `DO $$
DECLARE statement text;
BEGIN
  FOR statement IN
    SELECT format('ALTER SCHEMA %I OWNER TO ${owner}', nspname) FROM pg_namespace WHERE nspname IN (${list}) AND nspowner <> '${owner}'::regrole
    UNION ALL
    SELECT format('ALTER %s %s OWNER TO ${owner}', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, c.oid::regclass)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN (${list}) AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> '${owner}'::regrole
      -- a sequence owned by a column follows its table
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT format('ALTER ROUTINE %s OWNER TO ${owner}', p.oid::regprocedure)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN (${list}) AND p.proowner <> '${owner}'::regrole
    UNION ALL
    SELECT format('ALTER TYPE %s OWNER TO ${owner}', t.oid::regtype)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname IN (${list}) AND t.typtype IN ('e', 'd') AND t.typowner <> '${owner}'::regrole
  LOOP
    EXECUTE statement;
  END LOOP;
END $$`,
    )
    .execute(db);
}

/** Whether the session's login is a superuser (only one can adopt databases made before roles). */
export async function isSuperuser(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ super: boolean }>`SELECT rolsuper AS super FROM pg_roles WHERE rolname = session_user`.execute(db);
  return rows[0]?.super === true;
}

/** Control-plane tables the gateway reads to check keys, sessions, members' roles and identity providers. */
const GATEWAY_READS = [
  'access_key',
  'company',
  'tenant',
  'app_user',
  'membership',
  'membership_role',
  'company_role',
  'identity_provider',
  'user_session',
  // Live updates read the public events the worker records (gateway/live-updates*.ts).
  'public_event',
] as const;

/**
 * The control plane's grants, run as its owner: only access, the gateway and
 * the worker may connect; access keeps every table (and, by default
 * privileges, tables later migrations add); the gateway reads what key and
 * session checks need and records a key's last use, nothing else; the worker
 * reads where tenants live, records public events and delivers webhooks.
 */
export async function grantControlPlane(db: Kysely<unknown>, prefix: string, database: string): Promise<void> {
  const owner = quoteIdent(ownerRole(prefix));
  const [access, gateway, worker] = PLATFORM_LOGINS.map((s) => quoteIdent(roleName(prefix, s)));
  const modules = MODULES.map((m) => quoteIdent(moduleRole(prefix, m))).join(', ');
  await run(db, [
    `REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC, ${modules}`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${access}, ${gateway}, ${worker}`,
    `REVOKE ALL ON SCHEMA public FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA public TO ${access}, ${gateway}, ${worker}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${access}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${access}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${access}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${access}`,
    `GRANT SELECT ON ${GATEWAY_READS.join(', ')} TO ${gateway}`,
    `GRANT UPDATE (last_used_at) ON access_key TO ${gateway}`,
    `GRANT SELECT ON tenant, company TO ${worker}`,
    // The worker records public events and delivers them to webhook endpoints.
    `GRANT SELECT, INSERT, DELETE ON public_event TO ${worker}`,
    `GRANT SELECT, UPDATE ON webhook_endpoint TO ${worker}`,
    `GRANT SELECT, INSERT, UPDATE ON webhook_delivery TO ${worker}`,
    `GRANT SELECT, INSERT ON webhook_delivery_attempt TO ${worker}`,
    `GRANT USAGE ON public_event_seq_seq, webhook_delivery_attempt_id_seq TO ${worker}`,
  ]);
}

/** Module schemas present in this tenant database. */
async function presentModules(db: Kysely<unknown>): Promise<ModuleName[]> {
  const { rows } = await sql<{ nspname: string }>`SELECT nspname FROM pg_namespace WHERE nspname = ANY(${MODULES.map(moduleSchema)}::text[])`.execute(db);
  return MODULES.filter((m) => rows.some((r) => r.nspname === moduleSchema(m)));
}

/**
 * A tenant database's grants, run as its owner after its migrations: each
 * module's login uses only its own schema and appends to the audit log; the
 * worker reads and marks outboxes and reads and clears the marks of writes
 * (it runs consumers as the consuming module's role); access may connect (it
 * provisions as the owner), and for the operations API reads the audit log
 * and reads and re-queues outboxes' dead letters, no other tenant data.
 * Default privileges cover tables that later migrations create. Running it again
 * restores whatever was revoked: `fluxo tenant sync` repairs a tenant so.
 */
export async function grantTenantDatabase(db: Kysely<unknown>, prefix: string, database: string): Promise<void> {
  const owner = quoteIdent(ownerRole(prefix));
  const [access, , worker] = PLATFORM_LOGINS.map((s) => quoteIdent(roleName(prefix, s)));
  const every = MODULES.map((m) => quoteIdent(moduleRole(prefix, m))).join(', ');
  const statements = [
    `REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`,
    `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${access}, ${worker}, ${every}`,
    `GRANT USAGE ON SCHEMA audit TO ${access}, ${every}`,
    `GRANT SELECT ON audit.audit_log TO ${access}`,
    `GRANT INSERT ON ALL TABLES IN SCHEMA audit TO ${every}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA audit TO ${every}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA audit GRANT INSERT ON TABLES TO ${every}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA audit GRANT USAGE ON SEQUENCES TO ${every}`,
  ];
  for (const module of await presentModules(db)) {
    const schema = quoteIdent(moduleSchema(module));
    const role = quoteIdent(moduleRole(prefix, module));
    statements.push(
      `GRANT USAGE ON SCHEMA ${schema} TO ${role}, ${worker}, ${access}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`,
      `GRANT SELECT, UPDATE ON ${schema}.outbox TO ${worker}, ${access}`,
      // The relay reads and clears the marks of writes (migrations/tenant/data-changes.ts), once a tenant has them.
      `DO $$ BEGIN IF to_regclass('${moduleSchema(module)}.data_change') IS NOT NULL THEN GRANT SELECT, DELETE ON ${schema}.data_change TO ${worker}; END IF; END $$`,
    );
  }
  await run(db, statements);
}
