import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { seedTenant } from '../../app/seed/seed-tenant';
import { assertToolFits, backupDatabase, BackupError, findPgTool, parseToolMajor, serverMajor } from '../../platform/backup';
import { createDatabase, withDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { actingAs, ownerRole } from '../../platform/db-roles';
import { backupDatabaseBuiltIn, restoreTenantBuiltIn } from '../../platform/logical-backup';
import { ShardDirectory } from '../../platform/shards';
import { restoreTenant } from '../../cli/commands/db';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { TENANT_DATABASE_SETTINGS } from '../../subgraphs/access/provisioning/tenant-schemas';
import { ServiceRuntime } from '../../platform/runtime';
import { decodeChange, RESPONSE_CACHE_CHANNEL, type TenantChange } from '../../platform/response-cache-signal';
import { databaseContents, databasesNamed, inDatabase } from '../support/backups';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let runtime: ServiceRuntime;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-backup-'));
});
afterAll(async () => {
  await runtime?.close();
  await database?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const shards = () => new ShardDirectory(database.config.shards);
const tenantUrl = (company: Company, name = company.tenant.database) => shards().databaseUrl(company.tenant.shard, name);
const serverUrl = (company: Company) => withDatabase(shards().serverUrl(company.tenant.shard), 'postgres');

const departments = (url: string) =>
  inDatabase(url, async (db) => (await sql<{ name: string }>`SELECT name FROM employees.department ORDER BY name`.execute(db)).rows.map((r) => r.name));

describe('pg_dump and pg_restore versions', () => {
  it('read the major version and refuse a server newer than the tool', () => {
    expect(parseToolMajor('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n')).toBe(15);
    expect(parseToolMajor('pg_restore (PostgreSQL) 17.6')).toBe(17);
    expect(() => parseToolMajor('something else')).toThrow(BackupError);
    expect(() => assertToolFits({ name: 'pg_dump', path: '/usr/bin/pg_dump', major: 15 }, 17)).toThrow(
      /pg_dump 15 cannot work with PostgreSQL 17: install the client tools of PostgreSQL 17 or newer/,
    );
    expect(() => assertToolFits({ name: 'pg_dump', path: '/usr/bin/pg_dump', major: 17 }, 15)).not.toThrow();
  });

  it('says where to put the tools when they are missing', async () => {
    await expect(findPgTool('pg_dump', '/nonexistent')).rejects.toThrow(/pg_dump was not found .*FLUXO_PG_BIN/);
  });
});

describe('the built-in archive', () => {
  let company: Company;
  let file: string;

  beforeAll(async () => {
    company = await createCompany(database, { name: 'Archive Co', modules: ['EMPLOYEES', 'ASSETS', 'FINANCE', 'PAYROLL'] });
    // Through the modules' own mutations: rows, audit entries and delivered events in every module.
    await seedTenant({ controlPlane: database.db, shards: shards(), slug: company.slug, employees: 6, assets: 6, seed: 3, asOf: '2026-06-15' });
    file = path.join(dir, 'archive-co.fluxo.gz');
  });

  it('restores every table, sequence and migration of a tenant as it was, in place of the live database', async () => {
    const before = await databaseContents(tenantUrl(company));
    const header = await backupDatabaseBuiltIn(tenantUrl(company), file, 'tenant');

    expect(header.kind).toBe('tenant');
    expect(Object.keys(header.migrations).sort()).toEqual(['assets', 'audit', 'employees', 'finance', 'payroll']);
    const withRows = new Set(header.tables.filter((t) => t.rows > 0 && !t.name.startsWith('kysely_migration')).map((t) => t.schema));
    expect([...withRows].sort()).toEqual(['assets', 'audit', 'employees', 'finance', 'payroll']);
    // Every table of the database is in the archive or named as left out, with a reason.
    const tables = Object.keys(before).filter((k) => !k.startsWith('sequence '));
    expect([...header.tables.map((t) => `${t.schema}.${t.name}`), ...header.excluded.map((e) => e.relation)].sort()).toEqual(tables.sort());
    const order = header.tables.map((t) => `${t.schema}.${t.name}`);
    expect(order.indexOf('employees.department')).toBeLessThan(order.indexOf('employees.employee'));

    await inDatabase(tenantUrl(company), async (db) => {
      await sql`INSERT INTO employees.department (name) VALUES ('Later')`.execute(db);
      await sql`INSERT INTO audit.audit_log (module, operation, entity) VALUES ('EMPLOYEES', 'test', 'department')`.execute(db);
    });
    expect(await databaseContents(tenantUrl(company))).not.toEqual(before);
    // A session left open on the live database, as a running subgraph's pool would have.
    const lingering = createDatabase<unknown>(tenantUrl(company), { max: 1 });
    await sql`SELECT 1`.execute(lingering);

    // The gateways' response caches hear that everything of the company changed.
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const heard: Array<TenantChange | null> = [];
    listener.on('notification', (n) => heard.push(decodeChange(n.payload ?? '')));
    await listener.query(`LISTEN ${RESPONSE_CACHE_CHANNEL}`);
    const report = await restoreTenant(accessDeps(runtime), company.slug, file);
    await lingering.destroy().catch(() => undefined);
    await listener.query('SELECT 1');
    await listener.end();
    expect(heard).toEqual([{ companyId: company.companyId, modules: null, source: 'data' }]);

    expect(report.applied).toEqual([]);
    expect(await databaseContents(tenantUrl(company))).toEqual(before);
    expect(await departments(tenantUrl(company, report.retired))).toContain('Later');
    await inDatabase(tenantUrl(company), async (db) => {
      const { rows } = await sql<{ v: string }>`SELECT current_setting('random_page_cost') AS v`.execute(db);
      expect(rows[0]!.v).toBe(TENANT_DATABASE_SETTINGS.random_page_cost);
      // The load switched triggers off for itself only: the audit log is append-only again.
      await expect(sql`DELETE FROM audit.audit_log`.execute(db)).rejects.toThrow();
    });
  });

  it("loads with each table's triggers disabled by its owner when the login may not switch them all off", async () => {
    // The owner role is no superuser: session_replication_role is not its to set.
    const asOwner = actingAs(serverUrl(company), ownerRole(database.config.databaseRoles.prefix!));
    const name = `${database.name}_t_owner`;
    const header = await restoreTenantBuiltIn(asOwner, name, file);
    try {
      const restored = shards().databaseUrl(company.tenant.shard, name);
      const contents = await databaseContents(restored);
      expect(Object.fromEntries(header.tables.map((t) => [`${t.schema}.${t.name}`, Number(contents[`${t.schema}.${t.name}`]!.split(' ')[0])]))).toEqual(
        Object.fromEntries(header.tables.map((t) => [`${t.schema}.${t.name}`, t.rows])),
      );
      await inDatabase(restored, async (db) => {
        const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'`.execute(db);
        expect(Number(rows[0]!.n)).toBe(0);
      });
    } finally {
      await inDatabase(serverUrl(company), (db) => sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).execute(db));
    }
  });

  it('refuses a damaged, truncated or foreign archive before anything changes', async () => {
    const whole = zlib.gunzipSync(fs.readFileSync(file));
    const damaged = {
      truncated: fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2)),
      'cut before its end line': zlib.gzipSync(whole.subarray(0, whole.length - 'FLUXO-BACKUP-END\n'.length)),
      'miscounted rows': zlib.gzipSync(
        Buffer.from(
          whole
            .toString('latin1')
            .replace(
              /"name":"department","columns":(\[[^\]]*\]),"rows":(\d+)/,
              (_m, c: string, n: string) => `"name":"department","columns":${c},"rows":${Number(n) + 1}`,
            ),
          'latin1',
        ),
      ),
      'not an archive': Buffer.from('just some text\n'),
    };
    const live = await databaseContents(tenantUrl(company));
    for (const [name, bytes] of Object.entries(damaged)) {
      const bad = path.join(dir, `${name}.fluxo.gz`);
      fs.writeFileSync(bad, bytes);
      await expect(restoreTenant(accessDeps(runtime), company.slug, bad)).rejects.toThrow(
        name === 'not an archive'
          ? /is neither a Fluxo backup nor a pg_dump archive; nothing was changed/
          : /is not a complete Fluxo backup \(.+\); nothing was changed/,
      );
    }
    await expect(restoreTenant(accessDeps(runtime), company.slug, path.join(dir, 'miscounted rows.fluxo.gz'))).rejects.toThrow(
      /employees\.department has \d+ rows where the header counts \d+/,
    );
    expect(await databaseContents(tenantUrl(company))).toEqual(live);
    expect(await databasesNamed(serverUrl(company), `${company.tenant.database}_r`)).toEqual([]);
  });

  it('refuses an archive of the control plane as a tenant database', async () => {
    const controlPlane = path.join(dir, 'control-plane.fluxo.gz');
    const header = await backupDatabaseBuiltIn(database.url, controlPlane, 'control-plane');
    expect(header.migrations.public!.length).toBeGreaterThan(0);
    await expect(restoreTenant(accessDeps(runtime), company.slug, controlPlane)).rejects.toThrow(/is a backup of the control-plane, not of a tenant database/);
  });
});

it("backs up a tenant's database with pg_dump and restores it in place of the live one, settings and migrations included", async () => {
  const company = await createCompany(database, { name: 'Backup Co', modules: ['EMPLOYEES'] });
  await inDatabase(tenantUrl(company), (db) => sql`INSERT INTO employees.department (name) VALUES ('Kept')`.execute(db));
  const file = path.join(dir, 'backup-co.dump');
  const tool = await findPgTool('pg_dump');
  const server = await serverMajor(tenantUrl(company));
  if (tool.major < server) {
    // This server is newer than the machine's client tools (the embedded PostgreSQL): a clear refusal, nothing written.
    await expect(backupDatabase(tenantUrl(company), file)).rejects.toThrow(new RegExp(`pg_dump ${tool.major} cannot work with PostgreSQL ${server}`));
    expect(fs.existsSync(file)).toBe(false);
    return;
  }
  await backupDatabase(tenantUrl(company), file);
  expect(fs.statSync(file).size).toBeGreaterThan(0);
  const migrations = () =>
    inDatabase(tenantUrl(company), async (db) =>
      (await sql<{ name: string }>`SELECT name FROM employees.kysely_migration ORDER BY name`.execute(db)).rows.map((r) => r.name),
    );
  const migrated = await migrations();

  await inDatabase(tenantUrl(company), async (db) => {
    await sql`DELETE FROM employees.department WHERE name = 'Kept'`.execute(db);
    await sql`INSERT INTO employees.department (name) VALUES ('Later')`.execute(db);
  });

  const report = await restoreTenant(accessDeps(runtime), company.slug, file);

  expect(await departments(tenantUrl(company))).toEqual(['Kept']);
  expect(await migrations()).toEqual(migrated);
  expect(await departments(tenantUrl(company, report.retired))).toEqual(['Later']);
});
