import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { serverMajor } from '../../platform/backup';
import { createLogger } from '../../platform/logger';
import { backupDatabaseBuiltIn } from '../../platform/logical-backup';
import { ServiceRuntime } from '../../platform/runtime';
import { restoreTenant } from '../../cli/commands/db';
import { accessDeps } from '../../subgraphs/access/subgraph';
import { databaseContents, inDatabase } from '../support/backups';
import { createCompany, type Company } from '../support/company';
import { createTestDatabase, type TestDatabase } from '../support/db';

// Run by `npm run test:smoke-embedded` too: the built-in backup needs no client tools, so it works on the embedded PostgreSQL 17.
let database: TestDatabase;
let runtime: ServiceRuntime;
let company: Company;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = new ServiceRuntime(database.config, createLogger('test', 'silent'));
  company = await createCompany(database, { name: 'Smoke Backup Co', modules: ['EMPLOYEES'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-smoke-backup-'));
});
afterAll(async () => {
  await runtime?.close();
  await database?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('backs up a tenant and restores it on the test server, whatever its version', async () => {
  await inDatabase(company.tenantUrl, async (db) => {
    await sql`INSERT INTO employees.department (name) VALUES ('Kept')`.execute(db);
    await sql`INSERT INTO audit.audit_log (module, operation, entity) VALUES ('EMPLOYEES', 'test', 'department')`.execute(db);
  });
  const before = await databaseContents(company.tenantUrl);
  const file = path.join(dir, 'smoke.fluxo.gz');

  const header = await backupDatabaseBuiltIn(company.tenantUrl, file, 'tenant');
  expect(header.serverMajor).toBe(await serverMajor(company.tenantUrl));
  await inDatabase(company.tenantUrl, (db) =>
    sql`INSERT INTO audit.audit_log (module, operation, entity) VALUES ('EMPLOYEES', 'later', 'department')`.execute(db),
  );
  const report = await restoreTenant(accessDeps(runtime), company.slug, file);

  expect(await databaseContents(company.tenantUrl)).toEqual(before);
  expect(report.retired).toContain('_old');
});
