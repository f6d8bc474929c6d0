import { sql, type Kysely } from 'kysely';
import { envName } from '../../platform/config';
import { createDatabase } from '../../platform/db';
import { actingAs, moduleRole, ownerRole, roleName, withLogin } from '../../platform/db-roles';
import { createLogger } from '../../platform/logger';
import { MODULES, moduleSchema, type ModuleName } from '../../platform/modules';
import { ServiceRuntime } from '../../platform/runtime';
import { syncTenants } from '../../subgraphs/access/provisioning/tenant-sync';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let company: Company;
const opened: Array<Kysely<unknown>> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  company = await createCompany(database, { name: 'Roles Co', modules: [...MODULES] });
});

afterAll(async () => {
  for (const db of opened) await db.destroy();
  await company?.tenantDb.destroy();
  await database?.drop();
});

const prefix = () => database.config.databaseRoles.prefix;

/** A pool on `url` as the login of `service`, with its configured password. */
function as(service: string, url: string): Kysely<unknown> {
  const db = createDatabase<unknown>(withLogin(url, roleName(prefix(), service), database.config.databaseRoles.passwords[envName(service)]!), { max: 1 });
  opened.push(db);
  return db;
}

/** The SQLSTATE a statement fails with, or null when it succeeds. */
async function failure(work: Promise<unknown>): Promise<string | null> {
  try {
    await work;
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const DENIED = '42501';
const schemaOf = (module: ModuleName) => moduleSchema(module);
const others = (module: ModuleName) => MODULES.filter((m) => m !== module);
/** An audit row as the kit writes it, in a transaction rolled back so the append-only log stays clean. */
const auditInsert = (db: Kysely<unknown>) =>
  db.transaction().execute(async (trx) => {
    await sql`INSERT INTO audit.audit_log (module, operation, entity) VALUES ('TEST', 'probe', 'probe')`.execute(trx);
    throw Object.assign(new Error('roll back'), { code: 'ROLLED_BACK' });
  });

describe.each(MODULES.map((m) => [m]))('the %s login in a tenant database', (module) => {
  it('reads and writes its own schema, including its outbox', async () => {
    const db = as(schemaOf(module), company.tenantUrl);
    const own = sql.table(`${schemaOf(module)}.outbox`);
    expect(await failure(sql`SELECT count(*) FROM ${own}`.execute(db))).toBeNull();
    expect(await failure(sql`UPDATE ${own} SET attempts = attempts WHERE false`.execute(db))).toBeNull();
  });

  it("can neither read nor write another module's schema", async () => {
    const db = as(schemaOf(module), company.tenantUrl);
    for (const other of others(module)) {
      const outbox = sql.table(`${schemaOf(other)}.outbox`);
      expect({ other, read: await failure(sql`SELECT 1 FROM ${outbox} LIMIT 1`.execute(db)) }).toEqual({ other, read: DENIED });
      expect({ other, write: await failure(sql`DELETE FROM ${outbox} WHERE false`.execute(db)) }).toEqual({ other, write: DENIED });
    }
  });

  it('appends to the tenant audit log but cannot read it', async () => {
    const db = as(schemaOf(module), company.tenantUrl);
    expect(await failure(auditInsert(db))).toBe('ROLLED_BACK');
    expect(await failure(sql`SELECT 1 FROM audit.audit_log LIMIT 1`.execute(db))).toBe(DENIED);
  });

  it('cannot open the control plane', async () => {
    expect(await failure(sql`SELECT 1 FROM company LIMIT 1`.execute(as(schemaOf(module), database.url)))).toBe(DENIED);
  });
});

describe('the gateway login', () => {
  it('reads keys, sessions and tenants, and records a key’s last use only', async () => {
    const db = as('gateway', database.url);
    expect(await failure(sql`SELECT k.prefix, t.database_name FROM access_key k JOIN tenant t USING (company_id)`.execute(db))).toBeNull();
    expect(await failure(sql`SELECT 1 FROM user_session LIMIT 1`.execute(db))).toBeNull();
    expect(await failure(sql`UPDATE access_key SET last_used_at = now() WHERE id = ${company.keyId}`.execute(db))).toBeNull();
  });

  it('cannot write the keys table', async () => {
    const db = as('gateway', database.url);
    expect(await failure(sql`UPDATE access_key SET revoked_at = NULL WHERE id = ${company.keyId}`.execute(db))).toBe(DENIED);
    expect(await failure(sql`UPDATE access_key SET modules = modules WHERE id = ${company.keyId}`.execute(db))).toBe(DENIED);
    expect(await failure(sql`DELETE FROM access_key WHERE id = ${company.keyId}`.execute(db))).toBe(DENIED);
    expect(
      await failure(
        sql`INSERT INTO access_key (company_id, name, kind, modules, prefix, secret_hash, created_by)
            SELECT company_id, 'forged', kind, modules, 'forged', secret_hash, 'x' FROM access_key WHERE id = ${company.keyId}`.execute(db),
      ),
    ).toBe(DENIED);
  });

  it('reads no tenant data and no other control-plane table', async () => {
    expect(await failure(sql`SELECT 1 FROM employees.outbox LIMIT 1`.execute(as('gateway', company.tenantUrl)))).toBe(DENIED);
    expect(await failure(sql`SELECT 1 FROM subscription_request LIMIT 1`.execute(as('gateway', database.url)))).toBe(DENIED);
  });
});

describe('the worker login', () => {
  it('reads where tenants live but not the people tables', async () => {
    const db = as('worker', database.url);
    expect(await failure(sql`SELECT t.database_name, c.modules FROM tenant t JOIN company c ON c.id = t.company_id`.execute(db))).toBeNull();
    for (const table of ['app_user', 'membership', 'user_session', 'refresh_token', 'invitation', 'access_key']) {
      expect({ table, read: await failure(sql`SELECT 1 FROM ${sql.table(table)} LIMIT 1`.execute(db)) }).toEqual({ table, read: DENIED });
    }
  });

  it("relays every outbox, and touches a module's other tables only while acting as that module", async () => {
    const db = as('worker', company.tenantUrl);
    for (const module of MODULES) {
      const outbox = sql.table(`${schemaOf(module)}.outbox`);
      expect(await failure(sql`UPDATE ${outbox} SET attempts = attempts WHERE false`.execute(db))).toBeNull();
      expect(
        await failure(
          sql`INSERT INTO ${sql.table(`${schemaOf(module)}.inbox`)} (event_id, event_type, source) VALUES (gen_random_uuid(), 'x', 'x')`.execute(db),
        ),
      ).toBe(DENIED);
    }
    const asFinance = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL ROLE ${sql.id(moduleRole(prefix(), 'FINANCE'))}`.execute(trx);
      const finance = await failure(sql`SELECT 1 FROM finance.inbox LIMIT 1`.execute(trx));
      return { finance };
    });
    expect(asFinance).toEqual({ finance: null });
  });
});

describe('the access login', () => {
  it('keeps the control plane, reads only audit and outboxes of a tenant, and reaches the rest only by acting as the owner (provisioning)', async () => {
    expect(await failure(sql`SELECT 1 FROM app_user LIMIT 1`.execute(as('access', database.url)))).toBeNull();
    // The operations API: the company's audit log, and the outboxes' dead letters to list and re-queue.
    const tenant = as('access', company.tenantUrl);
    expect(await failure(sql`SELECT 1 FROM audit.audit_log LIMIT 1`.execute(tenant))).toBeNull();
    expect(await failure(sql`UPDATE assets.outbox SET attempts = attempts WHERE false`.execute(tenant))).toBeNull();
    expect(await failure(sql`INSERT INTO audit.audit_log (module, operation, entity) VALUES ('ASSETS', 'forged', 'x')`.execute(tenant))).toBe(DENIED);
    expect(await failure(sql`DELETE FROM assets.outbox`.execute(tenant))).toBe(DENIED);
    expect(await failure(sql`SELECT 1 FROM assets.asset LIMIT 1`.execute(tenant))).toBe(DENIED);
    const password = database.config.databaseRoles.passwords.ACCESS!;
    const provisioning = createDatabase<unknown>(actingAs(withLogin(company.tenantUrl, roleName(prefix(), 'access'), password), ownerRole(prefix())), {
      max: 1,
    });
    opened.push(provisioning);
    expect(await failure(sql`SELECT 1 FROM assets.outbox LIMIT 1`.execute(provisioning))).toBeNull();
  });
});

describe('provisioning and tenant sync', () => {
  it('leaves every table of the tenant to the owner role', async () => {
    const { rows } = await sql<{ owner: string; tables: string }>`
      SELECT pg_get_userbyid(c.relowner) AS owner, count(*) AS tables
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(${['audit', ...MODULES.map(moduleSchema)]}::text[])
      GROUP BY 1`.execute(company.tenantDb);
    expect(rows.map((r) => r.owner)).toEqual([ownerRole(prefix())]);
  });

  it("covers tables a later migration creates through the owner's default privileges", async () => {
    const owner = createDatabase<unknown>(actingAs(company.tenantUrl, ownerRole(prefix())), { max: 1 });
    opened.push(owner);
    await sql`CREATE TABLE payroll.later_table (id integer PRIMARY KEY)`.execute(owner);
    expect(await failure(sql`INSERT INTO payroll.later_table VALUES (1)`.execute(as('payroll', company.tenantUrl)))).toBeNull();
    expect(await failure(sql`SELECT 1 FROM payroll.later_table`.execute(as('finance', company.tenantUrl)))).toBe(DENIED);
  });

  it('restores grants that were dropped from a tenant', async () => {
    const assets = moduleRole(prefix(), 'ASSETS');
    await sql`REVOKE ALL ON ALL TABLES IN SCHEMA assets FROM ${sql.id(assets)}`.execute(company.tenantDb);
    await sql`REVOKE USAGE ON SCHEMA audit FROM ${sql.id(assets)}`.execute(company.tenantDb);
    const probe = () => failure(sql`SELECT count(*) FROM assets.outbox`.execute(as('assets', company.tenantUrl)));
    expect(await probe()).toBe(DENIED);

    const runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
    try {
      const [result] = await syncTenants(accessDeps(runtime), { concurrency: 1, slugs: [company.slug] });
      expect(result).toMatchObject({ slug: company.slug, ok: true });
    } finally {
      await runtime.close();
    }
    expect(await probe()).toBeNull();
    expect(await failure(auditInsert(as('assets', company.tenantUrl)))).toBe('ROLLED_BACK');
  });

  it('hands a tenant made before roles to the owner role and grants it, when a superuser syncs', async () => {
    const rolesOff = { ...database, config: { ...database.config, databaseRoles: { ...database.config.databaseRoles, enabled: false } } };
    const older = await createCompany(rolesOff, { name: 'Before Roles Co', modules: ['EMPLOYEES'] });
    try {
      const probe = () => failure(sql`SELECT count(*) FROM employees.outbox`.execute(as('employees', older.tenantUrl)));
      expect(await probe()).toBe(DENIED);
      const runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
      try {
        const [result] = await syncTenants(accessDeps(runtime), { concurrency: 1, slugs: [older.slug] });
        expect(result).toMatchObject({ ok: true });
      } finally {
        await runtime.close();
      }
      expect(await probe()).toBeNull();
      const { rows } = await sql<{ owner: string }>`
        SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('audit', 'employees')`.execute(older.tenantDb);
      expect(rows).toEqual([{ owner: ownerRole(prefix()) }]);
    } finally {
      await older.tenantDb.destroy();
    }
  });

  it('lets no role of another module connect-and-read, even after a sync', async () => {
    const { rows } = await sql<{ role: string; allowed: boolean }>`
      SELECT r.rolname AS role, has_schema_privilege(r.rolname, 'assets', 'USAGE') AS allowed
      FROM pg_roles r WHERE r.rolname = ANY(${others('ASSETS').map((m) => moduleRole(prefix(), m))}::text[])`.execute(company.tenantDb);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => !r.allowed)).toBe(true);
  });
});
