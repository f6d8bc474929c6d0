import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { assertToolFits, backupDatabase, BackupError, findPgTool, parseToolMajor, serverMajor } from '../../platform/backup';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { ShardDirectory } from '../../platform/shards';
import { restoreTenant } from '../../cli/commands/db';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { TENANT_DATABASE_SETTINGS } from '../../subgraphs/access/provisioning/tenant-schemas';
import { ServiceRuntime } from '../../platform/runtime';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let runtime: ServiceRuntime;
let company: Company;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  company = await createCompany(database, { name: 'Backup Co', modules: ['EMPLOYEES'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-backup-'));
});
afterAll(async () => {
  await runtime?.close();
  await database?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const tenantUrl = (name = company.tenant.database) => new ShardDirectory(database.config.shards).databaseUrl(company.tenant.shard, name);

async function inTenant<T>(work: (db: Kysely<unknown>) => Promise<T>, name?: string): Promise<T> {
  const db = createDatabase<unknown>(tenantUrl(name), { max: 1 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const departments = (name?: string) =>
  inTenant(async (db) => (await sql<{ name: string }>`SELECT name FROM employees.department ORDER BY name`.execute(db)).rows.map((r) => r.name), name);

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

it("backs up a tenant's database and restores it in place of the live one, settings and migrations included", async () => {
  await inTenant((db) => sql`INSERT INTO employees.department (name) VALUES ('Kept')`.execute(db));
  const file = path.join(dir, 'backup-co.dump');
  const tool = await findPgTool('pg_dump');
  const server = await serverMajor(tenantUrl());
  if (tool.major < server) {
    // This server is newer than the machine's client tools (the embedded PostgreSQL): a clear refusal, nothing written.
    await expect(backupDatabase(tenantUrl(), file)).rejects.toThrow(new RegExp(`pg_dump ${tool.major} cannot work with PostgreSQL ${server}`));
    expect(fs.existsSync(file)).toBe(false);
    return;
  }
  await backupDatabase(tenantUrl(), file);
  expect(fs.statSync(file).size).toBeGreaterThan(0);
  const migrations = () =>
    inTenant(async (db) => (await sql<{ name: string }>`SELECT name FROM employees.kysely_migration ORDER BY name`.execute(db)).rows.map((r) => r.name));
  const migrated = await migrations();

  await inTenant(async (db) => {
    await sql`DELETE FROM employees.department WHERE name = 'Kept'`.execute(db);
    await sql`INSERT INTO employees.department (name) VALUES ('Later')`.execute(db);
  });
  // A session left open on the live database, as a running subgraph's pool would have.
  const lingering = createDatabase<unknown>(tenantUrl(), { max: 1 });
  await sql`SELECT 1`.execute(lingering);

  const report = await restoreTenant(accessDeps(runtime), company.slug, file);
  await lingering.destroy().catch(() => undefined);

  expect(await departments()).toEqual(['Kept']);
  expect(await migrations()).toEqual(migrated);
  const settings = await inTenant(async (db) => (await sql<{ v: string }>`SELECT current_setting('random_page_cost') AS v`.execute(db)).rows[0]!.v);
  expect(settings).toBe(TENANT_DATABASE_SETTINGS.random_page_cost);
  // The replaced database is kept, as it was, for the operator to drop.
  expect(await departments(report.retired)).toEqual(['Later']);
});
